"""Every look at patient data in the admin leaves an entry in ``InquiryAccessLog``.

``AccessLoggedAdminMixin`` goes in front of a ModelAdmin whose records are, or are about, inquiries:
its list pages (how many matched, the references on the page; a search is marked as one, its words
are not kept), its change pages (viewed or changed), its actions (which, on what) and its deletions.
"""

from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.contrib.messages.storage import default_storage
from django.db import router, transaction

from .models import Inquiry, InquiryAccessLog

Action = InquiryAccessLog.Action


class AccessLoggedAdminMixin:
    access_kind = InquiryAccessLog.Kind.INQUIRY

    # How the records of this admin lead to inquiries; the inquiry admin is the identity.
    def inquiry_of(self, obj) -> Inquiry | None:
        return obj

    def references_of(self, objects) -> list[str]:
        return [obj.reference for obj in objects]

    def _record_many(self, request, action, objects, **extra):
        InquiryAccessLog.record_many(
            user=request.user,
            action=action,
            kind=self.access_kind,
            references=self.references_of(objects),
            **extra,
        )

    def record_look(self, request, obj, action=Action.VIEWED) -> None:
        InquiryAccessLog.record(
            user=request.user,
            inquiry=self.inquiry_of(obj),
            action=action,
            kind=self.access_kind,
            object_id="" if self.access_kind == InquiryAccessLog.Kind.INQUIRY else obj.pk,
        )

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if changelist is not None:
            self._record_many(
                request,
                Action.SEARCHED if changelist.query else Action.LISTED,
                list(changelist.result_list),
                result_count=changelist.result_count,
            )
        return response

    def response_action(self, request, queryset):
        name = request.POST.get("action", "")
        if name in self.get_actions(request):
            chosen = queryset
            if request.POST.get("select_across") not in ("1", "True"):
                chosen = queryset.filter(pk__in=request.POST.getlist(helpers.ACTION_CHECKBOX_NAME))
            chosen = list(chosen)
            if chosen:
                self._record_many(request, Action.ACTED, chosen, result_count=len(chosen), detail=name)
        return super().response_action(request, queryset)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        shown = obj is not None and self.has_view_or_change_permission(request, obj)
        # A change and its entry are saved together or not at all: a change is never left unrecorded
        # (a look is, if its entry cannot be written, never shown: the error page takes its place).
        try:
            with transaction.atomic(using=router.db_for_write(self.model)):
                response = super().change_view(request, object_id, form_url, extra_context)
                if shown:
                    # Saved: the admin goes on elsewhere. A form sent back with errors was a look.
                    saved = request.method == "POST" and response.status_code in (301, 302, 303)
                    self.record_look(request, obj, Action.CHANGED if saved else Action.VIEWED)
        except Exception:
            # Rolled back: the "changed successfully" (or "the patient is emailed") the save queued
            # must not greet the next page. A fresh store, as MessageMiddleware makes one, holds only
            # the messages from before this request.
            request._messages = default_storage(request)
            raise
        return response

    def delete_model(self, request, obj):
        self.record_look(request, obj, Action.DELETED)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        chosen = list(queryset)
        self._record_many(request, Action.DELETED, chosen, result_count=len(chosen))
        super().delete_queryset(request, queryset)
