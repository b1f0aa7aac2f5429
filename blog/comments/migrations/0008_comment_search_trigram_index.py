"""The moderators' search box (body, name, email: ``icontains``, which PostgreSQL runs as
``UPPER(column::text) LIKE UPPER('%words%')``) reads a trigram index instead of every comment.
PostgreSQL only: SQLite keeps its scan. The extension is a trusted one: a database owner may add it."""

from django.db import migrations

INDEX = "comment_search_trgm_idx"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # Building it reads every row: longer than the site's per-statement limit on a large table.
    schema_editor.execute("SET LOCAL statement_timeout = 0")
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON comments_comment USING gin ("
        "UPPER(body::text) gin_trgm_ops, UPPER(name::text) gin_trgm_ops, UPPER(email::text) gin_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("comments", "0007_comment_admin_list_indexes")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
