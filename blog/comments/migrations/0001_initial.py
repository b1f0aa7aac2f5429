"""The comments' models, taken over from the blog app with their tables (blog.0006 renamed them).

State only: the tables, rows and indexes already exist, so nothing is created in the database.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('blog', '0006_move_comments_to_their_app'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Comment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=80, verbose_name='name')),
                        ('email', models.EmailField(help_text='Never shown on the site.', max_length=254, verbose_name='email')),
                        ('body', models.TextField(max_length=3000, verbose_name='comment')),
                        ('status', models.CharField(choices=[('pending', 'Pending'), ('approved', 'Approved'), ('rejected', 'Rejected'), ('spam', 'Spam')], default='pending', max_length=10, verbose_name='status')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created')),
                        ('like_count', models.PositiveIntegerField(default=0, editable=False, verbose_name='likes')),
                        ('is_staff_reply', models.BooleanField(default=False, help_text='Written by staff on behalf of the clinic.', verbose_name='reply from the clinic')),
                        ('held_reason', models.CharField(blank=True, help_text='Why the spam checks held this comment for a moderator.', max_length=200, verbose_name='held because')),
                        ('moderated_at', models.DateTimeField(blank=True, null=True, verbose_name='moderated')),
                        ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='comments', to='blog.article', verbose_name='article')),
                        ('moderated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='moderated by')),
                        ('parent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='replies', to='comments.comment', verbose_name='in reply to')),
                    ],
                    options={
                        'verbose_name': 'comment',
                        'verbose_name_plural': 'comments',
                        'ordering': ['created_at', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='CommentLike',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('browser_key', models.CharField(max_length=64)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('comment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='likes', to='comments.comment')),
                    ],
                    options={
                        'verbose_name': 'comment like',
                        'verbose_name_plural': 'comment likes',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.AddIndex(
                    model_name='comment',
                    index=models.Index(fields=['article', 'status', 'created_at'], name='comment_article_status_idx'),
                ),
                migrations.AddIndex(
                    model_name='comment',
                    index=models.Index(fields=['status', '-created_at'], name='comment_status_created_idx'),
                ),
                migrations.AddIndex(
                    model_name='comment',
                    index=models.Index(fields=['email', 'status'], name='comment_email_status_idx'),
                ),
                migrations.AddConstraint(
                    model_name='commentlike',
                    constraint=models.UniqueConstraint(fields=('comment', 'browser_key'), name='comment_like_once_per_browser'),
                ),
            ],
            database_operations=[],
        ),
    ]
