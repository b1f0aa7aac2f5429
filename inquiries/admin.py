import re

from django import forms
from django.apps import apps
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminSplitDateTime
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Replace
from django.template.defaultfilters import linebreaks_filter
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext, pgettext_lazy

from blog.models import Folded, fold
from clinic_site.admin_lists import LongListAdmin
from clinic_site.durations import format_duration
from clinic_site.roles import staff_name

from . import (
    admin_mail,  # noqa: F401  (the mail queue's admin, in place of post_office's own)
    services,
)
from .admin_audit import AccessLoggedAdminMixin
from .models import (
    MAX_TEXT_LENGTH,
    Inquiry,
    InquiryAccessLog,
    InquiryNote,
    RoutingRule,
    inquiry_handlers,
    is_inquiry_handler,
    typed_reference,
)

# What a phone number is written with; searched for its digits alone.
PHONE_TYPED = re.compile(r"[\d\s().+/-]+")


def phone_digits(field: str):
    """The field with the signs a phone number is written with taken out, in the database."""
    expression = models.F(field)
    for sign in " -().+/":
        expression = Replace(expression, models.Value(sign), models.Value(""))
    return expression


class HandlerChoiceField(forms.ModelChoiceField):
    """A handler by name, as the lists and the "assigned to" filter name them."""

    def label_from_instance(self, obj):
        return staff_name(obj)


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
    """Me, nobody, or one of those who may be given inquiries, by name (not every staff account)."""

    title = _("assigned to")
    parameter_name = "assigned"

    def lookups(self, request, model_admin):
        # Those who may be given inquiries, and anyone who still has some (a colleague who left).
        # (an index probe a user: there are few users, and many inquiries).
        has_some = Exists(Inquiry.objects.filter(assignee=OuterRef("pk")))
        others = (
            get_user_model()
            .objects.filter(Q(pk__in=inquiry_handlers().values("pk")) | has_some)
            .exclude(pk=request.user.pk)
            .order_by("first_name", "username")
        )
        return [
            ("me", pgettext_lazy("assigned to", "Me")),
            ("nobody", pgettext_lazy("assigned to", "Nobody")),
            *((str(user.pk), staff_name(user)) for user in others),
        ]

    def queryset(self, request, queryset):
        if self.value() == "me":
            return queryset.filter(assignee=request.user)
        if self.value() == "nobody":
            return queryset.filter(assignee__isnull=True)
        if self.value() and self.value().isascii() and self.value().isdecimal():
            return queryset.filter(assignee_id=int(self.value()))
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


class AppointmentFilter(admin.SimpleListFilter):
    title = _("appointment")
    parameter_name = "appointment"

    def lookups(self, request, model_admin):
        return [
            ("requested", _("Asked for one, not booked")),
            ("booked", _("Booked")),
            ("no", _("Did not ask")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "requested":
            return queryset.filter(wants_appointment=True).exclude(status=Inquiry.Status.BOOKED)
        if self.value() == "booked":
            return queryset.filter(status=Inquiry.Status.BOOKED)
        if self.value() == "no":
            return queryset.filter(wants_appointment=False).exclude(status=Inquiry.Status.BOOKED)
        return queryset


class InquiryAdminForm(forms.ModelForm):
    """Status, assignee and booking, and the reply box: a reply is stored with the inquiry and the
    patient is emailed only that there is news (services.send_reply)."""

    reply = forms.CharField(
        label=_("Reply to the patient"),
        required=False,
        max_length=MAX_TEXT_LENGTH,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
        help_text=_(
            "Plain text, sent when you save. The patient reads it behind a secure link; their email "
            "says only that there is news on their reference."
        ),
    )

    class Meta:
        model = Inquiry
        fields = ["status", "assignee", "booked_for", "booked_location"]
        widgets = {"booked_for": AdminSplitDateTime}
        field_classes = {"booked_for": forms.SplitDateTimeField}
        help_texts = {
            "booked_for": _("Date and time of the appointment; needed to mark the inquiry booked."),
            "booked_location": _("Needed to mark the inquiry booked."),
        }

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status", self.instance.status)
        # What the patient is told of (a booking made, moved, or made again from an older date) is
        # still to come; a booking that has since passed stays as the record it is.
        when = cleaned.get("booked_for")
        tells_the_patient = status == Inquiry.Status.BOOKED and {"status", "booked_for"} & set(
            self.changed_data
        )
        if when is not None and tells_the_patient and when <= timezone.now():
            self.add_error(
                "booked_for",
                forms.ValidationError(
                    _("That date and time has passed: give the appointment's date and time to come."),
                    code="past",
                ),
            )
        if cleaned.get("reply") and not Inquiry(status=status).takes_replies:
            self.add_error(
                "reply",
                _(
                    "An inquiry marked as spam gets no reply: its address may be anyone's. "
                    "Change its status, or leave the reply empty."
                ),
            )
        return cleaned


class InquiryNoteInline(HandlersOnlyMixin, admin.TabularInline):
    model = InquiryNote
    extra = 1
    fields = ["body", "written_by", "created_at"]
    readonly_fields = ["written_by", "created_at"]

    # A name, not a link to the staff account's admin page, which a handler may not open (a 403).
    @admin.display(description=_("author"))
    def written_by(self, note):
        author = note.author
        return staff_name(author) if author else "-"

    # Notes are a record: added, never edited or removed afterwards.
    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# What the patient chose, as text: the choices' labels, and the clinic and condition by name
# rather than as links into admin pages a handler may not open (a 403).
SHOWN_AS = {
    "preferred_days": "preferred_days_display",
    "preferred_times": "preferred_times_display",
    "location": "location_display",
    "condition": "condition_display",
}


@admin.register(Inquiry)
class InquiryAdmin(AccessLoggedAdminMixin, HandlersOnlyMixin, LongListAdmin):
    form = InquiryAdminForm
    view_on_site = False  # an inquiry has no public page (get_absolute_url is this admin page)
    # What a handler decides by first (where it stands, whose it is), then what it is about.
    list_display = [
        "reference",
        "status",
        "assigned_to",
        "received_at",
        "location",
        "condition_name",
        "appointment",
        "first_response_display",
    ]
    # Sorted by what an index keeps in order; status, place, condition and assignee are filters.
    sortable_by = ["reference", "received_at", "appointment", "first_response_display"]
    list_filter = [
        OpenFilter,
        "status",
        AppointmentFilter,
        AssignedFilter,
        "location",
        "condition",
        "language",
    ]
    list_select_related = ["location", "condition", "assignee", "booked_location"]
    search_fields = ["=reference", "name", "email"]

    def get_search_results(self, request, queryset, search_term):
        # A reference as read out on the phone or typed loosely ("inq 7kq2 m9xd") finds its inquiry,
        # besides the names and addresses the words find ("Ana Perez" reads as a reference too).
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        reference = typed_reference(search_term)
        if reference is not None:
            results = results | queryset.filter(reference=reference)
        # A name spelt on the phone without its accents ("Martinez" finds "Martínez"); not for an
        # address, which would read every row for nothing.
        words = fold(search_term.strip())
        if words and "@" not in words:
            by_name = Inquiry.objects.alias(folded=Folded("name")).filter(folded__contains=words)
            results = results | queryset.filter(pk__in=by_name.values("pk"))
        # A phone number however it is written ("555-201-3344", "5552013344").
        digits = re.sub(r"\D", "", search_term)
        if len(digits) >= 7 and PHONE_TYPED.fullmatch(search_term.strip()):
            by_phone = Inquiry.objects.alias(digits=phone_digits("phone")).filter(digits__contains=digits)
            results = results | queryset.filter(pk__in=by_phone.values("pk"))
        return results, may_have_duplicates

    date_hierarchy = "received_at"
    ordering = ["-received_at"]
    actions = ["assign_to_me", "mark_contacted", "close", "mark_spam"]
    inlines = [InquiryNoteInline]
    # The appointment questions as staff read them (the days and times are stored as codes).
    APPOINTMENT_DISPLAY = [SHOWN_AS.get(name, name) for name in Inquiry.APPOINTMENT_FIELDS]
    HEALTH_DISPLAY = [SHOWN_AS.get(name, name) for name in Inquiry.HEALTH_FIELDS]
    fieldsets = [
        (
            _("Handling"),
            {
                "fields": [
                    "reference",
                    "status",
                    "assignee",
                    "received_at",
                    "language",
                    "first_response_at",
                    "closed_at",
                ]
            },
        ),
        (
            _("Conversation"),
            {
                "fields": ["conversation", "reply"],
                "description": _(
                    "What the clinic and the patient wrote to each other through the patient's secure link."
                ),
            },
        ),
        (_("Booking"), {"fields": ["booked_for", "booked_location"]}),
        (_("Patient"), {"fields": Inquiry.CONTACT_FIELDS}),
        (_("Appointment request"), {"fields": APPOINTMENT_DISPLAY}),
        (_("What they told us"), {"fields": (*HEALTH_DISPLAY, "source_article_page", "consent_at")}),
    ]
    # What the patient wrote stays as they wrote it; staff work status, assignee, booking, notes
    # and replies.
    readonly_fields = [
        "reference",
        "received_at",
        "language",
        "first_response_at",
        "closed_at",
        "conversation",
        *Inquiry.CONTACT_FIELDS,
        *APPOINTMENT_DISPLAY,
        *HEALTH_DISPLAY,
        "source_article_page",
        "consent_at",
    ]

    def get_fieldsets(self, request, obj=None):
        # Only those who may change this inquiry get the reply box (INQUIRIES_HANDLER_SCOPE included:
        # an inquiry they may not change never reaches its page), and not on spam (takes_replies).
        if self.has_change_permission(request, obj) and (obj is None or obj.takes_replies):
            return self.fieldsets
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f != "reply"]})
            for name, options in self.fieldsets
        ]

    @admin.display(description=_("location"))
    def location_display(self, obj):
        return obj.location.name if obj.location else _("Either clinic")

    @admin.display(description=_("condition"))
    def condition_display(self, obj):
        return obj.condition.name if obj.condition else _("Other / not sure")

    @admin.display(description=_("from article"))
    def source_article_page(self, obj):
        article = obj.source_article
        return format_html('<a href="{}">{}</a>', article.get_canonical_url(), article) if article else "—"

    @admin.display(description=_("days that suit"))
    def preferred_days_display(self, obj):
        return ", ".join(obj.preferred_day_labels) or "—"

    @admin.display(description=_("times of day that suit"))
    def preferred_times_display(self, obj):
        return ", ".join(obj.preferred_time_labels) or "—"

    @admin.display(description=_("appointment"), ordering="booked_for")
    def appointment(self, obj):
        """At a glance: booked (when, where), asked for (which days and times), or nothing."""
        if obj.status == Inquiry.Status.BOOKED and obj.booked_for:
            where = obj.booked_location.name if obj.booked_location else ""
            return _("Booked %(when)s %(where)s") % {
                "when": date_format(
                    localtime(obj.booked_for),
                    pgettext("a booking in a list, as in Mar 3, 09:30 (a date format)", "M j, H:i"),
                ),
                "where": where,
            }
        if obj.asks_about_appointment:
            wishes = [", ".join(obj.preferred_day_labels), ", ".join(obj.preferred_time_labels)]
            wishes = " · ".join(part for part in wishes if part)
            return _("Asked: %(wishes)s") % {"wishes": wishes} if wishes else _("Asked")
        return "—"

    @admin.display(description=_("messages"))
    def conversation(self, obj):
        messages_ = list(obj.messages.select_related("author")) if obj.pk else []
        if not messages_:
            return _("No messages yet.")
        return format_html(
            '<ol class="inquiry-conversation">{}</ol>',
            format_html_join(
                "",
                '<li id="message-{}"><p><strong>{}</strong> · {}</p>{}</li>',
                (
                    (
                        message.pk,
                        (
                            _("%(clinic)s, by %(author)s")
                            % {
                                "clinic": _("The clinic"),
                                "author": staff_name(message.author)
                                if message.author
                                else _("a deleted account"),
                            }
                        )
                        if message.from_clinic
                        else _("The patient"),
                        date_format(localtime(message.created_at), "DATETIME_FORMAT"),
                        linebreaks_filter(message.body, autoescape=True),  # escaped, then safe
                    )
                    for message in messages_
                ),
            ),
        )

    @admin.display(description=_("condition"), ordering="condition__name")
    def condition_name(self, obj):
        return obj.condition.name if obj.condition else _("Other / not sure")

    @admin.display(description=_("first response after"), ordering="first_response_at")
    def first_response_display(self, obj):
        wait = obj.time_to_first_response
        return "—" if wait is None else format_duration(wait)

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
            kwargs["form_class"] = HandlerChoiceField
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("assignee"))
    def assigned_to(self, obj):
        return staff_name(obj.assignee) if obj.assignee else "-"

    def save_model(self, request, obj, form, change):
        newly_booked = False
        if change and "status" in form.changed_data:
            # Through the one transition method, so first-response and closed times are stamped.
            new_status = obj.status
            obj.status = form.initial["status"]
            obj.apply_status(new_status)
            newly_booked = new_status == Inquiry.Status.BOOKED
        rebooked = obj.status == Inquiry.Status.BOOKED and {"booked_for", "booked_location"} & set(
            form.changed_data
        )
        super().save_model(request, obj, form, change)
        # The admin runs this in one transaction with the form: the message and its email or neither.
        reply = form.cleaned_data.get("reply") or ""
        if newly_booked or rebooked:
            # The booking and any reply typed with it: two messages, one email, one working link.
            services.confirm_booking(inquiry=obj, author=request.user, reply=reply)
            self.message_user(request, _("The patient is told of the appointment through a secure reply."))
        elif reply:
            services.send_reply(inquiry=obj, author=request.user, body=reply)
        if reply:
            self.message_user(
                request, _("Your reply is stored; the patient is emailed that there is news (nothing more).")
            )

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
        already = queryset.filter(assignee=request.user).count()  # before: a filtered list may drop them
        count = self._act(request, queryset, lambda inquiry: inquiry.assign_to(request.user), "assignee")
        message = ngettext(
            "%(count)d inquiry assigned to you.", "%(count)d inquiries assigned to you.", count
        ) % {"count": count}
        if already:
            message += " " + ngettext(
                "%(count)d was yours already.", "%(count)d were yours already.", already
            ) % {"count": already}
        self._report(request, message)

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

    list_display = ["name", "condition", "location", "assigned_to", "group", "priority", "active"]
    list_editable = ["priority", "active"]
    list_filter = ["active", "condition", "location", "group"]
    search_fields = ["name"]
    list_select_related = ["condition", "location", "assignee", "group"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "assignee":
            kwargs["queryset"] = inquiry_handlers()
            kwargs["form_class"] = HandlerChoiceField
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("assignee"))
    def assigned_to(self, obj):
        return staff_name(obj.assignee) if obj.assignee else "-"


@admin.register(InquiryAccessLog)
class InquiryAccessLogAdmin(admin.ModelAdmin):
    """The audit trail: superusers read it; nobody, superusers included, adds, edits or deletes it."""

    list_display = [
        "at", "actor", "username", "what_was_done", "kind", "reference", "result_count", "references_shown",
    ]  # fmt: skip
    # The records each kind of entry is about, whose admin names the actions run on them.
    KIND_MODELS = {
        InquiryAccessLog.Kind.INQUIRY: "inquiries.Inquiry",
        InquiryAccessLog.Kind.EMAIL: "post_office.Email",
        InquiryAccessLog.Kind.MAIL_LOG: "post_office.Log",
    }
    list_filter = ["actor", "action", "kind", "at"]
    search_fields = ["=reference", "references", "=username"]
    date_hierarchy = "at"
    actions = None
    fields = [
        "at", "actor", "user", "username", "what_was_done", "kind", "inquiry", "reference", "object_id",
        "result_count", "references",
    ]  # fmt: skip
    readonly_fields = ["what_was_done"]

    @admin.display(description=_("action"), ordering="action")
    def what_was_done(self, obj):
        """The action, and for an admin action which one, as the admin's menu names it."""
        done = obj.get_action_display()
        if obj.action != InquiryAccessLog.Action.ACTED or not obj.detail:
            return done
        model = apps.get_model(self.KIND_MODELS[obj.kind])
        found = (
            self.admin_site.get_model_admin(model).get_action(obj.detail)
            if self.admin_site.is_registered(model)
            else None
        )
        return f"{done}: {found[2] if found else obj.detail}"

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
