"""The comment moderators' tools. Every status change goes through comments.moderation."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import PAGE_VAR
from django.db.models import Count
from django.http import QueryDict
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from blog.models import Article
from clinic_site.admin_lists import EstimatedCountPaginator, LongListAdmin
from clinic_site.roles import staff_name

from . import moderation, spam, verification
from .models import Comment, VerifiedAddress


class ArticleFilter(admin.SimpleListFilter):
    """By article. Of thousands, it offers those with comments waiting for a moderator (the most
    waiting first) and the one chosen; the article in each row of the list filters by that article.
    The parameter is the one Django's own related filter used, so older links keep working."""

    title = _("article")
    parameter_name = "article__id__exact"
    offered = 20

    def lookups(self, request, model_admin):
        waiting = (
            Comment.objects.pending()
            .values_list("article", "article__title")
            .annotate(waiting=Count("id"))
            .order_by("-waiting", "article__title")[: self.offered]
        )
        choices = [(str(pk), title) for pk, title, _count in waiting]
        chosen = self.value()
        if chosen and chosen.isdigit() and chosen not in {pk for pk, _title in choices}:
            title = Article.objects.filter(pk=chosen).values_list("title", flat=True).first()
            if title is not None:
                choices.insert(0, (chosen, title))
        return choices

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        return queryset.filter(article_id=value) if value.isdigit() else queryset.none()


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

    def clean_name(self):
        name = self.cleaned_data["name"]
        reserved = "name" in self.changed_data and spam.reserved_name_in(name, moderation.reserved_names())
        if reserved:
            raise forms.ValidationError(
                _("A reader's comment cannot carry the name “%(name)s”: reply as the clinic instead."),
                params={"name": reserved},
            )
        return name

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status", self.instance.status)
        if status == Comment.Status.APPROVED and "status" in self.changed_data and "name" not in self.errors:
            as_published = Comment(name=cleaned.get("name", ""), is_staff_reply=self.instance.is_staff_reply)
            reserved = moderation.reserved_name_of(as_published)
            if reserved:
                self.add_error(
                    "name",
                    _(
                        "A reader's comment is not published under the name “%(name)s”: change the "
                        "name, or reject it."
                    )
                    % {"name": reserved},
                )
        if cleaned.get("clinic_reply") and status != Comment.Status.APPROVED:
            self.add_error("clinic_reply", _("Approve the comment before replying to it in public."))
        elif cleaned.get("clinic_reply") and self.instance.is_removed:
            self.add_error("clinic_reply", _("Its author removed this comment: reply to one of its replies."))
        return cleaned


@admin.register(Comment)
class CommentAdmin(LongListAdmin):
    form = CommentAdminForm
    list_display = [
        "excerpt",
        "name",
        "status",
        "held_because",
        "article_link",
        "in_reply_to",
        "created_at",
        "like_count",
        "by_the_clinic",
    ]
    list_display_links = ["excerpt"]
    # Sorted by what an index keeps in order; status and the clinic's replies are filters, and an
    # order by article or by the parent's author would read every comment of a long list.
    sortable_by = ["name", "created_at", "like_count"]
    list_filter = ["status", "is_staff_reply", "language", ArticleFilter]
    # name_key: a name spelled with look-alike letters ("Dr. \u039fkafor") is found by its plain spelling.
    search_fields = ["body", "name", "email", "name_key"]
    list_select_related = ["article", "parent"]
    date_hierarchy = "created_at"
    # Newest first, as moderators work (the model's own order, oldest first, is a thread's).
    ordering = ["-created_at", "-id"]
    # The whole list, unfiltered, is counted from the database's statistics.
    paginator = EstimatedCountPaginator
    actions = ["approve_selected", "reject_selected", "mark_selected_as_spam"]
    readonly_fields = [
        "address_verified",
        "created_at",
        "like_count",
        "is_staff_reply",
        "held_because",
        "moderator",
        "moderated_at",
        "published_at",
        "edited_at",
        "edited_by_clinic_at",
        "removed_at",
        "notify_replies",
        "language",
    ]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            # A comment stays where it was posted.
            fields += ["article_page", "parent"]
        if obj is not None and obj.is_removed:
            # Its author took back name, address and words: there is nothing to correct.
            fields += ["name", "email", "body"]
        return fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (
                None,
                {
                    "fields": [
                        "status",
                        "held_because",
                        "article_page",
                        "parent",
                        "name",
                        "email",
                        "address_verified",
                        "body",
                    ]
                },
            ),
            (
                _("Moderation"),
                {
                    "fields": [
                        "created_at",
                        "published_at",
                        "edited_at",
                        "edited_by_clinic_at",
                        "removed_at",
                        "notify_replies",
                        "language",
                        "like_count",
                        "is_staff_reply",
                        "moderator",
                        "moderated_at",
                    ]
                },
            ),
        ]
        if obj is not None and self.may_reply(request):
            fieldsets.append((_("Reply as the clinic"), {"fields": ["clinic_reply"]}))
        return fieldsets

    def has_add_permission(self, request):
        # Readers write comments, on the site; staff write only as the clinic, in reply to one.
        return False

    @staticmethod
    def may_reply(request) -> bool:
        return request.user.has_perm("comments.add_comment")

    def view_on_site(self, comment):
        # Only a comment readers see has a place in its thread (held, rejected or spam: none).
        return comment.get_absolute_url() if comment.status == Comment.Status.APPROVED else None

    # Shown as the article's page and the moderator's name, not as links into the admin: a
    # moderator may open neither articles nor staff accounts there (a 403).
    @admin.display(description=_("article"))
    def article_page(self, obj):
        return format_html('<a href="{}">{}</a>', obj.article.get_canonical_url(), obj.article)

    # The queue's first question: why is this one waiting? (Blocked words, links, a reserved name.)
    @admin.display(description=_("held because"))
    def held_because(self, obj):
        return obj.held_reason if obj.status == Comment.Status.PENDING and obj.held_reason else "-"

    @admin.display(description=_("moderated by"))
    def moderator(self, obj):
        return staff_name(obj.moderated_by) if obj.moderated_by else "-"

    @admin.display(description=_("address verified"), boolean=True)
    def address_verified(self, obj):
        """Whether the author confirmed the address from our email (typing it proves nothing)."""
        return verification.is_verified(obj.email) if obj.email else False

    @admin.display(description=_("comment"))
    def excerpt(self, obj):
        if obj.is_removed:
            return _("(removed by its author)")
        return Truncator(obj.body).chars(80)

    @admin.display(description=_("article"))
    def article_link(self, obj, kept: QueryDict | None = None):
        """The article, as a link to the list of its comments, with the filters in ``kept``."""
        query = kept.copy() if kept is not None else QueryDict(mutable=True)
        query[ArticleFilter.parameter_name] = str(obj.article_id)
        return format_html('<a href="?{}">{}</a>', query.urlencode(), obj.article)

    def get_list_display(self, request):
        """list_display, with each row's article link keeping how the list is filtered now (status,
        language, dates, search; not the page, nor another article)."""
        kept = request.GET.copy()
        kept.pop(PAGE_VAR, None)  # and the article, which each link sets to its own

        @admin.display(description=_("article"))
        def article_link(obj):
            return self.article_link(obj, kept)

        return [article_link if name == "article_link" else name for name in self.list_display]

    @admin.display(description=_("in reply to"), ordering="parent__name")
    def in_reply_to(self, obj):
        return obj.parent.name if obj.parent_id else "—"

    @admin.display(description=_("by the clinic"), boolean=True, ordering="is_staff_reply")
    def by_the_clinic(self, obj):
        return obj.is_staff_reply

    def save_model(self, request, obj, form, change):
        # The form saves the words; a new status goes through the one transition that stamps who and when.
        status = obj.status
        obj.status = form.initial.get("status", Comment.Status.PENDING)
        super().save_model(request, obj, form, change)
        if status != obj.status:
            moderation.moderate(obj, status, by=request.user)
        if change and set(form.changed_data) - {"status"}:
            # Words corrected, in the same save as a new status or not (a phone number taken out
            # of a held comment before approving it): marked for readers.
            moderation.edited(obj, form.changed_data)
        reply = form.cleaned_data.get("clinic_reply")
        if change and reply and self.may_reply(request):
            moderation.reply_as_clinic(obj, by=request.user, body=reply)
            self.message_user(request, _("Your reply is published as the clinic's."), messages.SUCCESS)

    def delete_model(self, request, obj):
        moderation.delete_comments(Comment.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        moderation.delete_comments(queryset)

    def _moderate(self, request, queryset, moderate, done):
        count = 0
        for comment in queryset.select_related("article"):
            moderate(comment, by=request.user)
            count += 1
        self.message_user(request, done(count), messages.SUCCESS)

    @admin.action(description=_("Approve"), permissions=["change"])
    def approve_selected(self, request, queryset):
        reserved = moderation.reserved_names()
        signed_as_us = [c.pk for c in queryset if moderation.reserved_name_of(c, reserved)]
        approvable = queryset.exclude(pk__in=signed_as_us)
        if not signed_as_us or approvable.exists():
            self._moderate(
                request,
                approvable,
                moderation.approve,
                lambda n: ngettext("%d comment approved.", "%d comments approved.", n) % n,
            )
        if signed_as_us:
            count = len(signed_as_us)
            self.message_user(
                request,
                ngettext(
                    "%d comment is not approved: it is signed with a name only the clinic uses. Change "
                    "its name, or reject it.",
                    "%d comments are not approved: they are signed with names only the clinic uses. "
                    "Change their names, or reject them.",
                    count,
                )
                % count,
                messages.WARNING,
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


@admin.register(VerifiedAddress)
class VerifiedAddressAdmin(admin.ModelAdmin):
    """Addresses confirmed by their owners; deleting one sends that commenter back to moderation."""

    list_display = ["email", "verified_at"]
    search_fields = ["=email"]
    date_hierarchy = "verified_at"

    def has_add_permission(self, request):
        return False  # only the owner of an address can verify it, through the emailed link

    def has_change_permission(self, request, obj=None):
        return False

    # Deleting an address revokes it: no link sent to it before then verifies it again.
    def delete_model(self, request, obj):
        verification.revoke(obj.email)

    def delete_queryset(self, request, queryset):
        for email in queryset.values_list("email", flat=True):
            verification.revoke(email)
