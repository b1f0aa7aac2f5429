"""The index on name_key. On PostgreSQL it is built concurrently, so comments can still be written
while it is made (outside a transaction, hence ``atomic = False``); elsewhere as any index."""

from django.db import migrations, models

INDEX = models.Index(fields=["name_key"], name="comment_name_key_idx")


def create_index(apps, schema_editor):
    model = apps.get_model("comments", "Comment")
    if schema_editor.connection.vendor == "postgresql":
        # Reading every row may take longer than the site's per-statement limit on a large table.
        schema_editor.execute("SET statement_timeout = 0")
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX.name} ON {model._meta.db_table} (name_key)"
        )
        schema_editor.execute("RESET statement_timeout")
    else:
        schema_editor.add_index(model, INDEX)


def drop_index(apps, schema_editor):
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
