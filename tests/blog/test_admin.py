import io
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from blog.admin import ArticleAdminForm
from blog.models import Article
from tests.factories import (
    ArticleEditorFactory,
    ArticleFactory,
    ClinicianFactory,
    ConditionFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def tmp_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def png(size=(60, 40)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, "teal").save(out, format="PNG")
    return SimpleUploadedFile("cover.png", out.getvalue(), content_type="image/png")


def form_data(**overrides):
    data = {
        "title": "Stretching after a long drive",
        "slug": "stretching-after-a-long-drive",
        "summary": "Three stretches.",
        "body": "<p>Words.</p>",
        "language": "en",
        "author": ClinicianFactory().pk,
        "status": Article.Status.DRAFT,
        "published_at": "2026-01-05 10:00",
        "cover_alt": "",
        "review_interval_months": 12,
    }
    data.update(overrides)
    return data


def run_action(client, action, articles):
    return client.post(
        reverse("admin:blog_article_changelist"),
        {"action": action, "_selected_action": [a.pk for a in articles]},
        follow=True,
    )


def test_publish_now_makes_drafts_and_scheduled_articles_live(admin_client):
    draft = ArticleFactory(status=Article.Status.DRAFT)
    scheduled = ArticleFactory(published_at=timezone.now() + timedelta(days=5))
    response = run_action(admin_client, "publish_now", [draft, scheduled])
    assert response.status_code == 200
    assert set(Article.objects.published()) == {draft, scheduled}
    assert "2 articles published." in response.content.decode()


def test_publish_now_keeps_the_date_of_an_article_already_live(admin_client):
    live = ArticleFactory(published_at=timezone.now() - timedelta(days=30))
    before = live.published_at
    run_action(admin_client, "publish_now", [live])
    live.refresh_from_db()
    assert live.published_at == before


def test_move_back_to_draft(admin_client):
    live = ArticleFactory()
    run_action(admin_client, "move_to_draft", [live])
    live.refresh_from_db()
    assert live.status == Article.Status.DRAFT


def test_taking_an_article_down_says_which_translation_is_still_live(admin_client):
    english = ArticleFactory(title="Heel pain in the morning")
    spanish = ArticleFactory(title="Dolor de talón por la mañana", language="es", translation_of=english)
    html = run_action(admin_client, "move_to_draft", [english]).content.decode()
    assert "Still live in another language" in html
    assert reverse("admin:blog_article_change", args=[spanish.pk]) in html
    spanish.refresh_from_db()
    assert spanish.status == Article.Status.PUBLISHED  # the editor decides
    # Both taken down together: nothing left to mention.
    html = run_action(admin_client, "move_to_draft", [spanish]).content.decode()
    assert "Still live in another language" not in html
    # From the article's own form too.
    Article.objects.filter(pk__in=[english.pk, spanish.pk]).update(status=Article.Status.PUBLISHED)
    english.refresh_from_db()
    response = save_in_admin(admin_client, english, status=Article.Status.DRAFT, summary=english.summary)
    assert "Still live in another language" in admin_client.get(response["Location"]).content.decode()


def test_an_article_moved_back_to_draft_leaves_the_page_cache_at_once(admin_client, settings):
    settings.BLOG_PAGE_CACHE_SECONDS = 60
    live = ArticleFactory()
    reader = Client(headers={"User-Agent": "Mozilla/5.0 Firefox/140.0"})
    assert reader.get(live.get_absolute_url()).status_code == 200  # now in the page cache
    run_action(admin_client, "move_to_draft", [live])
    assert Client().get(live.get_absolute_url()).status_code == 404


def test_the_changelist_shows_live_scheduled_and_draft(admin_client):
    ArticleFactory(title="Live one")
    ArticleFactory(title="Later one", published_at=timezone.now() + timedelta(days=2))
    ArticleFactory(title="Draft one", status=Article.Status.DRAFT)
    page = admin_client.get(reverse("admin:blog_article_changelist")).content.decode()
    assert "Live" in page
    assert "Scheduled" in page
    assert 'class="field-state">Draft' in page
    assert "By state" in page and "By status" not in page  # one filter for where an article stands


def test_view_on_site_opens_a_draft_for_staff(admin_client):
    draft = ArticleFactory(status=Article.Status.DRAFT)
    response = admin_client.get(draft.get_absolute_url())
    assert response.status_code == 200


def test_a_cover_image_needs_alt_text_in_the_model():
    article = ArticleFactory.build(author=ClinicianFactory(), cover_image="covers/x.png", cover_alt=" ")
    with pytest.raises(ValidationError) as excinfo:
        article.full_clean()
    assert "cover_alt" in excinfo.value.message_dict


def test_a_cover_image_needs_alt_text_in_the_admin_form():
    form = ArticleAdminForm(data=form_data(), files={"cover_image": png()})
    assert not form.is_valid()
    assert "cover_alt" in form.errors


def test_a_cover_image_with_alt_text_is_saved_re_encoded_under_a_random_name():
    form = ArticleAdminForm(data=form_data(cover_alt="A teal square."), files={"cover_image": png()})
    assert form.is_valid(), form.errors
    article = form.save()
    assert article.cover_image.name.startswith("covers/")
    assert article.cover_image.name.endswith(".png")
    assert "cover" not in article.cover_image.name.rsplit("/", 1)[-1]


def test_a_cover_image_over_the_pixel_limit_is_refused(settings):
    settings.BLOG_UPLOAD_MAX_PIXELS = 1000
    form = ArticleAdminForm(data=form_data(cover_alt="Big."), files={"cover_image": png((100, 100))})
    assert not form.is_valid()
    assert "cover_image" in form.errors


def test_a_cover_that_is_not_an_image_is_refused():
    fake = SimpleUploadedFile("cover.png", b"<html>not an image</html>", content_type="image/png")
    form = ArticleAdminForm(data=form_data(cover_alt="x"), files={"cover_image": fake})
    assert not form.is_valid()
    assert "cover_image" in form.errors


# Clinical review


def reviewed(days_ago, **overrides):
    return ArticleFactory(
        reviewer=ClinicianFactory(), reviewed_on=timezone.localdate() - timedelta(days=days_ago), **overrides
    )


def test_the_review_due_filter_tells_overdue_due_soon_and_not_reviewed_apart(admin_client):
    reviewed(400, title="Overdue one")
    reviewed(350, title="Due soon one")
    reviewed(10, title="Fresh one")
    ArticleFactory(title="Never reviewed one")
    url = reverse("admin:blog_article_changelist")
    for choice, title in [
        ("overdue", "Overdue one"),
        ("soon", "Due soon one"),
        ("never", "Never reviewed one"),
    ]:
        content = admin_client.get(url, {"review": choice}).content.decode()
        shown = {
            t for t in ("Overdue one", "Due soon one", "Fresh one", "Never reviewed one") if t in content
        }
        assert shown == {title}, choice


def test_only_clinical_reviewers_are_offered_as_reviewer():
    physio = ClinicianFactory(role="pt", credentials="PT, DPT")
    assistant = ClinicianFactory(role="pta", credentials="PTA")
    choices = set(ArticleAdminForm().fields["reviewer"].queryset)
    assert physio in choices and assistant not in choices
    form = ArticleAdminForm(data=form_data(reviewer=assistant.pk, reviewed_on="2026-03-03"))
    assert "reviewer" in form.errors


def test_a_review_is_saved_from_the_admin_form():
    physio = ClinicianFactory(role="pt", credentials="PT")
    form = ArticleAdminForm(
        data=form_data(reviewer=physio.pk, reviewed_on="2026-03-03", review_interval_months=6)
    )
    assert form.is_valid(), form.errors
    article = form.save()
    assert (article.reviewer, str(article.review_due_on)) == (physio, "2026-09-03")


def test_references_are_added_in_the_article_form(admin_client):
    article = ArticleFactory(title="Sciatica")
    data = {
        **form_data(title="Sciatica", slug=article.slug, author=article.author_id, status="published"),
        "published_at_0": "2026-01-05",
        "published_at_1": "10:00",
        "references-TOTAL_FORMS": "1",
        "references-INITIAL_FORMS": "0",
        "references-0-order": "1",
        "references-0-title": "Low back pain and sciatica in over 16s",
        "references-0-source": "NICE guideline NG59",
        "references-0-year": "2016",
        "references-0-doi": "",
        "references-0-url": "https://www.nice.org.uk/guidance/ng59",
    }
    response = admin_client.post(reverse("admin:blog_article_change", args=[article.pk]), data)
    assert response.status_code == 302
    assert article.references.get().source == "NICE guideline NG59"


def test_the_admin_home_lists_overdue_reviews_for_those_who_edit_articles(client):
    reviewed(400, title="Overdue one")
    reviewed(10, title="Fresh one")
    client.force_login(ArticleEditorFactory())
    content = client.get(reverse("admin:index")).content.decode()
    assert 'id="reviews-overdue"' in content
    assert "Overdue one" in content and "Fresh one" not in content
    assert f"{reverse('admin:blog_article_changelist')}?review=overdue" in content


def test_the_admin_home_has_no_review_list_for_staff_who_do_not_edit_articles(client):
    reviewed(400, title="Overdue one")
    client.force_login(StaffFactory())
    assert 'id="reviews-overdue"' not in client.get(reverse("admin:index")).content.decode()


def test_a_cover_uploaded_in_the_admin_goes_to_the_bucket_and_is_served_from_our_origin(
    admin_client, media_bucket
):
    data = form_data(cover_alt="A teal square.", status=Article.Status.PUBLISHED)
    # The admin's date and time widgets.
    del data["published_at"]
    data.update(published_at_0="2026-01-05", published_at_1="10:00", cover_image=png())
    data.update({"references-TOTAL_FORMS": "0", "references-INITIAL_FORMS": "0"})
    response = admin_client.post(reverse("admin:blog_article_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get(slug="stretching-after-a-long-drive")
    assert media_bucket.keys() == {article.cover_image.name}
    assert article.cover_image.url == f"/media/{article.cover_image.name}"
    served = admin_client.get(article.cover_image.url)
    assert served["Content-Type"] == "image/png"
    assert b"".join(served.streaming_content) == media_bucket.read(article.cover_image.name)


# The primary condition ("Ask the clinic about this" pre-selects it)


def test_the_primary_condition_must_be_one_the_article_discusses():
    back, sciatica = ConditionFactory(name="Back pain"), ConditionFactory(name="Sciatica")
    form = ArticleAdminForm(data=form_data(conditions=[back.pk], primary_condition=sciatica.pk))
    assert not form.is_valid()
    assert form.has_error("primary_condition", "primary_not_discussed")


def save_in_admin(admin_client, article, **overrides):
    data = {
        **form_data(title=article.title, slug=article.slug, author=article.author_id, status="published"),
        "published_at_0": "2026-01-05",
        "published_at_1": "10:00",
        "references-TOTAL_FORMS": "0",
        "references-INITIAL_FORMS": "0",
        **overrides,
    }
    return admin_client.post(reverse("admin:blog_article_change", args=[article.pk]), data)


def test_editors_pick_the_primary_condition_among_its_conditions(admin_client):
    back, sciatica = ConditionFactory(name="Back pain", order=1), ConditionFactory(name="Sciatica", order=2)
    article = ArticleFactory()
    response = save_in_admin(
        admin_client, article, conditions=[back.pk, sciatica.pk], primary_condition=sciatica.pk
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.primary_condition == sciatica


def test_left_empty_the_primary_condition_is_the_first_of_them(admin_client):
    back, sciatica = ConditionFactory(name="Back pain", order=1), ConditionFactory(name="Sciatica", order=2)
    article = ArticleFactory()
    save_in_admin(admin_client, article, conditions=[sciatica.pk, back.pk], primary_condition="")
    article.refresh_from_db()
    assert article.primary_condition == back


def test_a_primary_condition_no_longer_discussed_gives_way_to_the_first(admin_client):
    back, sciatica = ConditionFactory(name="Back pain", order=1), ConditionFactory(name="Sciatica", order=2)
    article = ArticleFactory(conditions=[back, sciatica])
    Article.objects.filter(pk=article.pk).update(primary_condition=sciatica)
    article.conditions.set([back])
    article.refresh_from_db()
    article.ensure_primary_condition()
    assert Article.objects.get(pk=article.pk).primary_condition == back


def test_view_on_site_opens_the_article_among_the_pages_of_its_own_language():
    """From an admin in Spanish, the Spanish page of an English article would send the editor on
    to its translation."""
    from django.contrib import admin
    from django.utils import translation

    from blog.models import Article

    original = ArticleFactory(slug="neck")
    ArticleFactory(slug="cuello", language="es", translation_of=original)
    with translation.override("es"):
        assert admin.site.get_model_admin(Article).get_view_on_site_url(original) == "/blog/neck/"


def draft_started_days_ago(days):
    started = (timezone.now() - timedelta(days=days)).replace(microsecond=0)
    return ArticleFactory(status=Article.Status.DRAFT, published_at=started), timezone.localtime(started)


def test_a_draft_published_from_its_form_goes_out_now_not_the_day_it_was_started(admin_client):
    article, started = draft_started_days_ago(3)
    shown = {"published_at_0": f"{started:%Y-%m-%d}", "published_at_1": f"{started:%H:%M:%S}"}
    # As the page sends it back: the date it showed, and (hidden) the date it was given.
    hidden = {f"initial-{name}": value for name, value in shown.items()}
    page = admin_client.get(reverse("admin:blog_article_change", args=[article.pk])).content.decode()
    assert all(f'name="{name}" value="{value}"' in page for name, value in hidden.items())
    response = save_in_admin(admin_client, article, **shown, **hidden)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.is_public
    assert timezone.now() - article.published_at < timedelta(minutes=1)


def test_a_publish_date_the_editor_sets_is_kept(admin_client):
    article, _started = draft_started_days_ago(3)
    save_in_admin(admin_client, article, published_at_0="2026-01-05", published_at_1="10:00")
    article.refresh_from_db()
    assert timezone.localtime(article.published_at).strftime("%Y-%m-%d %H:%M") == "2026-01-05 10:00"


def test_a_draft_preview_says_no_publish_date(admin_client):
    article, _started = draft_started_days_ago(3)
    html = admin_client.get(article.get_absolute_url()).content.decode()
    assert "Preview: draft" in html
    assert "Published" not in html.split('class="article-meta')[1].split("</ul>")[0]


def test_the_history_says_the_body_changed_only_when_its_words_did(admin_client):
    """The editor sends back the body it was given rewritten: blank lines between blocks, tabs in
    lists, accented letters as entities, a final line break."""
    from django.contrib.admin.models import LogEntry

    article = ArticleFactory(body="<p>El músculo se desliza.</p>\n<ol>\n<li>Respire</li>\n</ol>")
    as_the_editor_sends_it = "<p>El m&uacute;sculo se desliza.</p>\n\n<ol>\n\t<li>Respire</li>\n</ol>\n"

    save_in_admin(admin_client, article, body=as_the_editor_sends_it)
    assert "Body" not in LogEntry.objects.latest("pk").get_change_message()

    save_in_admin(admin_client, article, body=as_the_editor_sends_it.replace("Respire", "Respire hondo"))
    assert "Body" in LogEntry.objects.latest("pk").get_change_message()


def test_an_image_from_another_site_left_out_of_the_body_is_said(admin_client):
    article = ArticleFactory()
    body = '<p>Stretch.</p><p><img src="https://elsewhere.example/t.png" alt="A stretch"></p>'
    response = save_in_admin(admin_client, article, body=body, summary=article.summary)
    said = admin_client.get(response["Location"]).content.decode()
    assert "1 image from another site was left out of the body" in said
    article.refresh_from_db()
    assert "elsewhere.example" not in article.body
    response = save_in_admin(admin_client, article, body="<p>Stretch.</p>", summary=article.summary)
    assert "left out of the body" not in admin_client.get(response["Location"]).content.decode()
