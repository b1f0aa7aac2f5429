"""Multi-step writes for inquiries: submit (save, route, queue mail) in one transaction."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables
from post_office import mail

from blog.models import Article

from .models import Inquiry, RoutingRule, is_inquiry_handler


@dataclass(frozen=True)
class Route:
    assignee: object | None  # a user, or None when only the fallback address is known
    notify: list[str]


def _fallback_route() -> Route:
    User = get_user_model()
    username = settings.INQUIRIES_FALLBACK_USERNAME
    user = User.objects.filter(username=username, is_active=True).first() if username else None
    if user is not None and not is_inquiry_handler(user):
        user = None
    if user is not None and user.email:
        return Route(assignee=user, notify=[user.email])
    return Route(assignee=user, notify=[settings.INQUIRIES_FALLBACK_EMAIL])


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
        route = _fallback_route()
    if not route.notify:
        route = Route(assignee=route.assignee, notify=[settings.INQUIRIES_FALLBACK_EMAIL])
    inquiry.assignee = route.assignee
    return route


def already_submitted(submission_token: str) -> Inquiry | None:
    """The inquiry a form with this token already stored (a double click, a resent page), if any."""
    if not submission_token:
        return None
    return Inquiry.objects.filter(submission_token=submission_token).first()


def queue_emails(inquiry: Inquiry, route: Route) -> None:
    """Queue the staff notification and the patient's acknowledgement.

    Neither carries anything the patient typed: the reference, the condition's name from our own
    list, a link to the admin, and next steps. Not even the patient's name.
    """
    context = {
        "reference": inquiry.reference,
        "condition_name": inquiry.condition.name if inquiry.condition else None,
        "admin_url": settings.SITE_URL.rstrip("/") + inquiry.get_admin_url(),
        "clinic_name": settings.CLINIC_NAME,
        "clinic_phone": settings.CLINIC_PHONE,
        "response_days": settings.INQUIRIES_RESPONSE_DAYS,
    }
    mail.send(
        route.notify,
        settings.DEFAULT_FROM_EMAIL,
        subject=render_to_string("inquiries/email/notification_subject.txt", context).strip(),
        message=render_to_string("inquiries/email/notification.txt", context),
        priority="medium",
    )
    mail.send(
        [inquiry.email],
        settings.DEFAULT_FROM_EMAIL,
        subject=render_to_string("inquiries/email/acknowledgement_subject.txt", context).strip(),
        message=render_to_string("inquiries/email/acknowledgement.txt", context),
        priority="medium",
    )


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
def submit_inquiry(*, source_article: Article | None = None, submission_token: str, **patient) -> Inquiry:
    """Store a patient's inquiry, route it and queue its emails, all or nothing.

    ``patient`` holds the fields of ``Inquiry.PATIENT_FIELDS`` by name, as the form cleaned them
    (``InquiryForm.submission()``); those the model cannot do without are required.

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
