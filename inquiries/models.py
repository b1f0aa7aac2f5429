"""Patient inquiries, the notes staff keep on them, how they are routed and who looked at them.

What the patient wrote is ``Inquiry.PATIENT_FIELDS``; its health details are ``Inquiry.HEALTH_FIELDS``.
Nothing here puts them in a string representation: ``__str__`` is the reference, so an object that
lands in a log line or an error report says which inquiry, never what it is about.
"""

import re
import secrets
from datetime import timedelta
from statistics import median

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models.functions import Coalesce, Length
from django.db.models.lookups import LessThanOrEqual
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from clinic_site import roles
from clinic_site.fields import language_field

# No 0/O, 1/I/L, U: a reference read aloud over the phone cannot be misheard.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
REFERENCE_PREFIX = "INQ"
# The longest a patient may write in one free-text box (form, model and a database constraint).
MAX_TEXT_LENGTH = 5000


def new_link_secret() -> str:
    """A fresh random secret for an inquiry's secure links (inquiries.secure_links)."""
    return secrets.token_urlsafe(24)


def generate_reference() -> str:
    """A random reference like ``INQ-7KQ2-M9XD`` (30**8, about 6.6e11 possibilities)."""
    halves = ("".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(4)) for _ in range(2))
    return "-".join((REFERENCE_PREFIX, *halves))


def typed_reference(text: str) -> str | None:
    """The reference ``text`` is, as a patient reads it out or types it: in any case, with spaces,
    without hyphens or its prefix ("inq 7kq2 m9xd", "7KQ2M9XD"); None when it is none."""
    letters = re.sub(r"[\s-]", "", text).upper().removeprefix(REFERENCE_PREFIX)
    if len(letters) == 8 and all(letter in REFERENCE_ALPHABET for letter in letters):
        return f"{REFERENCE_PREFIX}-{letters[:4]}-{letters[4:]}"
    return None


def inquiry_handlers():
    """The users who may be given inquiries: active staff in the handlers group, and superusers."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .filter(models.Q(is_superuser=True) | models.Q(groups__name=roles.INQUIRY_HANDLERS))
        .distinct()
        .order_by("username")
    )


def is_inquiry_handler(user) -> bool:
    """May this user see inquiries at all? Superusers, and active staff in the handlers group."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    return user.is_superuser or user.groups.filter(name=roles.INQUIRY_HANDLERS).exists()


class HandlerScope(models.TextChoices):
    """``INQUIRIES_HANDLER_SCOPE``: which inquiries a handler (not a superuser) may list and open."""

    ALL = "all", _("Every inquiry")
    MINE = "mine", _("Those assigned to them or to nobody")


def _delete_emails_of(inquiry_pks) -> None:
    from post_office.models import Email

    Email.objects.filter(inquiries__in=inquiry_pks).delete()


class InquiryQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=Inquiry.Status.open_values())

    def visible_to(self, user):
        """What a user may list or open: nothing for those who are not handlers; with
        ``INQUIRIES_HANDLER_SCOPE=mine`` a handler sees what is assigned to them or to nobody."""
        if not is_inquiry_handler(user):
            return self.none()
        if user.is_superuser or settings.INQUIRIES_HANDLER_SCOPE == HandlerScope.ALL:
            return self
        return self.filter(models.Q(assignee=user) | models.Q(assignee__isnull=True))

    def delete(self):
        """Inquiries take along the emails queued about them, and those emails' delivery logs."""
        with transaction.atomic():
            _delete_emails_of(list(self.values_list("pk", flat=True)))
            return super().delete()

    def finished(self):
        return self.filter(status__in=[Inquiry.Status.CLOSED, Inquiry.Status.SPAM])

    def purgeable(self, *, older_than: timedelta):
        """Closed or spam inquiries finished (or, failing that, received) before the cut-off."""
        cutoff = timezone.now() - older_than
        return (
            self.finished()
            .annotate(finished_at=Coalesce("closed_at", "received_at"))
            .filter(finished_at__lt=cutoff)
        )

    def median_first_response(self, *, days: int = 30) -> timedelta | None:
        """Median time from receipt to first response, over inquiries received in the last ``days``;
        spam is left out (it was never answered, only sorted)."""
        since = timezone.now() - timedelta(days=days)
        answered = self.filter(received_at__gte=since, first_response_at__isnull=False)
        pairs = answered.exclude(status=Inquiry.Status.SPAM).values_list("received_at", "first_response_at")
        waits = [responded - received for received, responded in pairs]
        return median(waits) if waits else None


class Inquiry(models.Model):
    # What the patient tells us, in the form's order: who they are and how to reach them; where and
    # when they would like to be seen (all optional; insurance is personal, so these are kept out of
    # emails like the rest); then their health details. The form, the service, the view's
    # sensitive POST parameters and the admin's read-only fields are all derived from these.
    CONTACT_FIELDS = ("name", "email", "phone", "preferred_contact")
    APPOINTMENT_FIELDS = (
        "wants_appointment",
        "location",
        "preferred_days",
        "preferred_times",
        "patient_history",
        "payment",
        "insurance",
        "referral",
    )
    HEALTH_FIELDS = ("condition", "symptoms", "duration", "treatments_tried")
    PATIENT_FIELDS = CONTACT_FIELDS + APPOINTMENT_FIELDS + HEALTH_FIELDS

    class Status(models.TextChoices):
        NEW = "new", _("New")
        CONTACTED = "contacted", _("Contacted")
        BOOKED = "booked", _("Booked")
        CLOSED = "closed", pgettext_lazy("an inquiry's status (Spanish: feminine)", "Closed")
        SPAM = "spam", _("Spam")

        @classmethod
        def open_values(cls) -> list[str]:
            return [cls.NEW, cls.CONTACTED, cls.BOOKED]

        @property
        def is_open(self) -> bool:
            return self in type(self).open_values()

        @property
        def is_final(self) -> bool:
            return not self.is_open

    class ContactMethod(models.TextChoices):
        EMAIL = "email", _("Email")
        PHONE = "phone", _("Phone")
        EITHER = "either", _("Either is fine")

    class Weekday(models.TextChoices):
        MONDAY = "mon", pgettext_lazy("a day as a label, capitalised", "Monday")
        TUESDAY = "tue", pgettext_lazy("a day as a label, capitalised", "Tuesday")
        WEDNESDAY = "wed", pgettext_lazy("a day as a label, capitalised", "Wednesday")
        THURSDAY = "thu", pgettext_lazy("a day as a label, capitalised", "Thursday")
        FRIDAY = "fri", pgettext_lazy("a day as a label, capitalised", "Friday")
        SATURDAY = "sat", pgettext_lazy("a day as a label, capitalised", "Saturday")

    class DayPart(models.TextChoices):
        MORNING = "morning", _("Morning")
        AFTERNOON = "afternoon", _("Afternoon")
        EVENING = "evening", _("Evening")

    class PatientHistory(models.TextChoices):
        NEW = "new", _("New patient")
        RETURNING = "returning", _("Returning patient")

    class Payment(models.TextChoices):
        INSURANCE = "insurance", _("With insurance")
        SELF_PAY = "self_pay", _("Paying myself")

    class Referral(models.TextChoices):
        YES = "yes", _("Yes")
        NO = "no", _("No")
        NOT_SURE = "not_sure", _("Not sure")

    reference = models.CharField(_("reference"), max_length=14, unique=True, editable=False)
    submission_token = models.CharField(
        _("submission token"),
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        editable=False,
        help_text=_("Set by the form, so that submitting the same form twice stores one inquiry."),
    )
    name = models.CharField(_("name"), max_length=120)
    email = models.EmailField(_("email"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    preferred_contact = models.CharField(
        _("preferred contact"), max_length=10, choices=ContactMethod.choices, default=ContactMethod.EMAIL
    )
    wants_appointment = models.BooleanField(_("would like an appointment"), default=False)
    location = models.ForeignKey(
        "clinic_site.Location",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inquiries",
        verbose_name=_("location"),
        help_text=_("Empty means either clinic."),
    )
    # Several of Weekday / DayPart, comma-separated in the week's and the day's order (the form
    # writes them; preferred_day_labels and preferred_time_labels read them).
    preferred_days = models.CharField(_("days that suit"), max_length=30, blank=True)
    preferred_times = models.CharField(_("times of day that suit"), max_length=30, blank=True)
    patient_history = models.CharField(
        _("new or returning"), max_length=10, choices=PatientHistory.choices, blank=True
    )
    payment = models.CharField(_("payment"), max_length=10, choices=Payment.choices, blank=True)
    insurance = models.CharField(_("insurance"), max_length=120, blank=True)
    referral = models.CharField(_("has a referral"), max_length=10, choices=Referral.choices, blank=True)
    condition = models.ForeignKey(
        "blog.Condition",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inquiries",
        verbose_name=_("condition"),
        help_text=_("Empty means “Other / not sure”."),
    )
    symptoms = models.TextField(_("symptoms"), max_length=MAX_TEXT_LENGTH)
    duration = models.CharField(_("how long"), max_length=120)
    treatments_tried = models.TextField(_("treatments tried"), max_length=MAX_TEXT_LENGTH, blank=True)
    consent_at = models.DateTimeField(_("consent given"))
    source_article = models.ForeignKey(
        "blog.Article",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inquiries",
        verbose_name=_("from article"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NEW)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_inquiries",
        verbose_name=_("assignee"),
    )
    # The appointment staff booked; required to mark an inquiry booked (Inquiry.clean, the admin form).
    booked_for = models.DateTimeField(_("appointment"), null=True, blank=True)
    booked_location = models.ForeignKey(
        "clinic_site.Location",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="booked_inquiries",
        verbose_name=_("appointment at"),
    )
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    # The language the patient wrote in: every email and page of theirs about it is in it.
    language = language_field(editable=False)
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # Which secure link is the valid one (inquiries.secure_links): issuing a link moves it on, and
    # every older link is used up.
    link_generation = models.PositiveIntegerField(_("secure link number"), default=0, editable=False)
    # Every link and open-thread cookie carries this random secret as well as the inquiry's id, so
    # once ids are reused (a restore from backup) an old link opens no other patient's thread; giving
    # it a new value (after a restore) makes every link and open thread of the inquiry open nothing.
    link_secret = models.CharField(
        _("secure link secret"), max_length=64, default=new_link_secret, editable=False
    )
    # The emails queued about this inquiry (notification, acknowledgement): they go when it goes.
    emails = models.ManyToManyField(
        "post_office.Email", blank=True, editable=False, related_name="inquiries", verbose_name=_("emails")
    )

    objects = InquiryQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("inquiry")
        verbose_name_plural = _("inquiries")
        indexes = [
            models.Index(fields=["status", "-received_at"], name="inquiry_status_recv_idx"),
            models.Index(fields=["assignee", "status"], name="inquiry_assignee_status_idx"),
            models.Index(fields=["wants_appointment", "status"], name="inquiry_appointment_idx"),
            # The handlers' list (inquiries.admin): newest first, its date drill-down, and each
            # filter in that order.
            models.Index(fields=["-received_at", "-id"], name="inquiry_received_idx"),
            models.Index(fields=["location", "-received_at"], name="inquiry_location_recv_idx"),
            models.Index(fields=["condition", "-received_at"], name="inquiry_condition_recv_idx"),
            models.Index(fields=["assignee", "-received_at"], name="inquiry_assignee_recv_idx"),
            models.Index(fields=["language", "-received_at"], name="inquiry_language_recv_idx"),
            # ... and the columns it sorts by.
            models.Index(fields=["booked_for", "id"], name="inquiry_booked_for_idx"),
            models.Index(fields=["first_response_at", "id"], name="inquiry_first_response_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["new", "contacted", "booked", "closed", "spam"]),
                name="inquiry_status_valid",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("symptoms"), MAX_TEXT_LENGTH),
                name="inquiry_symptoms_max_length",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("treatments_tried"), MAX_TEXT_LENGTH),
                name="inquiry_treatments_tried_max_length",
            ),
        ]

    def __str__(self):
        return self.reference or _("New inquiry")

    def __repr__(self):
        return f"<Inquiry {self.reference or self.pk}>"

    def save(self, *args, **kwargs):
        if self.reference:
            return super().save(*args, **kwargs)
        # A fresh reference; on the (very rare) collision, draw again rather than fail the patient.
        for _attempt in range(8):
            self.reference = generate_reference()
            if type(self).objects.filter(reference=self.reference).exists():
                continue
            try:
                with transaction.atomic():
                    return super().save(*args, **kwargs)
            except IntegrityError:
                if not type(self).objects.filter(reference=self.reference).exists():
                    raise
        raise IntegrityError("Could not draw a unique inquiry reference.")

    def delete(self, *args, **kwargs):
        with transaction.atomic():
            _delete_emails_of([self.pk])
            return super().delete(*args, **kwargs)

    def get_admin_url(self) -> str:
        return reverse("admin:inquiries_inquiry_change", args=[self.pk])

    # Staff reach an inquiry only through the admin; there is no public page of it.
    get_absolute_url = get_admin_url

    def clean(self):
        super().clean()
        if self.status == self.Status.BOOKED:
            missing = {}
            if self.booked_for is None:
                missing["booked_for"] = ValidationError(
                    _("To mark the inquiry booked, give the appointment's date and time."), code="booking"
                )
            if self.booked_location_id is None:
                missing["booked_location"] = ValidationError(
                    _("To mark the inquiry booked, say at which clinic."), code="booking"
                )
            if missing:
                raise ValidationError(missing)

    @staticmethod
    def _labels(stored: str, choices) -> list[str]:
        chosen = set(filter(None, stored.split(",")))
        return [str(label) for value, label in choices.choices if value in chosen]

    @property
    def preferred_day_labels(self) -> list[str]:
        return self._labels(self.preferred_days, self.Weekday)

    @property
    def preferred_time_labels(self) -> list[str]:
        return self._labels(self.preferred_times, self.DayPart)

    @property
    def asks_about_appointment(self) -> bool:
        """Said they would like an appointment, or answered any of the appointment questions."""
        return self.wants_appointment or any(
            getattr(self, name)
            for name in self.APPOINTMENT_FIELDS
            if name not in ("wants_appointment", "location")
        )

    @property
    def time_to_first_response(self) -> timedelta | None:
        if self.first_response_at is None:
            return None
        return self.first_response_at - self.received_at

    @property
    def is_open(self) -> bool:
        return self.Status(self.status).is_open

    # One place for status changes: the admin form, its actions and any future view all come here.
    def apply_status(self, new_status: str, *, now=None) -> list[str]:
        """Move to ``new_status`` in memory; return the fields that changed. Does not save."""
        now = now or timezone.now()
        new_status = self.Status(new_status)
        if new_status == self.status:
            return []
        changed = ["status"]
        # A first response is the clinic reaching the patient: contacting them, booking them (or a
        # secure reply, services.send_reply). Closing or marking spam answers nobody.
        if new_status in (self.Status.CONTACTED, self.Status.BOOKED):
            changed += self.stamp_first_response(now)
        if new_status.is_final:
            self.closed_at = now
            changed.append("closed_at")
        elif self.closed_at is not None:
            self.closed_at = None
            changed.append("closed_at")
        self.status = new_status
        return changed

    @property
    def takes_replies(self) -> bool:
        """Whether the clinic may write to the patient: not spam, whose address may be anyone's (a
        reply would email a stranger a link that opens nothing)."""
        return self.status != self.Status.SPAM

    def answered(self, now=None) -> list[str]:
        """The clinic has written to the patient (services.send_replies): the first response, and a
        new inquiry is now contacted. Returns the fields that changed; does not save."""
        if self.status == self.Status.NEW:
            return self.apply_status(self.Status.CONTACTED, now=now)
        return self.stamp_first_response(now)

    def stamp_first_response(self, now=None) -> list[str]:
        """Record the first response now unless there was one; return the fields that changed."""
        if self.first_response_at is not None:
            return []
        self.first_response_at = now or timezone.now()
        return ["first_response_at"]

    def move_to(self, new_status: str) -> bool:
        changed = self.apply_status(new_status)
        if changed:
            self.save(update_fields=changed)
        return bool(changed)

    def mark_contacted(self) -> bool:
        return self.move_to(self.Status.CONTACTED)

    def reopen_for_the_patient(self) -> None:
        """The patient wrote again on a closed inquiry: open again, as it stood before it was closed
        (contacted once the clinic has answered, else new), with no first response stamped: the
        patient writing is not the clinic answering. Saves."""
        self.status = self.Status.CONTACTED if self.first_response_at else self.Status.NEW
        self.closed_at = None
        self.save(update_fields=["status", "closed_at"])

    def close(self) -> bool:
        return self.move_to(self.Status.CLOSED)

    def mark_spam(self) -> bool:
        return self.move_to(self.Status.SPAM)

    def assign_to(self, user) -> bool:
        if self.assignee_id == user.pk:
            return False
        self.assignee = user
        self.save(update_fields=["assignee"])
        return True


class InquiryNote(models.Model):
    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inquiry_notes",
        verbose_name=_("author"),
    )
    body = models.TextField(_("note"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("note")
        verbose_name_plural = _("notes")

    def __str__(self):
        return _("Note on %(reference)s") % {"reference": self.inquiry.reference}


class InquiryMessage(models.Model):
    """One message of an inquiry's written conversation: a secure reply from the clinic, or the
    patient's answer through their link (inquiries.secure_links). Plain text, never edited; shown
    on the inquiry's admin page and, behind the patient's link, on ``/inquiries/thread/``."""

    class Sender(models.TextChoices):
        CLINIC = "clinic", _("The clinic")
        PATIENT = "patient", _("The patient")

    inquiry = models.ForeignKey(
        Inquiry, on_delete=models.CASCADE, related_name="messages", verbose_name=_("inquiry")
    )
    sender = models.CharField(_("from"), max_length=10, choices=Sender.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inquiry_messages",
        verbose_name=_("written by"),
        help_text=_("The staff member, for the clinic's replies."),
    )
    body = models.TextField(_("message"), max_length=MAX_TEXT_LENGTH)
    created_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [models.Index(fields=["inquiry", "created_at"], name="inquirymessage_thread_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(sender__in=["clinic", "patient"]), name="inquirymessage_sender_valid"
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("body"), MAX_TEXT_LENGTH),
                name="inquirymessage_body_max_length",
            ),
            models.CheckConstraint(
                condition=models.Q(sender="clinic") | models.Q(author__isnull=True),
                name="inquirymessage_patient_has_no_staff_author",
            ),
        ]

    def __str__(self):
        return _("Message on %(reference)s") % {"reference": self.inquiry.reference}

    def get_absolute_url(self):
        return self.inquiry.get_admin_url() + f"#message-{self.pk}"

    @property
    def from_clinic(self) -> bool:
        return self.sender == self.Sender.CLINIC


class RoutingRuleQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def matching(self, inquiry: Inquiry) -> list["RoutingRule"]:
        """Active rules that fit the inquiry, most specific first, then by priority."""
        rules = self.active().filter(
            models.Q(condition__isnull=True) | models.Q(condition_id=inquiry.condition_id),
            models.Q(location__isnull=True) | models.Q(location_id=inquiry.location_id),
        )
        return sorted(rules, key=lambda rule: (-rule.specificity, rule.priority, rule.pk))


class RoutingRule(models.Model):
    """Who gets an inquiry: by condition and/or location, to one user or round-robin over a group."""

    name = models.CharField(_("name"), max_length=120, help_text=_("For staff, e.g. “Back pain at Harbor”."))
    condition = models.ForeignKey(
        "blog.Condition",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="routing_rules",
        verbose_name=_("condition"),
        help_text=_("Empty matches any condition."),
    )
    location = models.ForeignKey(
        "clinic_site.Location",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="routing_rules",
        verbose_name=_("location"),
        help_text=_("Empty matches any location."),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="routing_rules",
        verbose_name=_("assign to user"),
    )
    group = models.ForeignKey(
        Group,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="routing_rules",
        verbose_name=_("or round-robin over group"),
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), default=100, help_text=_("Among equally specific rules, the lowest number wins.")
    )
    active = models.BooleanField(_("active"), default=True)
    # Round-robin cursor; incremented under select_for_update so two requests never take the same turn.
    turn = models.PositiveIntegerField(_("round-robin turn"), default=0, editable=False)

    objects = RoutingRuleQuerySet.as_manager()

    class Meta:
        ordering = ["priority", "id"]
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        indexes = [models.Index(fields=["active", "priority"], name="routingrule_active_prio_idx")]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(assignee__isnull=False, group__isnull=True)
                    | models.Q(assignee__isnull=True, group__isnull=False)
                ),
                name="routingrule_user_xor_group",
                violation_error_message=_("Choose either a user or a group, not both."),
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.assignee_id and not is_inquiry_handler(self.assignee):
            raise ValidationError(
                {
                    "assignee": _(
                        "This person cannot open inquiries: add them to the “%(group)s” group first."
                    )
                    % {"group": roles.INQUIRY_HANDLERS}
                }
            )

    @property
    def specificity(self) -> int:
        """condition + location (3) > condition (2) > location (1) > catch-all (0)."""
        return (2 if self.condition_id else 0) + (1 if self.location_id else 0)


class InquiryAccessLog(models.Model):
    """Who looked at patient data, when, and which inquiries it concerned.

    Staff in the admin, and patients behind their secure link (``actor`` is then ``patient``,
    with no user: each opening of the link, each view of the conversation, each answer). One row
    per look: an inquiry opened or changed, a list of inquiries (with how many matched and the
    references on the page; a search is marked, its words are never kept), an admin action, a
    deletion, the mail queue's lists and messages. Keeps the username and references if the user
    or the inquiry is later deleted.
    """

    class Action(models.TextChoices):
        VIEWED = "viewed", _("Viewed")
        CHANGED = "changed", _("Changed")
        LISTED = "listed", _("Listed")
        SEARCHED = "searched", _("Searched")
        ACTED = "acted", _("Ran an action")
        DELETED = "deleted", _("Deleted")
        OPENED = "opened", _("Opened the secure link")
        ANSWERED = "answered", _("Answered")

    class Actor(models.TextChoices):
        STAFF = "staff", _("Staff")
        PATIENT = "patient", _("The patient")

    class Kind(models.TextChoices):
        INQUIRY = "inquiry", _("Inquiry")
        EMAIL = "email", _("Queued email")
        MAIL_LOG = "mail_log", _("Mail delivery log")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="inquiry_access_logs",
        verbose_name=_("user"),
    )
    username = models.CharField(_("username"), max_length=150, blank=True)
    actor = models.CharField(_("who"), max_length=10, choices=Actor.choices, default=Actor.STAFF)
    inquiry = models.ForeignKey(
        Inquiry,
        on_delete=models.SET_NULL,
        null=True,
        related_name="access_logs",
        verbose_name=_("inquiry"),
    )
    reference = models.CharField(_("reference"), max_length=14, blank=True, db_index=True)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices, default=Action.VIEWED)
    kind = models.CharField(_("what"), max_length=10, choices=Kind.choices, default=Kind.INQUIRY)
    object_id = models.CharField(
        _("record id"), max_length=40, blank=True, help_text=_("Of the email or log entry.")
    )
    detail = models.CharField(
        _("detail"), max_length=100, blank=True, help_text=_("The admin action's name, for an action.")
    )
    result_count = models.PositiveIntegerField(
        _("results"), null=True, blank=True, help_text=_("For a list: how many records matched.")
    )
    references = models.TextField(
        _("references"), blank=True, help_text=_("The inquiries concerned, for a list or an action.")
    )
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("inquiry access log entry")
        verbose_name_plural = _("inquiry access log")
        indexes = [models.Index(fields=["username", "-at"], name="accesslog_user_at_idx")]

    def __str__(self):
        who = self.username if self.actor == self.Actor.STAFF else self.get_actor_display()
        return f"{who}: {self.get_action_display()}, {self.reference or self.get_kind_display()}"

    @classmethod
    def record_patient(cls, *, inquiry: Inquiry, action: str) -> "InquiryAccessLog":
        """The patient, through their secure link, opened or read or answered their inquiry."""
        return cls.objects.create(
            user=None,
            username="",
            actor=cls.Actor.PATIENT,
            inquiry=inquiry,
            reference=inquiry.reference,
            action=action,
            kind=cls.Kind.INQUIRY,
        )

    @classmethod
    def record(
        cls,
        *,
        user,
        inquiry: Inquiry | None,
        action: str = Action.VIEWED,
        kind: str = Kind.INQUIRY,
        object_id="",
    ) -> "InquiryAccessLog":
        """One entry for a look at one record: an inquiry, or an email or log entry (and the
        inquiry it is about, if any)."""
        return cls.objects.create(
            user=user,
            username=user.get_username(),
            inquiry=inquiry,
            reference=inquiry.reference if inquiry is not None else "",
            action=action,
            kind=kind,
            object_id=str(object_id),
        )

    @classmethod
    def record_many(
        cls,
        *,
        user,
        action: str,
        references,
        kind: str = Kind.INQUIRY,
        object_id="",
        result_count: int | None = None,
        detail: str = "",
    ) -> "InquiryAccessLog":
        """One entry for a look at several records (a list page, an action on a selection)."""
        return cls.objects.create(
            user=user,
            username=user.get_username(),
            action=action,
            kind=kind,
            object_id=str(object_id),
            result_count=result_count,
            references=" ".join(sorted(set(filter(None, references)))),
            detail=detail,
        )
