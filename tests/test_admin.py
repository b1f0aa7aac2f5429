"""Every admin page renders for a superuser, for every registered model.

Written generically over ``admin.site._registry`` so models registered later are covered without
editing this file. Instances come from the factory for the model in tests/factories.py, or else
from a row the migrations created (the staff groups); a model with neither is skipped with a
message asking for a factory.
"""

import inspect

import factory
import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from tests import factories

REGISTRY = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)
MODEL_ADMINS = [pytest.param(model, model_admin, id=model._meta.label) for model, model_admin in REGISTRY]
SEARCHABLE = [p for p in MODEL_ADMINS if p.values[1].search_fields]
WITH_DATES = [p for p in MODEL_ADMINS if p.values[1].date_hierarchy]


@pytest.fixture(autouse=True)
def tmp_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def factory_for(model):
    candidates = [
        obj
        for obj in vars(factories).values()
        if inspect.isclass(obj)
        and issubclass(obj, factory.django.DjangoModelFactory)
        and obj._meta.model is model
    ]
    # The plain factory (UserFactory) before its specialisations (StaffFactory).
    candidates.sort(key=lambda f: (f.__name__ != f"{model.__name__}Factory", len(f.__mro__)))
    return candidates[0] if candidates else None


def an_instance(model):
    model_factory = factory_for(model)
    if model_factory is not None:
        return model_factory()
    existing = model._default_manager.first()
    if existing is None:
        pytest.skip(f"No factory for {model._meta.label}: add one to tests/factories.py.")
    return existing


def admin_url(model, page, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{page}", args=args)


def assert_renders(client, url):
    response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return response


@pytest.mark.django_db
def test_admin_index_renders(admin_client):
    assert_renders(admin_client, reverse("admin:index"))


@pytest.mark.django_db
@pytest.mark.parametrize("app_label", sorted({model._meta.app_label for model, _ in REGISTRY}))
def test_app_index_renders(admin_client, app_label):
    assert_renders(admin_client, reverse("admin:app_list", args=[app_label]))


@pytest.mark.django_db
@pytest.mark.parametrize(("model", "model_admin"), MODEL_ADMINS)
def test_changelist_renders_with_an_instance(admin_client, model, model_admin):
    an_instance(model)
    assert_renders(admin_client, admin_url(model, "changelist"))


@pytest.mark.django_db
@pytest.mark.parametrize(("model", "model_admin"), MODEL_ADMINS)
def test_add_page_renders(admin_client, rf, admin_user, model, model_admin):
    request = rf.get("/")
    request.user = admin_user
    if model_admin.has_add_permission(request):
        assert_renders(admin_client, admin_url(model, "add"))
    else:
        assert admin_client.get(admin_url(model, "add")).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize(("model", "model_admin"), MODEL_ADMINS)
def test_change_page_renders(admin_client, model, model_admin):
    obj = an_instance(model)
    assert_renders(admin_client, admin_url(model, "change", obj.pk))


@pytest.mark.django_db
@pytest.mark.parametrize(("model", "model_admin"), MODEL_ADMINS)
def test_history_and_delete_pages_render(admin_client, rf, admin_user, model, model_admin):
    obj = an_instance(model)
    request = rf.get("/")
    request.user = admin_user
    assert_renders(admin_client, admin_url(model, "history", obj.pk))
    if model_admin.has_delete_permission(request, obj):
        assert_renders(admin_client, admin_url(model, "delete", obj.pk))
    else:
        assert admin_client.get(admin_url(model, "delete", obj.pk)).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize(("model", "model_admin"), SEARCHABLE)
def test_search_renders(admin_client, model, model_admin):
    an_instance(model)
    assert_renders(admin_client, admin_url(model, "changelist") + "?q=a")


@pytest.mark.django_db
@pytest.mark.parametrize(("model", "model_admin"), MODEL_ADMINS)
def test_every_filter_choice_renders(admin_client, admin_user, model, model_admin):
    an_instance(model)
    url = admin_url(model, "changelist")
    request = RequestFactory().get(url)
    request.user = admin_user
    changelist = model_admin.get_changelist_instance(request)
    query_strings = [
        choice["query_string"] for spec in changelist.filter_specs for choice in spec.choices(changelist)
    ]
    assert len(query_strings) >= len(model_admin.list_filter)
    for query_string in query_strings:
        assert_renders(admin_client, url + query_string)


@pytest.mark.django_db
@pytest.mark.parametrize(("model", "model_admin"), WITH_DATES)
def test_date_hierarchy_renders(admin_client, model, model_admin):
    an_instance(model)
    today = timezone.localdate()
    field = model_admin.date_hierarchy
    assert_renders(
        admin_client,
        admin_url(model, "changelist") + f"?{field}__year={today.year}&{field}__month={today.month}",
    )
