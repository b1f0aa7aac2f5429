"""Multi-step writes for inquiries, each in one transaction: submit (save, route, queue mail), the
clinic's secure replies and bookings, the patient's answers, and new links on request.

No email says what anyone wrote: the patient is told only that there is news on their reference,
with a link (inquiries.secure_links); staff are told the reference and the admin page."""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext, pgettext
from django.views.decorators.debug import sensitive_variables
from post_office import mail

from blog.models import Article
from clinic_site import antispam
from clinic_site.cache import CacheUnavailable
from clinic_site.practice import current as current_practice

from . import secure_links
from .models import Inquiry, InquiryMessage, RoutingRule, is_inquiry_handler

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Route:
    assignee: object | None  # a user, or None when nobody could be chosen
    notify: list[str]  # staff accounts' addresses only, never a shared mailbox


def fallback_user():
    """The ``INQUIRIES_FALLBACK_USERNAME`` account if it can take inquiries and has an address."""
    username = settings.INQUIRIES_FALLBACK_USERNAME
    user = get_user_model().objects.filter(username=username).first() if username else None
    if user is None or not is_inquiry_handler(user) or not user.email:
        return None
    return user


def _staff_to_tell() -> list[str]:
    """Whom to tell when there is no one else: the fallback handler, or failing that (a
    misconfiguration the start-up checks report) the active superusers with an address."""
    user = fallback_user()
    if user is not None:
        return [user.email]
    superusers = get_user_model().objects.filter(is_active=True, is_staff=True, is_superuser=True)
    return sorted(superusers.exclude(email="").values_list("email", flat=True))


def _pick_from_group(rule: RoutingRule):
    """Next active member of the rule's group, turn by turn; the rule row is locked while we count."""
    locked = RoutingRule.objects.select_for_update().get(pk=rule.pk)
    members = [
        m for m in locked.group.user_set.filter(is_active=True).order_by("pk") if is_inquiry_handler(m)
    ]
    if not members:
        return None
    member = members[locked.turn % len(members)]
    RoutingRule.objects.filter(pk=locked.pk).update(turn=locked.turn + 1)
    return member


def route_inquiry(inquiry: Inquiry) -> Route:
    """Assign the inquiry by the most specific matching rule (not saved here) and say whom to notify."""
    for rule in RoutingRule.objects.select_related("assignee", "group").matching(inquiry):
        if rule.assignee_id:
            # Someone who could not open the inquiry is never given it (membership may have changed).
            user = rule.assignee if is_inquiry_handler(rule.assignee) else None
        else:
            user = _pick_from_group(rule)
        if user is not None:
            route = Route(assignee=user, notify=[user.email] if user.email else [])
            break
    else:
        route = Route(assignee=fallback_user(), notify=[])
    if not route.notify:
        route = Route(assignee=route.assignee, notify=_staff_to_tell())
    inquiry.assignee = route.assignee
    return route


def already_submitted(submission_token: str) -> Inquiry | None:
    """The inquiry a form with this token already stored (a double click, a resent page), if any."""
    if not submission_token:
        return None
    return Inquiry.objects.filter(submission_token=submission_token).first()


def email_context(inquiry: Inquiry) -> dict:
    """All that an email about an inquiry may say. Nothing ties the patient to a health matter:
    no condition, no article, nothing they typed, not even their name; the clinic they chose is fine.
    The practice's name, phone and reply promise come from its record (clinic_site.practice)."""
    practice = current_practice()
    return {
        "reference": inquiry.reference,
        "location_name": inquiry.location.name if inquiry.location else None,
        "admin_url": settings.SITE_URL.rstrip("/") + inquiry.get_admin_url(),
        "clinic_name": practice.name,
        "clinic_phone": practice.phone,
        "response_days": practice.reply_days,
    }


def acknowledgement_allowed(address: str) -> bool:
    """Count an acknowledgement to ``address``; False once it has had its share today, whoever
    sends the form (so the form cannot be used to flood someone else's inbox)."""
    return antispam.address_allowance_left(
        group="inquiries.acks", address=address, per_day=settings.INQUIRIES_ACKS_PER_ADDRESS_PER_DAY
    )


def _queue(inquiry: Inquiry, to: list[str], template: str, context: dict) -> None:
    """Queue one email about the inquiry, in the language active (see the callers' ``override``)."""
    email = mail.send(
        to,
        settings.DEFAULT_FROM_EMAIL,
        subject=render_to_string(f"inquiries/email/{template}_subject.txt", context).strip(),
        message=render_to_string(f"inquiries/email/{template}.txt", context),
        priority="medium",
    )
    inquiry.emails.add(email)


def queue_emails(inquiry: Inquiry, route: Route) -> None:
    """Queue the staff notification and, within its daily allowance, the patient's acknowledgement.

    Both are linked to the inquiry, so that deleting it deletes them (and their delivery logs).
    """
    if route.notify:
        with translation.override(settings.LANGUAGE_CODE):
            _queue(inquiry, route.notify, "notification", email_context(inquiry))
    else:
        logger.error("Inquiry %s: no staff account with an address to notify.", inquiry.reference)
    if acknowledgement_allowed(inquiry.email):
        with translation.override(inquiry.language):
            _queue(inquiry, [inquiry.email], "acknowledgement", email_context(inquiry))


# The patient fields without which an inquiry cannot be stored (the rest have the model's defaults).
REQUIRED_PATIENT_FIELDS = frozenset(
    name
    for name in Inquiry.PATIENT_FIELDS
    if not Inquiry._meta.get_field(name).blank and not Inquiry._meta.get_field(name).has_default()
)


@sensitive_variables()
def _check_patient_fields(patient: dict) -> None:
    """Refuse unknown or missing fields as a wrong keyword would be; the error names fields, never values."""
    unexpected = sorted(set(patient) - set(Inquiry.PATIENT_FIELDS))
    missing = sorted(REQUIRED_PATIENT_FIELDS - set(patient))
    if unexpected or missing:
        raise TypeError(f"submit_inquiry(): unexpected fields {unexpected}, missing fields {missing}")


# No local variable of this frame (what the patient typed) ever appears in an error report.
@sensitive_variables()
def submit_inquiry(
    *,
    source_article: Article | None = None,
    submission_token: str,
    language: str = settings.LANGUAGE_CODE,
    **patient,
) -> Inquiry:
    """Store a patient's inquiry, route it and queue its emails, all or nothing.

    ``patient`` holds the fields of ``Inquiry.PATIENT_FIELDS`` by name, as the form cleaned them
    (``InquiryForm.submission()``); those the model cannot do without are required.

    ``language`` is the form's: the patient's emails and pages about the inquiry are in it.

    The same ``submission_token`` twice (a double click, a resubmitted page) returns the inquiry
    already stored instead of a second one.
    """
    _check_patient_fields(patient)
    existing = already_submitted(submission_token)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            inquiry = Inquiry(
                **patient,
                consent_at=timezone.now(),
                source_article=source_article,
                submission_token=submission_token,
                language=language,
            )
            route = route_inquiry(inquiry)
            inquiry.save()
            queue_emails(inquiry, route)
    except IntegrityError:
        # Two copies of one form raced past the check above; the other one won.
        existing = already_submitted(submission_token)
        if existing is None:
            raise
        return existing
    return inquiry


# Secure replies (inquiries.secure_links): what the clinic and the patient write stays in the
# database; the emails only say there is something to read.


def _news_context(inquiry: Inquiry) -> dict:
    return {
        **email_context(inquiry),
        "link": secure_links.issue_link(inquiry),
        "link_days": settings.INQUIRIES_LINK_DAYS,
        "thread_minutes": secure_links.THREAD_MINUTES,
    }


def _tell_patient(inquiry: Inquiry, template: str) -> None:
    """Queue the patient an email with a fresh link (older links are used up) and nothing else, in
    the language they wrote in (the link opens the thread's page in it)."""
    with translation.override(inquiry.language):
        _queue(inquiry, [inquiry.email], template, _news_context(inquiry))


@sensitive_variables("bodies")
def send_replies(*, inquiry: Inquiry, author, bodies: list[str]) -> list[InquiryMessage]:
    """The clinic answers in writing: store each reply (in order), count the first as the first
    response if it is one, and email the patient once that there is news on their reference, with
    one new link (two emails would each move the link on, and the first would arrive used up).
    A new inquiry becomes contacted. Spam takes none (``Inquiry.takes_replies``): ValueError."""
    if not inquiry.takes_replies:
        raise ValueError("An inquiry marked as spam takes no reply.")
    with transaction.atomic():
        messages = [
            InquiryMessage.objects.create(
                inquiry=inquiry, sender=InquiryMessage.Sender.CLINIC, author=author, body=body.strip()
            )
            for body in bodies
        ]
        changed = inquiry.answered(messages[0].created_at)
        if changed:
            inquiry.save(update_fields=changed)
        _tell_patient(inquiry, "news")
    return messages


@sensitive_variables("body")
def send_reply(*, inquiry: Inquiry, author, body: str) -> InquiryMessage:
    """One secure reply (``send_replies``)."""
    return send_replies(inquiry=inquiry, author=author, bodies=[body])[0]


def booking_text(inquiry: Inquiry) -> str:
    """The secure reply that tells the patient their appointment (date, time, clinic and address),
    in the language they wrote in, whatever the language of the staff member who booked it."""
    when = timezone.localtime(inquiry.booked_for)
    location = inquiry.booked_location
    with translation.override(inquiry.language):
        return gettext(
            "Your appointment is booked for %(date)s at %(time)s at %(clinic)s, %(address)s. "
            "If that does not suit you, answer here or call us on %(phone)s."
        ) % {
            "date": formats.date_format(
                when, pgettext("a date with its weekday, as in Monday, March 3, 2026", "l, F j, Y")
            ),
            "time": formats.time_format(when, "TIME_FORMAT"),
            "clinic": location.name,
            "address": location.address,
            "phone": location.phone or current_practice().phone,
        }


@sensitive_variables("reply")
def confirm_booking(*, inquiry: Inquiry, author, reply: str = "") -> list[InquiryMessage]:
    """After staff booked the inquiry (status, date, time and clinic saved): tell the patient
    through a secure reply, followed by ``reply`` if staff wrote one in the same save; one email
    for both, saying only that there is news."""
    bodies = [booking_text(inquiry)] + ([reply] if reply.strip() else [])
    return send_replies(inquiry=inquiry, author=author, bodies=bodies)


def _staff_for(inquiry: Inquiry) -> list[str]:
    assignee = inquiry.assignee
    if assignee is not None and is_inquiry_handler(assignee) and assignee.email:
        return [assignee.email]
    return _staff_to_tell()


def first_answer_in_quiet_period(inquiry: Inquiry) -> bool:
    """Whether staff should be emailed of this answer: only the first of an inquiry's answers in
    ``INQUIRIES_ANSWER_NOTIFY_MINUTES`` is (the cache's atomic ``add`` decides, across processes).
    Without the cache the period cannot be known, and staff are told: they must not miss an answer."""
    key = f"inquiries:answer-notice:{inquiry.pk}"
    try:
        return cache.add(key, 1, settings.INQUIRIES_ANSWER_NOTIFY_MINUTES * 60)
    except CacheUnavailable:
        return True


@sensitive_variables("body")
def receive_answer(*, inquiry: Inquiry, body: str) -> InquiryMessage:
    """The patient answered through their link: store it and tell the assignee (or the fallback
    handler) the reference and where to read it, never the answer; one email for all the answers
    of a quiet period (``first_answer_in_quiet_period``). A closed inquiry opens again: the list's
    "Open" must show that the patient is waiting for us."""
    with transaction.atomic():
        message = InquiryMessage.objects.create(
            inquiry=inquiry, sender=InquiryMessage.Sender.PATIENT, body=body.strip()
        )
        if inquiry.status == Inquiry.Status.CLOSED:
            inquiry.reopen_for_the_patient()
        staff = _staff_for(inquiry)
        if not staff:
            logger.error(
                "Inquiry %s: no staff account with an address to tell of an answer.", inquiry.reference
            )
        elif first_answer_in_quiet_period(inquiry):  # later ones wait in the admin with it
            with translation.override(settings.LANGUAGE_CODE):
                _queue(inquiry, staff, "answer", email_context(inquiry))
    return message


def new_link_allowed(address: str) -> bool:
    return antispam.address_allowance_left(
        group="inquiries.new-links", address=address, per_day=settings.INQUIRIES_NEW_LINKS_PER_ADDRESS_PER_DAY
    )


@sensitive_variables("email")
def send_new_link(*, email: str, reference: str) -> None:
    """Someone asked for a new link with an address and a reference. If they belong to one
    inquiry (not spam), a new link goes to the inquiry's own address, within its daily allowance.
    Returns nothing: the caller answers the same whether or not anything was sent."""
    inquiry = (
        Inquiry.objects.exclude(status=Inquiry.Status.SPAM)
        .filter(reference=reference.strip().upper(), email__iexact=email.strip())
        .first()
    )
    if inquiry is None or not new_link_allowed(inquiry.email):
        return
    with transaction.atomic():
        _tell_patient(inquiry, "new_link")
