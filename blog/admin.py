from django import forms
from django.contrib import admin, messages
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db.models import Count
from django.urls import path
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import moderation
from .editor import ArticleBodyWidget
from .models import Article, Comment, Condition
from .uploads import clean_image, upload_image


class ArticleAdminForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = [
            "title", "slug", "summary", "body", "cover_image", "cover_alt",
            "author", "co_author", "conditions", "status", "published_at",
        ]  # fmt: skip
        widgets = {"body": ArticleBodyWidget(), "summary": forms.Textarea(attrs={"rows": 3})}

    def clean_cover_image(self):
        """A new cover passes the same checks as editor images and is stored re-encoded."""
        cover = self.cleaned_data.get("cover_image")
        if isinstance(cover, UploadedFile):  # a fresh upload, not the file already stored
            image = clean_image(cover)
            return SimpleUploadedFile(image.random_name(), image.content, f"image/{image.extension}")
        return cover


class StateListFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("live", _("Live")), ("scheduled", _("Scheduled")), ("draft", _("Draft"))]

    def queryset(self, request, queryset):
        return {
            "live": queryset.published,
            "scheduled": queryset.scheduled,
            "draft": queryset.drafts,
        }.get(self.value(), queryset.all)()


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = ["title", "status", "state", "published_at", "author", "view_count", "like_count"]
    list_filter = [StateListFilter, "status", "conditions", "author"]
    list_select_related = ["author"]
    search_fields = ["title", "summary", "body", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_at"
    filter_horizontal = ["conditions"]
    autocomplete_fields = ["author", "co_author"]
    readonly_fields = ["reading_minutes", "view_count", "like_count", "updated_at", "created_at"]
    actions = ["publish_now", "move_to_draft"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "body"]}),
        (_("Cover image"), {"fields": ["cover_image", "cover_alt"]}),
        (_("People and topics"), {"fields": ["author", "co_author", "conditions"]}),
        (
            _("Publishing"),
            {
                "fields": ["status", "published_at"],
                "description": _("Published with a date in the future means scheduled."),
            },
        ),
        (
            _("Figures"),
            {"fields": ["reading_minutes", "view_count", "like_count", "updated_at", "created_at"]},
        ),
    ]

    @admin.display(description=_("state"))
    def state(self, article):
        if article.is_public:
            return _("Live")
        if article.is_scheduled:
            return _("Scheduled")
        return _("Draft")

    @admin.action(description=_("Publish now"), permissions=["change"])
    def publish_now(self, request, queryset):
        count = queryset.publish_now()
        self.message_user(
            request,
            ngettext("%d article published.", "%d articles published.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(description=_("Move back to draft"), permissions=["change"])
    def move_to_draft(self, request, queryset):
        count = queryset.move_to_draft()
        self.message_user(
            request,
            ngettext("%d article moved back to draft.", "%d articles moved back to draft.", count) % count,
            messages.SUCCESS,
        )

    def get_urls(self):
        # The editor's image upload lives with the article admin: staff only, CSRF-checked.
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "upload-image/",
                self.admin_site.admin_view(upload_image),
                name="{}_{}_upload_image".format(*info),
            ),
            *super().get_urls(),
        ]


@admin.register(Condition)
class ConditionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order", "article_count"]
    list_editable = ["order"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_total=Count("articles"))

    @admin.display(description=_("articles"), ordering="article_total")
    def article_count(self, condition):
        return condition.article_total


# Comments ---------------------------------------------------------------------------------------
# The comment moderators' tools. Every status change goes through blog/moderation.py.


class CommentAdminForm(forms.ModelForm):
    clinic_reply = forms.CharField(
        label=_("Reply as the clinic"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        help_text=_("Published at once under the clinic's name, as a reply to this comment."),
    )

    class Meta:
        model = Comment
        fields = ["status", "article", "parent", "name", "email", "body"]

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status", self.instance.status)
        if cleaned.get("clinic_reply") and status != Comment.Status.APPROVED:
            self.add_error("clinic_reply", _("Approve the comment before replying to it in public."))
        return cleaned


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    form = CommentAdminForm
    list_display = [
        "excerpt",
        "name",
        "status",
        "article",
        "in_reply_to",
        "created_at",
        "like_count",
        "by_the_clinic",
    ]
    list_display_links = ["excerpt"]
    list_filter = ["status", "is_staff_reply", ("article", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["body", "name", "email"]
    list_select_related = ["article", "parent"]
    date_hierarchy = "created_at"
    list_per_page = 50
    actions = ["approve_selected", "reject_selected", "mark_selected_as_spam"]
    readonly_fields = [
        "created_at",
        "like_count",
        "is_staff_reply",
        "held_reason",
        "moderated_by",
        "moderated_at",
    ]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            # A comment stays where it was posted.
            fields += ["article", "parent"]
        return fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (None, {"fields": ["status", "held_reason", "article", "parent", "name", "email", "body"]}),
            (
                _("Moderation"),
                {"fields": ["created_at", "like_count", "is_staff_reply", "moderated_by", "moderated_at"]},
            ),
        ]
        if obj is not None and self.has_add_permission(request):
            fieldsets.append((_("Reply as the clinic"), {"fields": ["clinic_reply"]}))
        return fieldsets

    @admin.display(description=_("comment"))
    def excerpt(self, obj):
        return Truncator(obj.body).chars(80)

    @admin.display(description=_("in reply to"), ordering="parent__name")
    def in_reply_to(self, obj):
        return obj.parent.name if obj.parent_id else "—"

    @admin.display(description=_("by the clinic"), boolean=True, ordering="is_staff_reply")
    def by_the_clinic(self, obj):
        return obj.is_staff_reply

    def save_model(self, request, obj, form, change):
        status_changed = "status" in form.changed_data
        if not change and obj.status != Comment.Status.PENDING:
            obj.moderated_by, obj.moderated_at = request.user, timezone.now()
        super().save_model(request, obj, form, change)
        if change and status_changed:
            moderation.set_status(obj, obj.status, by=request.user)
        reply = form.cleaned_data.get("clinic_reply")
        if change and reply and self.has_add_permission(request):
            moderation.reply_as_clinic(obj, by=request.user, body=reply)
            self.message_user(request, _("Your reply is published as the clinic's."), messages.SUCCESS)

    def _moderate(self, request, queryset, moderate, done):
        count = 0
        for comment in queryset.select_related("article"):
            moderate(comment, by=request.user)
            count += 1
        self.message_user(request, done(count), messages.SUCCESS)

    @admin.action(description=_("Approve"), permissions=["change"])
    def approve_selected(self, request, queryset):
        self._moderate(
            request,
            queryset,
            moderation.approve,
            lambda n: ngettext("%d comment approved.", "%d comments approved.", n) % n,
        )

    @admin.action(description=_("Reject"), permissions=["change"])
    def reject_selected(self, request, queryset):
        self._moderate(
            request,
            queryset,
            moderation.reject,
            lambda n: ngettext("%d comment rejected.", "%d comments rejected.", n) % n,
        )

    @admin.action(description=_("Mark as spam"), permissions=["change"])
    def mark_selected_as_spam(self, request, queryset):
        self._moderate(
            request,
            queryset,
            moderation.mark_spam,
            lambda n: ngettext("%d comment marked as spam.", "%d comments marked as spam.", n) % n,
        )
