"""Demo data for the practice: its two clinics, its team, and (on request) one staff account per role.

Every function is idempotent: rows are found by slug or username and only touched when they differ
from the demo, so running the seed twice changes nothing.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.db import models

from . import roles
from .models import Clinician, Location


def sync(model: type[models.Model], lookup: dict, values: dict, *, on_create: dict | None = None):
    """Create the row matching ``lookup`` or bring ``values`` up to date; save only on a change.

    ``on_create`` holds values used only when the row is new (a publish date, for instance).
    Returns (obj, created, changed).
    """
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values, **(on_create or {}))
        obj.save()
        return obj, True, True
    changed = [field for field, value in values.items() if getattr(obj, field) != value]
    for field in changed:
        setattr(obj, field, values[field])
    if changed:
        obj.save()
    return obj, False, bool(changed)


LOCATIONS = [
    {
        "slug": "harbor-point",
        "name": "Harbor Point (Norfolk)",
        "street": "410 Mariner Street, Suite 200",
        "city": "Norfolk",
        "region": "VA",
        "postal_code": "23510",
        "phone": "(757) 555-0142",
        "email": "harborpoint@tidewater-pt.example",
        "hours": "Mon-Thu 7:00-19:00, Fri 7:00-15:00",
        "order": 1,
    },
    {
        "slug": "bayside",
        "name": "Bayside (Virginia Beach)",
        "street": "2150 Shore Drive",
        "city": "Virginia Beach",
        "region": "VA",
        "postal_code": "23455",
        "phone": "(757) 555-0178",
        "email": "bayside@tidewater-pt.example",
        "hours": "Mon-Fri 8:00-18:00, Sat 8:00-12:00",
        "order": 2,
    },
]


def clinicians_data() -> list[dict]:
    clinic = settings.CLINIC_NAME
    return [
        {
            "slug": "maya-okafor",
            "name": "Maya Okafor",
            "credentials": "PT, DPT",
            "role": Clinician.Role.PHYSICAL_THERAPIST,
            "title": "Owner",
            "bio": (
                f"Maya founded {clinic} after a decade in outpatient orthopedics. She treats spine and "
                "jaw problems and teaches patients to manage pain with movement they can do at home."
            ),
            "order": 1,
            "locations": ["harbor-point", "bayside"],
        },
        {
            "slug": "daniel-reyes",
            "name": "Daniel Reyes",
            "credentials": "PTA",
            "role": Clinician.Role.PT_ASSISTANT,
            "title": "Physical therapist assistant",
            "bio": (
                "Daniel guides exercise programs and hands-on care under the treatment plan, and writes "
                "many of the home-exercise handouts our patients take with them."
            ),
            "order": 2,
            "locations": ["harbor-point"],
        },
        {
            "slug": "grace-lindqvist",
            "name": "Grace Lindqvist",
            "credentials": "LMT",
            "role": Clinician.Role.MASSAGE_THERAPIST,
            "title": "Licensed massage therapist",
            "bio": "Grace works with scar tissue, chronic tension and recovery after sports injuries.",
            "order": 3,
            "locations": ["bayside"],
        },
        {
            "slug": "sam-patel",
            "name": "Sam Patel",
            "credentials": "",
            "role": Clinician.Role.FRONT_DESK,
            "title": "Front desk coordinator",
            "bio": "Sam answers your questions, books visits and checks your insurance before you come in.",
            "order": 4,
            "locations": ["harbor-point", "bayside"],
        },
    ]


def seed_locations() -> dict[str, Location]:
    locations = {}
    for data in LOCATIONS:
        values = dict(data)
        slug = values.pop("slug")
        locations[slug], _, _ = sync(Location, {"slug": slug}, values)
    return locations


def seed_clinicians(locations: dict[str, Location]) -> dict[str, Clinician]:
    clinicians = {}
    for data in clinicians_data():
        values = dict(data)
        slug = values.pop("slug")
        where = [locations[s] for s in values.pop("locations")]
        clinician, _, _ = sync(Clinician, {"slug": slug}, values)
        if set(clinician.locations.all()) != set(where):
            clinician.locations.set(where)
        clinicians[slug] = clinician
    return clinicians


# username -> (group name or None for the superuser, the clinician it belongs to)
STAFF_ACCOUNTS = {
    "owner": (None, "maya-okafor"),
    "editor": (roles.EDITORS, "daniel-reyes"),
    "moderator": (roles.COMMENT_MODERATORS, "grace-lindqvist"),
    "handler": (roles.INQUIRY_HANDLERS, "sam-patel"),
}


def seed_staff_accounts(password: str, clinicians: dict[str, Clinician]) -> list[str]:
    """One staff account per role, all with ``password``; returns the usernames."""
    validate_password(password)
    User = get_user_model()
    for username, (group_name, clinician_slug) in STAFF_ACCOUNTS.items():
        clinician = clinicians[clinician_slug]
        first, _, last = clinician.name.partition(" ")
        user, created, _ = sync(
            User,
            {"username": username},
            {
                "is_staff": True,
                "is_superuser": group_name is None,
                "is_active": True,
                "first_name": first,
                "last_name": last,
                "email": f"{username}@tidewater-pt.example",
            },
        )
        if created or not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
        if group_name and not user.groups.filter(name=group_name).exists():
            user.groups.add(Group.objects.get(name=group_name))
        if clinician.user_id != user.pk:
            clinician.user = user
            clinician.save(update_fields=["user"])
    return list(STAFF_ACCOUNTS)
