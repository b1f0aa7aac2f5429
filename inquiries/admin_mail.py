"""The mail queue's admin (django-post-office), in place of the one post_office registers.

The queued emails hold patients' addresses next to inquiry references, so every list and message
opened here is recorded in the access log. Inquiry handlers may read (view permission) but neither
requeue nor resend: both need the change permission, which their group does not have. Resending is
a POST (a button with a CSRF token), never a GET a link on another site could trigger. Under
``INQUIRIES_HANDLER_SCOPE=mine`` a handler sees only the emails of inquiries they may open; emails
about no inquiry (commenters', moderators') only those who may view comments see
(``visible_emails``).

Emails put on hold (``manage.py hold_queued_mail``, after a restore from backup) are counted above
the list and marked in it; those who may change emails release them (they go out) or cancel them
(never sent). Every action goes through ``outbox.services``, which gives the task engine its work.

An email waiting to go holds its recipient's links (the secure link to an inquiry's thread, a
comment's edit link, unsubscribe links), each of which opens something for whoever holds it: the
subject, bodies and preview shown here have every link token masked
(``clinic_site.capabilities``), so no member of staff can open a patient's thread as the patient.
"""

import copy

from django.contrib import admin, messages
from django.db.models import Exists, OuterRef
from django.http import HttpResponseNotAllowed
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from post_office import admin as post_office_admin
from post_office.models import Email, Log

from clinic_site.capabilities import hide_tokens, hide_tokens_in_headers
from outbox import services as outbox
from outbox.models import Delivery

from .admin_audit import AccessLoggedAdminMixin
from .models import Inquiry, InquiryAccessLog

admin.site.unregister(Email)
admin.site.unregister(Log)


def visible_emails(user, emails=None):
    """The emails this user may read here: a superuser, all; anyone else, those about an inquiry
    they may open (INQUIRIES_HANDLER_SCOPE), and those about none (a commenter's confirmation or
    reply notice, the moderators' notice) only with the comments' view permission: a commenter's
    address is no inquiry handler's business."""
    emails = Email.objects.all() if emails is None else emails
    if user.is_superuser:
        return emails
    hidden = Inquiry.objects.exclude(pk__in=Inquiry.objects.visible_to(user).values("pk"))
    emails = emails.exclude(inquiries__in=hidden)
    if not user.has_perm("comments.view_comment"):
        emails = emails.filter(Exists(Inquiry.emails.through.objects.filter(email=OuterRef("pk"))))
    return emails


class HeldFilter(admin.SimpleListFilter):
    title = _("on hold")
    parameter_name = "held"

    def lookups(self, request, model_admin):
        return [("yes", _("On hold")), ("no", _("Not on hold"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(delivery__held_at__isnull=False)
        if self.value() == "no":
            return queryset.exclude(delivery__held_at__isnull=False)
        return queryset


@admin.register(Email)
class EmailAdmin(AccessLoggedAdminMixin, post_office_admin.EmailAdmin):
    access_kind = InquiryAccessLog.Kind.EMAIL
    actions = ["requeue", "release_held", "cancel_held"]
    list_display = [*post_office_admin.EmailAdmin.list_display, "on_hold"]
    list_filter = [HeldFilter, *post_office_admin.EmailAdmin.list_filter]
    readonly_fields = [*post_office_admin.EmailAdmin.readonly_fields, "on_hold", "hold_reason"]

    def get_queryset(self, request):
        return visible_emails(request.user, super().get_queryset(request).select_related("delivery"))

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        first = fieldsets[0][1]
        first["fields"] = [*first["fields"], ("on_hold", "hold_reason")]
        return fieldsets

    def changelist_view(self, request, extra_context=None):
        held = Delivery.objects.held().filter(email__in=self.get_queryset(request)).count()
        return super().changelist_view(request, {**(extra_context or {}), "held_count": held})

    @admin.display(description=_("on hold since"))
    def on_hold(self, obj):
        delivery = getattr(obj, "delivery", None)
        return (
            delivery.held_at if delivery is not None and delivery.is_held else self.get_empty_value_display()
        )

    @admin.display(description=_("why it is on hold"))
    def hold_reason(self, obj):
        delivery = getattr(obj, "delivery", None)
        return delivery.hold_reason if delivery is not None else ""

    def inquiry_of(self, obj):
        return obj.inquiries.first()

    def references_of(self, objects):
        pks = [obj.pk for obj in objects]
        return list(Inquiry.objects.filter(emails__in=pks).values_list("reference", flat=True))

    @admin.action(description=_("Requeue selected emails"), permissions=["change"])
    def requeue(self, request, queryset):
        count = outbox.requeue(queryset)
        self.message_user(request, ngettext("%d email requeued.", "%d emails requeued.", count) % count)

    @admin.action(description=_("Release selected emails on hold (they are sent)"), permissions=["change"])
    def release_held(self, request, queryset):
        count = outbox.release(queryset)
        self.message_user(
            request, ngettext("%d email released.", "%d emails released.", count) % count, messages.SUCCESS
        )

    @admin.action(description=_("Cancel selected emails on hold (never sent)"), permissions=["change"])
    def cancel_held(self, request, queryset):
        count = outbox.cancel(queryset, by=request.user)
        self.message_user(request, ngettext("%d email cancelled.", "%d emails cancelled.", count) % count)

    def resend(self, request, pk):
        # post_office's own answers a GET; ours only a POST, and (in super) only with change permission.
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        return super().resend(request, pk)

    # What is shown of an email comes from a copy with its link tokens masked (never saved: the
    # stored email keeps its links until it is delivered, and loses them then).
    @staticmethod
    def masked(obj):
        shown = copy.copy(obj)
        shown.subject = hide_tokens(obj.subject)
        shown.message = hide_tokens(obj.message)
        shown.html_message = hide_tokens(obj.html_message)
        shown.headers = hide_tokens_in_headers(obj.headers)
        shown._cached_email_message = None
        return shown

    @admin.display(description=_("Subject"))
    def render_subject(self, instance):
        return super().render_subject(self.masked(instance))

    @admin.display(description=_("Mail Body"))
    def render_plaintext_body(self, instance):
        return super().render_plaintext_body(self.masked(instance))

    @admin.display(description=_("HTML Body"))
    def render_html_body(self, instance):
        return super().render_html_body(self.masked(instance))

    def _get_html_preview(self, instance):
        return super()._get_html_preview(self.masked(instance))

    def preview_html(self, request, pk):
        response = super().preview_html(request, pk)
        if response.status_code == 200:
            self.record_look(request, self.get_object(request, pk))
        return response


@admin.register(Log)
class LogAdmin(AccessLoggedAdminMixin, post_office_admin.LogAdmin):
    access_kind = InquiryAccessLog.Kind.MAIL_LOG
    list_select_related = ["email"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(email__in=visible_emails(request.user).values("pk"))

    # The worker writes the delivery log; nobody adds to it or rewrites it by hand.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def inquiry_of(self, obj):
        return obj.email.inquiries.first()

    def references_of(self, objects):
        pks = [obj.pk for obj in objects]
        return list(Inquiry.objects.filter(emails__logs__in=pks).values_list("reference", flat=True))
