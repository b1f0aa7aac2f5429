from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import admin_mail  # noqa: F401  (the mail queue's admin, in place of post_office's own)
from .admin_audit import AccessLoggedAdminMixin
from .models import (
    Inquiry,
    InquiryAccessLog,
    InquiryNote,
    RoutingRule,
    inquiry_handlers,
    is_inquiry_handler,
)


class HandlersOnlyMixin:
    """Inquiries are health data: only the handlers group (and superusers) may even see they exist.

    Model permissions alone are not enough: a permission granted by mistake to an editor must
    still not open an inquiry, so every check also asks for group membership.
    """

    def has_module_permission(self, request):
        return is_inquiry_handler(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return is_inquiry_handler(request.user) and super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return is_inquiry_handler(request.user) and super().has_change_permission(request, obj)

    def has_add_permission(self, request, *args):
        return is_inquiry_handler(request.user) and super().has_add_permission(request, *args)

    def has_delete_permission(self, request, obj=None):
        return is_inquiry_handler(request.user) and super().has_delete_permission(request, obj)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if is_inquiry_handler(request.user) else queryset.none()

    def history_view(self, request, object_id, extra_context=None):
        # Django looks the object up first and would answer "does not exist" with a redirect;
        # the answer to someone who may not look is 403, whether the object exists or not.
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        return super().history_view(request, object_id, extra_context)


class AssignedFilter(admin.SimpleListFilter):
    title = _("assigned to")
    parameter_name = "assigned"

    def lookups(self, request, model_admin):
        return [("me", _("Me")), ("nobody", _("Nobody"))]

    def queryset(self, request, queryset):
        if self.value() == "me":
            return queryset.filter(assignee=request.user)
        if self.value() == "nobody":
            return queryset.filter(assignee__isnull=True)
        return queryset


class OpenFilter(admin.SimpleListFilter):
    title = _("open or finished")
    parameter_name = "open"

    def lookups(self, request, model_admin):
        return [("yes", _("Open")), ("no", _("Closed or spam"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.open()
        if self.value() == "no":
            return queryset.finished()
        return queryset


class InquiryNoteInline(HandlersOnlyMixin, admin.TabularInline):
    model = InquiryNote
    extra = 1
    fields = ["body", "author", "created_at"]
    readonly_fields = ["author", "created_at"]

    # Notes are a record: added, never edited or removed afterwards.
    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Inquiry)
class InquiryAdmin(AccessLoggedAdminMixin, HandlersOnlyMixin, admin.ModelAdmin):
    list_display = [
        "reference",
        "received_at",
        "location",
        "condition_name",
        "status",
        "assignee",
        "first_response_display",
    ]
    list_filter = [OpenFilter, "status", AssignedFilter, "location", "condition", "assignee"]
    list_select_related = ["location", "condition", "assignee"]
    search_fields = ["=reference", "name", "email"]
    date_hierarchy = "received_at"
    ordering = ["-received_at"]
    actions = ["assign_to_me", "mark_contacted", "close", "mark_spam"]
    inlines = [InquiryNoteInline]
    fieldsets = [
        (
            _("Handling"),
            {"fields": ["reference", "status", "assignee", "received_at", "first_response_at", "closed_at"]},
        ),
        (_("Patient"), {"fields": Inquiry.CONTACT_FIELDS}),
        (_("What they told us"), {"fields": (*Inquiry.HEALTH_FIELDS, "source_article", "consent_at")}),
    ]
    # What the patient wrote stays as they wrote it; staff work status, assignee and notes.
    readonly_fields = [
        "reference",
        "received_at",
        "first_response_at",
        "closed_at",
        *Inquiry.PATIENT_FIELDS,
        "source_article",
        "consent_at",
    ]

    @admin.display(description=_("condition"), ordering="condition__name")
    def condition_name(self, obj):
        return obj.condition.name if obj.condition else _("Other / not sure")

    @admin.display(description=_("time to first response"), ordering="first_response_at")
    def first_response_display(self, obj):
        wait = obj.time_to_first_response
        if wait is None:
            return "—"
        hours, remainder = divmod(int(wait.total_seconds()), 3600)
        return _("%(hours)d h %(minutes)02d min") % {"hours": hours, "minutes": remainder // 60}

    # Inquiries only come from patients, through the form.
    def has_add_permission(self, request):
        return False

    # Erasure is the purge command's job, or a superuser's on request; handlers close or mark spam.
    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def get_queryset(self, request):
        # Need to know (INQUIRIES_HANDLER_SCOPE): the list, the change page, actions, the lot.
        return super().get_queryset(request).visible_to(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "assignee":
            kwargs["queryset"] = inquiry_handlers()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if change and "status" in form.changed_data:
            # Through the one transition method, so first-response and closed times are stamped.
            new_status = obj.status
            obj.status = form.initial["status"]
            obj.apply_status(new_status)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        notes = formset.save(commit=False)
        for note in notes:
            if note.pk is None:
                note.author = request.user
            note.save()
        formset.save_m2m()

    def _report(self, request, message):
        self.message_user(request, message, messages.SUCCESS)

    def _act(self, request, queryset, change, field: str) -> int:
        """Apply ``change`` (a model method) to each inquiry; record each real change in its history."""
        count = 0
        label = str(Inquiry._meta.get_field(field).verbose_name)
        for inquiry in queryset:
            if change(inquiry):
                # Like the change form's entries: which field changed, never a value.
                self.log_change(request, inquiry, [{"changed": {"fields": [label]}}])
                count += 1
        return count

    @admin.action(description=_("Assign to me"), permissions=["change"])
    def assign_to_me(self, request, queryset):
        count = self._act(request, queryset, lambda inquiry: inquiry.assign_to(request.user), "assignee")
        message = ngettext(
            "%(count)d inquiry assigned to you.", "%(count)d inquiries assigned to you.", count
        )
        self._report(request, message % {"count": count})

    @admin.action(description=_("Mark contacted"), permissions=["change"])
    def mark_contacted(self, request, queryset):
        count = self._act(request, queryset, Inquiry.mark_contacted, "status")
        message = ngettext(
            "%(count)d inquiry marked contacted.", "%(count)d inquiries marked contacted.", count
        )
        self._report(request, message % {"count": count})

    @admin.action(description=_("Close"), permissions=["change"])
    def close(self, request, queryset):
        count = self._act(request, queryset, Inquiry.close, "status")
        message = ngettext("%(count)d inquiry closed.", "%(count)d inquiries closed.", count)
        self._report(request, message % {"count": count})

    @admin.action(description=_("Mark as spam"), permissions=["change"])
    def mark_spam(self, request, queryset):
        count = self._act(request, queryset, Inquiry.mark_spam, "status")
        message = ngettext("%(count)d inquiry marked as spam.", "%(count)d inquiries marked as spam.", count)
        self._report(request, message % {"count": count})


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    """Ordinary model permissions: handlers may look (view), the owner or a superuser edits."""

    list_display = ["name", "condition", "location", "assignee", "group", "priority", "active"]
    list_editable = ["priority", "active"]
    list_filter = ["active", "condition", "location", "group"]
    search_fields = ["name"]
    list_select_related = ["condition", "location", "assignee", "group"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "assignee":
            kwargs["queryset"] = inquiry_handlers()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(InquiryAccessLog)
class InquiryAccessLogAdmin(admin.ModelAdmin):
    """The audit trail: superusers read it; nobody, superusers included, adds, edits or deletes it."""

    list_display = ["at", "username", "action", "kind", "reference", "result_count", "references_shown"]
    list_filter = ["action", "kind", "at"]
    search_fields = ["=reference", "references", "=username"]
    date_hierarchy = "at"
    actions = None

    @admin.display(description=_("references"))
    def references_shown(self, obj):
        return Truncator(obj.references).words(8)

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
