"""Comments move to their own app (blog/comments/, label "comments"), with their data.

The tables are renamed to the new app's names; the models leave this app's state here and join the
comments app's state in comments.0001_initial, which creates nothing. Rows, ids, foreign keys and
indexes stay as they are.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("blog", "0005_comment_clinic_reply_label")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable(name="comment", table="comments_comment"),
                migrations.AlterModelTable(name="commentlike", table="comments_commentlike"),
            ],
            state_operations=[
                migrations.DeleteModel(name="CommentLike"),
                migrations.DeleteModel(name="Comment"),
            ],
        ),
    ]
