import re

from django import forms
from django.contrib import admin, messages
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.db.models import Count
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin

from clinic_site.models import Clinician

from . import pagecache
from .editor import ArticleBodyField, ArticleBodyWidget
from .models import Article, Condition, Reference
from .uploads import cleaned_upload, upload_image

_IMAGE = re.compile(r"<img\b[^>]*\ssrc=", re.IGNORECASE)


class ArticleAdminForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = [
            "title", "slug", "language", "translation_of", "summary", "body", "cover_image", "cover_alt",
            "author", "co_author", "conditions", "primary_condition", "reviewer", "reviewed_on",
            "review_interval_months", "status", "published_at",
        ]  # fmt: skip
        widgets = {"body": ArticleBodyWidget(), "summary": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"body": ArticleBodyField}

    def clean_cover_image(self):
        """A new cover passes the same checks as editor images and is stored re-encoded."""
        cover = self.cleaned_data.get("cover_image")
        if isinstance(cover, UploadedFile):  # a fresh upload, not the file already stored
            return cleaned_upload(cover)
        return cover

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "reviewer" in self.fields:
            # Only those who may review are offered; Article.clean() holds to the same rule.
            self.fields["reviewer"].queryset = Clinician.objects.clinical_reviewers()
        if "primary_condition" in self.fields:
            self.fields["primary_condition"].empty_label = _("The first of its conditions")
        if "translation_of" in self.fields:
            # Originals only, never the article itself (Article.clean() holds to the same rule).
            originals = Article.objects.filter(translation_of__isnull=True)
            if self.instance.pk:
                originals = originals.exclude(pk=self.instance.pk)
            self.fields["translation_of"].queryset = originals

    def clean(self):
        cleaned = super().clean()
        primary, conditions = cleaned.get("primary_condition"), cleaned.get("conditions")
        # The many-to-many is saved after the model, so Article.clean() cannot see it: checked here.
        if primary is not None and conditions is not None and primary not in conditions:
            self.add_error(
                "primary_condition",
                forms.ValidationError(
                    _("Choose one of the conditions the article discusses (or leave it empty)."),
                    code="primary_not_discussed",
                ),
            )
        return cleaned


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


class ReviewDueListFilter(admin.SimpleListFilter):
    title = _("review due")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [
            ("overdue", _("Overdue")),
            ("soon", _("Due within 30 days")),
            ("never", _("Not reviewed")),
        ]

    def queryset(self, request, queryset):
        return {
            "overdue": queryset.review_overdue,
            "soon": queryset.review_due_soon,
            "never": queryset.not_reviewed,
        }.get(self.value(), queryset.all)()


class ReferenceInline(admin.StackedInline):
    """Stacked, the short fields side by side, each with its label: as a table of six columns the
    references made the article's page 1,887 px wide at 1280, each link and delete box out of sight."""

    model = Reference
    fields = [("order", "year"), "title", "source", "doi", "url"]
    extra = 0
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    verbose_name_plural = _("References (numbered on the page in this order)")
    view_on_site = False  # each would link to the article, as its own page does


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    inlines = [ReferenceInline]
    # The state (live, scheduled, draft) says what the status would and when; the status stays a filter.
    list_display = [
        "title", "language", "state", "published_at", "author", "reviewer", "review_due",
        "view_count", "like_count",
    ]  # fmt: skip
    # "State" (live, scheduled, draft) says more than the stored status, which it reads.
    list_filter = [StateListFilter, ReviewDueListFilter, "language", "conditions", "author"]
    list_select_related = ["author", "reviewer"]
    search_fields = ["title", "summary", "body", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_at"
    filter_horizontal = ["conditions"]

    def view_on_site(self, article):
        # Among the pages of its own language: from an admin in Spanish, the Spanish page of an
        # English article would send the editor on to its translation.
        return article.get_canonical_url()

    autocomplete_fields = ["author", "co_author"]
    readonly_fields = ["reading_minutes", "view_count", "like_count", "updated_at", "created_at"]
    actions = ["publish_now", "move_to_draft"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "body"]}),
        (
            _("Language"),
            {
                "fields": ["language", "translation_of"],
                "description": _(
                    "A translation is an article of its own: write it in its language and choose the "
                    "original it translates. Readers of a language with no translation get the original."
                ),
            },
        ),
        (_("Cover image"), {"fields": ["cover_image", "cover_alt"]}),
        (_("People and topics"), {"fields": ["author", "co_author", "conditions", "primary_condition"]}),
        (
            _("Clinical review"),
            {
                "fields": ["reviewer", "reviewed_on", "review_interval_months"],
                "description": _(
                    "Who checked the health content and when. The page shows the review; the article "
                    "is listed as due for review once the interval has run out."
                ),
            },
        ),
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

    def save_model(self, request, obj, form, change):
        if (
            "status" in form.changed_data
            and "published_at" not in form.changed_data
            and obj.status == Article.Status.PUBLISHED
            and obj.published_at <= timezone.now()
        ):
            # Published from a draft: now, as the list's "Publish now" does, not the day the draft
            # was started; a date the editor set (earlier, or later to schedule it) is kept.
            obj.published_at = timezone.now()
        super().save_model(request, obj, form, change)
        # The body is stored sanitised (Article.save): an image linked from another site is left
        # out, which the editor should hear of rather than find missing.
        left_out = len(_IMAGE.findall(form.cleaned_data.get("body") or "")) - len(_IMAGE.findall(obj.body))
        if left_out > 0:
            self.message_user(
                request,
                ngettext(
                    "%d image from another site was left out of the body: add it with the editor's "
                    "image button, which keeps a copy here.",
                    "%d images from other sites were left out of the body: add them with the editor's "
                    "image button, which keeps a copy here.",
                    left_out,
                )
                % left_out,
                messages.WARNING,
            )
        if change and "status" in form.changed_data and obj.status == Article.Status.DRAFT:
            self.warn_of_versions_still_live(request, [obj])

    def warn_of_versions_still_live(self, request, taken_down) -> None:
        """An article taken down may be wrong in every language: say which of its versions are
        still live, with a link to each, rather than take them down unasked."""
        still_live = {}
        for article in taken_down:
            still_live.update({version.pk: version for version in article.published_versions().values()})
        for version in still_live.values():  # once each, however many of its versions went down
            self.message_user(
                request,
                format_html(
                    _(
                        'Still live in another language: <a href="{}">{}</a>. Move it back to draft too '
                        "if it should come down."
                    ),
                    reverse("admin:blog_article_change", args=[version.pk]),
                    version.title,
                ),
                messages.WARNING,
            )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.instance.ensure_primary_condition()  # now that its conditions are saved

    @admin.display(description=_("review due"), ordering="review_due_on")
    def review_due(self, article):
        if article.review_due_on is None:
            return _("Not reviewed")
        if article.review_is_overdue:
            return _("Overdue since %(date)s") % {"date": date_format(article.review_due_on)}
        return date_format(article.review_due_on)

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
        pagecache.retire_all()  # a queryset update sends no signal
        self.message_user(
            request,
            ngettext("%d article published.", "%d articles published.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(description=_("Move back to draft"), permissions=["change"])
    def move_to_draft(self, request, queryset):
        chosen = list(queryset)
        count = queryset.move_to_draft()
        pagecache.retire_all()
        self.message_user(
            request,
            ngettext("%d article moved back to draft.", "%d articles moved back to draft.", count) % count,
            messages.SUCCESS,
        )
        self.warn_of_versions_still_live(request, chosen)

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
class ConditionAdmin(TranslationAdmin):
    """Names and descriptions in each language side by side (blog/translation.py)."""

    list_display = ["name", "slug", "order", "article_count"]
    list_editable = ["order"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name_en"]}
    fields = [("name_en", "name_es"), "slug", ("description_en", "description_es"), "order"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_total=Count("articles"))

    @admin.display(description=_("articles"), ordering="article_total")
    def article_count(self, condition):
        return condition.article_total
