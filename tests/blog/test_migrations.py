"""Data migrations: 0009, existing articles get their first condition as the primary one; 0012,
existing covers get their size recorded."""

import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from PIL import Image

from blog.models import Article


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    ContentType.objects.clear_cache()
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_articles_keep_pre_selecting_their_first_condition():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    old = migrate([("blog", "0008_editors_manage_references")])
    try:
        Condition = old.get_model("blog", "Condition")
        Clinician = old.get_model("clinic_site", "Clinician")
        OldArticle = old.get_model("blog", "Article")
        back = Condition.objects.create(name="Back pain", slug="back-pain", order=1)
        sciatica = Condition.objects.create(name="Sciatica", slug="sciatica", order=2)
        author = Clinician.objects.create(name="Maya", slug="maya")
        tagged = OldArticle.objects.create(
            title="Sciatica", slug="sciatica", summary="s", body="b", author=author
        )
        tagged.conditions.set([sciatica, back])
        OldArticle.objects.create(title="Untagged", slug="untagged", summary="s", body="b", author=author)
    finally:
        migrate(latest)

    assert Article.objects.get(slug="sciatica").primary_condition.slug == "back-pain"
    assert Article.objects.get(slug="untagged").primary_condition is None


@pytest.mark.django_db(transaction=True)
def test_existing_covers_get_their_size_recorded(settings, tmp_path):
    """Migration 0012: the width and height of covers uploaded before are written once."""
    settings.MEDIA_ROOT = tmp_path
    out = io.BytesIO()
    Image.new("RGB", (300, 200), "#0b5d6b").save(out, format="PNG")
    name = default_storage.save("covers/2026/01/old.png", ContentFile(out.getvalue()))
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    old = migrate([("blog", "0011_article_search_vector")])
    try:
        Clinician = old.get_model("clinic_site", "Clinician")
        OldArticle = old.get_model("blog", "Article")
        author = Clinician.objects.create(name="Maya", slug="maya")
        OldArticle.objects.create(
            title="Knees",
            slug="knees",
            summary="s",
            body="b",
            author=author,
            cover_image=name,
            cover_alt="A knee.",
        )
    finally:
        migrate(latest)

    # values_list: the stored columns, not what loading the row would read from the file.
    assert Article.objects.filter(slug="knees").values_list("cover_width", "cover_height").get() == (300, 200)
