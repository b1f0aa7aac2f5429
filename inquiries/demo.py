"""Demo routing rules, called by seed_demo. Defensive: it uses only what the demo data created."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from blog.models import Condition
from clinic_site import roles
from clinic_site.models import Clinician, Location

from .models import RoutingRule, is_inquiry_handler

# (rule name, condition slug or None, location slug or None, clinician slug or username).
# The seed_demo data: Maya Okafor (owner, superuser), Sam Patel (front desk, "handler"),
# locations harbor-point and bayside. Rules only go to people who can open inquiries.
DEMO_RULES = [
    ("Jaw pain (TMJ) to Maya", "jaw-pain-tmj", None, "maya-okafor"),
    ("Disc problems at Harbor Point to Maya", "disc-problems", "harbor-point", "maya-okafor"),
    ("Painful scars to Maya", "painful-scars", None, "maya-okafor"),
    ("Bayside inquiries to the front desk", None, "bayside", "sam-patel"),
]


def _user_for(key: str):
    clinician = Clinician.objects.filter(slug=key, user__isnull=False).select_related("user").first()
    user = clinician.user if clinician is not None else None
    if user is None:
        user = get_user_model().objects.filter(username=key).first()
    return user if user is not None and is_inquiry_handler(user) else None


def _say(stdout, message: str) -> None:
    if stdout is not None:
        stdout.write(message)


def seed_routing(stdout=None) -> int:
    """Create (or refresh) the demo rules; returns how many rules exist afterwards. Idempotent."""
    group, _created = Group.objects.get_or_create(name=roles.INQUIRY_HANDLERS)
    handler = get_user_model().objects.filter(username="handler", is_staff=True).first()
    if handler is not None:
        handler.groups.add(group)
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
    RoutingRule.objects.update_or_create(
        name="Everything else to the inquiry handlers",
        defaults={"condition": None, "location": None, "assignee": None, "group": group, "priority": 1000},
    )
    count += 1
    _say(stdout, f"  routing: {count} rules")
    return count
