"""The indexes on name_key: for another commenter's name (equal keys), and on PostgreSQL a trigram
one for the moderators' search box, which looks in name_key too (``icontains``, as for 0008's
columns), so a name spelled with look-alike letters is found by its plain spelling. On PostgreSQL
both are built concurrently, so comments can still be written while they are made (outside a
transaction, hence ``atomic = False``); elsewhere the first as any index."""

from django.db import migrations, models

INDEX = models.Index(fields=["name_key"], name="comment_name_key_idx")
SEARCH_INDEX = "comment_name_key_trgm_idx"


def create_index(apps, schema_editor):
    model = apps.get_model("comments", "Comment")
    if schema_editor.connection.vendor == "postgresql":
        # Reading every row may take longer than the site's per-statement limit on a large table.
        schema_editor.execute("SET statement_timeout = 0")
        table = model._meta.db_table
        schema_editor.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX.name} ON {table} (name_key)")
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {SEARCH_INDEX} ON {table} "
            "USING gin (UPPER(name_key::text) gin_trgm_ops)"
        )
        # The planner knows an expression index's values only once the table is analysed: until
        # then it may read every comment for a search (seen: 770 ms instead of 20 at 200,000).
        schema_editor.execute(f"ANALYZE {table}")
        schema_editor.execute("RESET statement_timeout")
    else:
        schema_editor.add_index(model, INDEX)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {SEARCH_INDEX}")
    schema_editor.remove_index(apps.get_model("comments", "Comment"), INDEX)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("comments", "0011_comment_name_key_values"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(create_index, drop_index)],
            state_operations=[migrations.AddIndex(model_name="comment", index=INDEX)],
        )
    ]
