"""Demo routing rules, called by seed_demo. Defensive: it uses only what the demo data created."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from blog.models import Condition
from clinic_site.models import Clinician, Location

from .models import HANDLERS_GROUP, RoutingRule

# (rule name, condition slug or None, location slug or None, clinician slug or username)
DEMO_RULES = [
    ("Jaw pain (TMJ) to the owner", "jaw-pain-tmj", None, "owner"),
    ("Sports injuries to the PTA", "sports-injuries", None, "pta"),
    ("Headaches and migraines to massage", "headaches", None, "lmt"),
    ("Back pain at the second clinic", "back-pain", "westside", "pta"),
]


def _user_for(key: str):
    User = get_user_model()
    clinician = Clinician.objects.filter(slug=key, user__isnull=False).select_related("user").first()
    if clinician is not None:
        return clinician.user
    by_username = User.objects.filter(username=key, is_active=True).first()
    if by_username is not None:
        return by_username
    # Fall back to a clinician of the matching role who has a staff account.
    return (
        User.objects.filter(clinician__role=key, is_active=True, is_staff=True).order_by("pk").first()
        if key in Clinician.Role.values
        else None
    )


def _say(stdout, message: str) -> None:
    if stdout is not None:
        stdout.write(message)


def seed_routing(stdout=None) -> int:
    """Create (or refresh) the demo rules; returns how many rules exist afterwards. Idempotent."""
    count = 0
    for name, condition_slug, location_slug, who in DEMO_RULES:
        condition = Condition.objects.filter(slug=condition_slug).first() if condition_slug else None
        location = Location.objects.filter(slug=location_slug).first() if location_slug else None
        user = _user_for(who)
        if (condition_slug and condition is None) or (location_slug and location is None) or user is None:
            _say(
                stdout,
                f"  routing: skipped “{name}” (its condition, location or person is not in the demo data)",
            )
            continue
        RoutingRule.objects.update_or_create(
            name=name,
            defaults={"condition": condition, "location": location, "assignee": user, "group": None},
        )
        count += 1
    group, _created = Group.objects.get_or_create(name=HANDLERS_GROUP)
    handler = get_user_model().objects.filter(username="handler").first()
    if handler is not None:
        handler.groups.add(group)
    RoutingRule.objects.update_or_create(
        name="Everything else to the inquiry handlers",
        defaults={"condition": None, "location": None, "assignee": None, "group": group, "priority": 1000},
    )
    count += 1
    _say(stdout, f"  routing: {count} rules")
    return count
