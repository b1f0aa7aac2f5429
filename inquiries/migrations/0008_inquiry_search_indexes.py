"""The handlers' search box: ``=reference`` (``UPPER(reference::text) = UPPER('...')`` on
PostgreSQL) by an index on that expression, and name and email (``icontains``) by a trigram index,
instead of a read of every inquiry. PostgreSQL only: SQLite keeps its scan."""

from django.db import migrations

REFERENCE_INDEX = "inquiry_reference_upper_idx"
TRIGRAM_INDEX = "inquiry_search_trgm_idx"


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # Building it reads every row: longer than the site's per-statement limit on a large table.
    schema_editor.execute("SET LOCAL statement_timeout = 0")
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {REFERENCE_INDEX} ON inquiries_inquiry (UPPER(reference::text))"
    )
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {TRIGRAM_INDEX} ON inquiries_inquiry USING gin ("
        "UPPER(name::text) gin_trgm_ops, UPPER(email::text) gin_trgm_ops)"
    )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {REFERENCE_INDEX}")
        schema_editor.execute(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}")


class Migration(migrations.Migration):
    dependencies = [("inquiries", "0007_inquiry_admin_list_indexes")]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
