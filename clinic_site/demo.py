"""Demo data for the practice: its two clinics, its team, and (on request) one staff account per role.

Every function is idempotent: rows are found by slug or username and only touched when they differ
from the demo, so running the seed twice changes nothing.
"""

from datetime import time
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models

from . import demo_clinics, icons, roles
from .demo_art import Sitter, portrait
from .models import Clinician, Location, OpeningHours, Practice, Weekday
from .practice import current


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
        "latitude": Decimal("36.846812"),
        "longitude": Decimal("-76.291536"),
        "hours_note": "Closed on federal holidays. Early visits from 7:00 a.m. for people who work days.",
        "parking": (
            "The Mariner Street garage is across the road: bring your ticket to the front desk and we "
            "validate two hours. Two short-stay spaces in front of the building are kept for our patients."
        ),
        "accessibility": (
            "Step-free entrance from the street, automatic doors and a lift to the second floor. Our "
            "treatment rooms, restroom and gym are on one level; the treatment tables lower to wheelchair "
            "height. Service animals are welcome."
        ),
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
        "latitude": Decimal("36.908604"),
        "longitude": Decimal("-76.092277"),
        "hours_note": "Saturday mornings are for visits booked ahead.",
        "parking": (
            "Free parking in our own lot in front of the clinic, with two accessible spaces next to the "
            "ramp. Bus route 36 stops at Shore Drive and Great Neck Road, a three-minute walk."
        ),
        "accessibility": (
            "A gentle ramp with a handrail leads to the front door; everything is on the ground floor, "
            "with an accessible restroom and a quiet room if you need a break."
        ),
        "order": 2,
    },
]

# weekday -> (opens, closes), per location: the Norfolk clinic opens early, Bayside on Saturday mornings.
WEEK = [Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY, Weekday.THURSDAY]
HOURS = {
    "harbor-point": {**{day: (time(7), time(19)) for day in WEEK}, Weekday.FRIDAY: (time(7), time(15))},
    "bayside": {
        **{day: (time(8), time(18)) for day in [*WEEK, Weekday.FRIDAY]},
        Weekday.SATURDAY: (time(8), time(12)),
    },
}

PHOTO_ALT = {
    "harbor-point": (
        "Drawing of the clinic's shopfront on the ground floor of a three-storey brick building, under a "
        "striped teal awning, with two planters by the glass door."
    ),
    "bayside": (
        "Drawing of a white single-storey clapboard building with teal shutters, a ramp to the front "
        "door and a parking lot in front, the bay behind it."
    ),
}

# The demo's main line answers for both clinics; the privacy contact is the owner.
PRACTICE = {
    "phone": "(757) 555-0100",
    "privacy_contact": "Maya Okafor, practice owner",
    "privacy_email": "privacy@tidewater-pt.example",
}


def seed_practice() -> Practice:
    """The demo's main number, privacy contact and, without a logo, a drawn one. Only fields still at
    their first-run value are set: what the owner typed in the admin stays."""
    practice = Practice.get_solo()
    changed = False
    for field, value in PRACTICE.items():
        if getattr(practice, field) in ("", Practice._meta.get_field(field).get_default()):
            setattr(practice, field, value)
            changed = True
    if not practice.logo:
        practice.logo.save("logo.png", ContentFile(icons.draw_logo(practice.name)), save=False)
        changed = True
    if changed:
        practice.save()
    return practice


# How each demo clinician's portrait is drawn (clinic_site.demo_art).
SITTERS = {
    "maya-okafor": Sitter(
        skin="#8d5a3b",
        hair="#1f1410",
        hair_style="curly",
        top="#0b5d6b",
        background="#9cc9c4",
        accent="#f2b45a",
    ),
    "priya-raman": Sitter(
        skin="#b07850",
        hair="#120c0a",
        hair_style="long",
        top="#2d6a73",
        background="#d7c9e6",
        accent="#e8a33d",
    ),
    "daniel-reyes": Sitter(
        skin="#c99a72",
        hair="#2b1d14",
        hair_style="short",
        top="#35524a",
        background="#b8d4e3",
        accent="#e07a5f",
    ),
    "grace-lindqvist": Sitter(
        skin="#f1d3bd",
        hair="#d9b26f",
        hair_style="bun",
        top="#7a5c8e",
        background="#e9d7c4",
        accent="#6a9f8e",
    ),
    "sam-patel": Sitter(
        skin="#a8764f",
        hair="#151515",
        hair_style="crop",
        top="#c2410c",
        background="#f0dcae",
        accent="#0b5d6b",
        glasses=True,
    ),
}


def clinicians_data() -> list[dict]:
    clinic = current().name
    return [
        {
            "slug": "maya-okafor",
            "name": "Maya Okafor",
            "credentials": "PT, DPT",
            "role": Clinician.Role.PHYSICAL_THERAPIST,
            "title": "Owner",
            "bio": (
                f"Maya founded {clinic} after a decade in outpatient orthopedics. She treats spine and "
                "jaw problems and teaches patients to manage pain with movement they can do at home.\n\n"
                "She reviews the health content of our articles written by her colleagues, and still "
                "sees patients four days a week, split between both clinics."
            ),
            "order": 1,
            "locations": ["harbor-point", "bayside"],
            "photo_alt": "Illustrated portrait of Maya Okafor: short curly black hair, a teal clinic top.",
        },
        {
            "slug": "priya-raman",
            "name": "Priya Raman",
            "credentials": "PT, DPT, OCS",
            "role": Clinician.Role.PHYSICAL_THERAPIST,
            "title": "Clinical lead, Bayside",
            "bio": (
                "Priya is a board-certified orthopaedic clinical specialist. She works with people "
                "recovering from back and nerve pain, and with runners returning after an injury.\n\n"
                "She reviews the articles Maya writes, so that no article is checked only by its author."
            ),
            "order": 2,
            "locations": ["bayside"],
            "photo_alt": "Illustrated portrait of Priya Raman: long black hair, a blue-green clinic top.",
        },
        {
            "slug": "daniel-reyes",
            "name": "Daniel Reyes",
            "credentials": "PTA",
            "role": Clinician.Role.PT_ASSISTANT,
            "title": "Physical therapist assistant",
            "bio": (
                "Daniel guides exercise programs and hands-on care under the treatment plan, and writes "
                "many of the home-exercise handouts our patients take with them.\n\n"
                "Before joining us he coached youth soccer for eight years, and it shows in how he "
                "explains an exercise."
            ),
            "order": 3,
            "locations": ["harbor-point"],
            "photo_alt": "Illustrated portrait of Daniel Reyes: short dark brown hair, a green clinic top.",
        },
        {
            "slug": "grace-lindqvist",
            "name": "Grace Lindqvist",
            "credentials": "LMT",
            "role": Clinician.Role.MASSAGE_THERAPIST,
            "title": "Licensed massage therapist",
            "bio": (
                "Grace works with scar tissue, chronic tension and recovery after sports injuries. "
                "Her sessions are slow and quiet, and she will always explain what she is doing and why."
            ),
            "order": 4,
            "locations": ["bayside"],
            "photo_alt": "Illustrated portrait of Grace Lindqvist: fair hair tied up in a bun, a plum top.",
        },
        {
            "slug": "sam-patel",
            "name": "Sam Patel",
            "credentials": "",
            "role": Clinician.Role.FRONT_DESK,
            "title": "Patient care coordinator",
            "bio": "Sam answers your questions, books visits and checks your insurance before you come in.",
            "order": 5,
            "locations": ["harbor-point", "bayside"],
            "photo_alt": "Illustrated portrait of Sam Patel: cropped black hair, glasses, an orange top.",
        },
    ]


def seed_locations() -> dict[str, Location]:
    locations = {}
    for data in LOCATIONS:
        values = dict(data)
        slug = values.pop("slug")
        location, _, _ = sync(Location, {"slug": slug}, values)
        _seed_hours(location, HOURS[slug])
        if not location.photo:
            sign = current().name.split()[0] + " PT"
            location.photo.save(f"{slug}.jpg", ContentFile(demo_clinics.clinic_photo(slug, sign)), save=False)
            location.photo_alt = PHOTO_ALT[slug]
            location.save()
        locations[slug] = location
    return locations


def clinician_photo(slug: str) -> str:
    """The clinician's illustrated portrait, drawn once and kept under team/demo/."""
    name = f"team/demo/{slug}.png"
    if default_storage.exists(name):
        return name
    return default_storage.save(name, ContentFile(portrait(SITTERS[slug])))


def _seed_hours(location: Location, week: dict) -> None:
    wanted = {(day.value, opens, closes) for day, (opens, closes) in week.items()}
    present = set(location.opening_hours.values_list("weekday", "opens", "closes"))
    if present == wanted:
        return
    location.opening_hours.all().delete()
    for day, opens, closes in sorted(wanted):  # one by one: each save retires the cached pages
        OpeningHours.objects.create(location=location, weekday=day, opens=opens, closes=closes)


def seed_clinicians(locations: dict[str, Location]) -> dict[str, Clinician]:
    clinicians = {}
    for data in clinicians_data():
        values = dict(data)
        slug = values.pop("slug")
        where = [locations[s] for s in values.pop("locations")]
        values["show_on_team_page"] = True
        values["photo"] = clinician_photo(slug)
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
