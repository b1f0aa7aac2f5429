"""Spanish search that ignores accents, as people type on a phone: "liberacion" finds "liberación".

On PostgreSQL: the unaccent extension, and a text search configuration of our own, PostgreSQL's
Spanish with the accents taken off every word before it is stemmed, its stop words ("más",
"también") dropped first, while they still carry their accents. A Spanish article is indexed under
both PostgreSQL's configuration and ours: the Spanish stemmer reads accented endings ("liberación"
and "liberaciones" both give "liber"), which ours cannot once the accents are off; a search matches
under either (blog.models.SEARCH_CONFIGS). The Spanish articles' stored documents are then made
again. English keeps PostgreSQL's own, as it was: its words rarely carry an accent. Nothing on
SQLite, whose simple search stays as it was.
"""

from django.db import migrations

# Ours, from PostgreSQL's own, per language (blog.models.SEARCH_CONFIGS: the configurations each
# language's articles are indexed and searched under, as of this migration).
OURS = {"clinic_spanish": "spanish"}
INDEXED = {"es": ("spanish", "clinic_spanish")}
BEFORE = {"es": ("spanish",)}


def refill(apps, schema_editor, indexed: dict[str, tuple[str, ...]]) -> None:
    from django.contrib.postgres.search import SearchVector

    # Every article's document in one statement a language: longer than the site's statement_timeout
    # (DATABASE_STATEMENT_TIMEOUT_SECONDS) at 10,000 articles. Lifted until this migration commits.
    schema_editor.execute("SET LOCAL statement_timeout = 0")
    Article = apps.get_model("blog", "Article")
    for language, configs in indexed.items():
        document = None
        for config in configs:
            vector = (
                SearchVector("title", weight="A", config=config)
                + SearchVector("summary", weight="B", config=config)
                + SearchVector("body", weight="C", config=config)
            )
            document = vector if document is None else document + vector
        Article.objects.filter(language=language).update(search_vector=document)


def create_configurations(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # Here rather than UnaccentExtension(), whose reverse asks any database for PostgreSQL's catalogue.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    drop(schema_editor)  # left by a run faked backwards, say
    for ours, postgres in OURS.items():
        # The language's stop words, matched before the accents go; any other word passes on.
        schema_editor.execute(
            f"CREATE TEXT SEARCH DICTIONARY {ours}_stop "
            f"(TEMPLATE = simple, STOPWORDS = {postgres}, ACCEPT = false)"
        )
        schema_editor.execute(f"CREATE TEXT SEARCH CONFIGURATION {ours} (COPY = {postgres})")
        # Words with letters beyond ASCII, whole or hyphenated: stop word, or unaccented then stemmed.
        schema_editor.execute(
            f"ALTER TEXT SEARCH CONFIGURATION {ours} "
            f"ALTER MAPPING FOR word, hword, hword_part WITH {ours}_stop, unaccent, {postgres}_stem"
        )
    refill(apps, schema_editor, INDEXED)


def drop(schema_editor):
    for ours in OURS:
        schema_editor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {ours}")
        schema_editor.execute(f"DROP TEXT SEARCH DICTIONARY IF EXISTS {ours}_stop")


def drop_configurations(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    refill(apps, schema_editor, BEFORE)
    drop(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0013_editor_image"),
    ]

    operations = [migrations.RunPython(create_configurations, drop_configurations)]
