"""Search that ignores accents, as people type on a phone: "liberacion" finds "liberación".

On PostgreSQL: the unaccent extension, and for each language a text search configuration of our own,
PostgreSQL's for that language with the accents taken off every word before it is stemmed; then
every article's stored document is made again with it. Nothing on SQLite, whose simple search
(blog.models) stays as it was.
"""

from django.db import migrations

# Ours (blog.models.SEARCH_CONFIGS) from PostgreSQL's own, per language.
CONFIGS = {"en": ("clinic_english", "english"), "es": ("clinic_spanish", "spanish")}


def refill(apps, schema_editor, configs: dict[str, str]) -> None:
    from django.contrib.postgres.search import SearchVector

    # Every article's document in one statement a language: longer than the site's statement_timeout
    # (DATABASE_STATEMENT_TIMEOUT_SECONDS) at 10,000 articles. Lifted until this migration commits.
    schema_editor.execute("SET LOCAL statement_timeout = 0")

    Article = apps.get_model("blog", "Article")
    for language, config in configs.items():
        Article.objects.filter(language=language).update(
            search_vector=SearchVector("title", weight="A", config=config)
            + SearchVector("summary", weight="B", config=config)
            + SearchVector("body", weight="C", config=config)
        )


def create_configurations(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # Here rather than UnaccentExtension(), whose reverse asks any database for PostgreSQL's catalogue.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    for ours, postgres in CONFIGS.values():
        schema_editor.execute(f"CREATE TEXT SEARCH CONFIGURATION {ours} (COPY = {postgres})")
        # Words with letters beyond ASCII, whole or hyphenated: unaccented, then stemmed as before.
        schema_editor.execute(
            f"ALTER TEXT SEARCH CONFIGURATION {ours} "
            f"ALTER MAPPING FOR word, hword, hword_part WITH unaccent, {postgres}_stem"
        )
    refill(apps, schema_editor, {language: ours for language, (ours, _postgres) in CONFIGS.items()})


def drop_configurations(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    refill(apps, schema_editor, {language: postgres for language, (_ours, postgres) in CONFIGS.items()})
    for ours, _postgres in CONFIGS.values():
        schema_editor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {ours}")


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0013_editor_image"),
    ]

    operations = [migrations.RunPython(create_configurations, drop_configurations)]
