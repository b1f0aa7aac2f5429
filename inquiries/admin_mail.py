"""The mail queue's admin (django-post-office), in place of the one post_office registers.

The queued emails hold patients' addresses next to inquiry references, so every list and message
opened here is recorded in the access log. Inquiry handlers may read (view permission) but neither
requeue nor resend: both need the change permission, which their group does not have. Resending is
a POST (a button with a CSRF token), never a GET a link on another site could trigger. Under
``INQUIRIES_HANDLER_SCOPE=mine`` a handler sees only the emails of inquiries they may open (and
those about no inquiry).
"""

from django.contrib import admin
from django.http import HttpResponseNotAllowed
from django.utils.translation import gettext_lazy as _
from post_office import admin as post_office_admin
from post_office.models import Email, Log

from .admin_audit import AccessLoggedAdminMixin
from .models import Inquiry, InquiryAccessLog

admin.site.unregister(Email)
admin.site.unregister(Log)


def hidden_inquiries(user):
    """The inquiries this user may not open (INQUIRIES_HANDLER_SCOPE): their emails are not listed."""
    return Inquiry.objects.exclude(pk__in=Inquiry.objects.visible_to(user).values("pk"))


@admin.register(Email)
class EmailAdmin(AccessLoggedAdminMixin, post_office_admin.EmailAdmin):
    access_kind = InquiryAccessLog.Kind.EMAIL
    actions = ["requeue"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.exclude(inquiries__in=hidden_inquiries(request.user))

    def inquiry_of(self, obj):
        return obj.inquiries.first()

    def references_of(self, objects):
        pks = [obj.pk for obj in objects]
        return list(Inquiry.objects.filter(emails__in=pks).values_list("reference", flat=True))

    @admin.action(description=_("Requeue selected emails"), permissions=["change"])
    def requeue(self, request, queryset):
        post_office_admin.requeue(self, request, queryset)

    def resend(self, request, pk):
        # post_office's own answers a GET; ours only a POST, and (in super) only with change permission.
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        return super().resend(request, pk)

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
        return queryset.exclude(email__inquiries__in=hidden_inquiries(request.user))

    def inquiry_of(self, obj):
        return obj.email.inquiries.first()

    def references_of(self, objects):
        pks = [obj.pk for obj in objects]
        return list(Inquiry.objects.filter(emails__logs__in=pks).values_list("reference", flat=True))
