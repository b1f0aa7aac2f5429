"""Demo data for the practice: its two clinics, its team, and (on request) one staff account per role.

Every function is idempotent: rows are found by slug or username and only touched when they differ
from the demo, so running the seed twice changes nothing.

Text patients read is given in English and Spanish, naming each language's column (``parking_en``,
``parking_es``; django-modeltranslation, clinic_site/translation.py): the bare field name would mean
whichever language happens to be active.
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
        "hours_note_en": "Closed on federal holidays. Early visits from 7:00 a.m. for people who work days.",
        "hours_note_es": (
            "Cerrado los días feriados federales. Citas temprano, desde las 7:00 a. m., para quienes "
            "trabajan de día."
        ),
        "parking_en": (
            "The Mariner Street garage is across the road: bring your ticket to the front desk and we "
            "validate two hours. Two short-stay spaces in front of the building are kept for our patients."
        ),
        "parking_es": (
            "El garaje de estacionamiento de Mariner Street está al otro lado de la calle: traiga su boleto "
            "a la recepción y le validamos dos horas. Frente al edificio hay dos espacios para estacionarse "
            "por poco tiempo, reservados para nuestros pacientes."
        ),
        "accessibility_en": (
            "Step-free entrance from the street, automatic doors and a lift to the second floor. Our "
            "treatment rooms, restroom and gym are on one level; the treatment tables lower to wheelchair "
            "height. Service animals are welcome."
        ),
        "accessibility_es": (
            "Entrada sin escalones desde la calle, puertas automáticas y elevador al segundo piso. Nuestras "
            "salas de tratamiento, el baño y el gimnasio están en un mismo nivel; las camillas bajan a la "
            "altura de una silla de ruedas. Los animales de servicio son bienvenidos."
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
        "hours_note_en": "Saturday mornings are for visits booked ahead.",
        "hours_note_es": "Los sábados por la mañana solo atendemos citas programadas con anticipación.",
        "parking_en": (
            "Free parking in our own lot in front of the clinic, with two accessible spaces next to the "
            "ramp. Bus route 36 stops at Shore Drive and Great Neck Road, a three-minute walk."
        ),
        "parking_es": (
            "Estacionamiento gratuito en nuestro propio terreno, frente a la clínica, con dos espacios "
            "accesibles junto a la rampa. La ruta de autobús 36 para en Shore Drive y Great Neck Road, a "
            "tres minutos a pie."
        ),
        "accessibility_en": (
            "A gentle ramp with a handrail leads to the front door; everything is on the ground floor, "
            "with an accessible restroom and a quiet room if you need a break."
        ),
        "accessibility_es": (
            "Una rampa suave con pasamanos lleva a la puerta principal; todo está en la planta baja, con un "
            "baño accesible y una sala tranquila por si necesita un descanso."
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

PHOTO_ALT_ES = {
    "harbor-point": (
        "Dibujo de la fachada de la clínica en la planta baja de un edificio de ladrillo de tres pisos, "
        "bajo un toldo a rayas verde azulado, con dos macetas junto a la puerta de vidrio."
    ),
    "bayside": (
        "Dibujo de un edificio blanco de una planta, con paredes de tablas y persianas verde azulado, una "
        "rampa hasta la puerta y un estacionamiento delante; detrás, la bahía."
    ),
}

# The demo's main line answers for both clinics; the privacy contact is the owner.
PRACTICE = {
    "phone": "(757) 555-0100",
    "privacy_contact_en": "Maya Okafor, practice owner",
    "privacy_contact_es": "Maya Okafor, propietaria",
    "privacy_email": "privacy@tidewater-pt.example",
}


def seed_practice() -> Practice:
    """The demo's main number, privacy contact and, without a logo, a drawn one.
    Only fields still at their first-run value are set: what the owner typed in the admin stays."""
    practice = Practice.get_solo()
    changed = False
    for field, value in PRACTICE.items():
        if getattr(practice, field) in ("", None, Practice._meta.get_field(field).get_default()):
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
            "title_en": "Owner",
            "title_es": "Propietaria",
            "bio_en": (
                f"Maya founded {clinic} after a decade in outpatient orthopedics. She treats spine and "
                "jaw problems and teaches patients to manage pain with movement they can do at home.\n\n"
                "She reviews the health content of our articles written by her colleagues, and still "
                "sees patients four days a week, split between both clinics."
            ),
            "bio_es": (
                f"Maya fundó {clinic} después de diez años en ortopedia ambulatoria. Trata problemas de la "
                "columna y de la mandíbula, y enseña a sus pacientes a controlar el dolor con movimientos "
                "que pueden hacer en casa.\n\n"
                "Revisa el contenido de salud de los artículos que escriben sus colegas, y sigue atendiendo "
                "pacientes cuatro días a la semana, repartidos entre las dos clínicas."
            ),
            "order": 1,
            "locations": ["harbor-point", "bayside"],
            "photo_alt_en": "Illustrated portrait of Maya Okafor: short curly black hair, a teal clinic top.",
            "photo_alt_es": (
                "Retrato ilustrado de Maya Okafor: cabello negro, corto y rizado, y un uniforme clínico "
                "verde azulado."
            ),
        },
        {
            "slug": "priya-raman",
            "name": "Priya Raman",
            "credentials": "PT, DPT, OCS",
            "role": Clinician.Role.PHYSICAL_THERAPIST,
            "title_en": "Clinical lead, Bayside",
            "title_es": "Directora clínica, Bayside",
            "bio_en": (
                "Priya is a board-certified orthopaedic clinical specialist. She works with people "
                "recovering from back and nerve pain, and with runners returning after an injury.\n\n"
                "She reviews the articles Maya writes, so that no article is checked only by its author."
            ),
            "bio_es": (
                "Priya tiene la certificación oficial de especialista clínica en ortopedia. Trabaja con "
                "personas que se recuperan de dolor de espalda o de dolor de origen nervioso, y con "
                "corredores que vuelven a correr después de una lesión.\n\n"
                "Revisa los artículos que escribe Maya, para que ningún artículo lo revise solo su autor."
            ),
            "order": 2,
            "locations": ["bayside"],
            "photo_alt_en": "Illustrated portrait of Priya Raman: long black hair, a blue-green clinic top.",
            "photo_alt_es": (
                "Retrato ilustrado de Priya Raman: cabello negro y largo, y un uniforme clínico azul verdoso."
            ),
        },
        {
            "slug": "daniel-reyes",
            "name": "Daniel Reyes",
            "credentials": "PTA",
            "role": Clinician.Role.PT_ASSISTANT,
            "title_en": "Physical therapist assistant",
            "title_es": "Asistente de fisioterapia",
            "bio_en": (
                "Daniel guides exercise programs and hands-on care under the treatment plan, and writes "
                "many of the home-exercise handouts our patients take with them.\n\n"
                "Before joining us he coached youth soccer for eight years, and it shows in how he "
                "explains an exercise."
            ),
            "bio_es": (
                "Daniel guía los programas de ejercicio y la terapia manual según el plan de tratamiento, y "
                "escribe muchas de las hojas de ejercicios para la casa que nuestros pacientes se llevan.\n\n"
                "Antes de unirse a nosotros fue entrenador de fútbol juvenil durante ocho años, y se nota en "
                "cómo explica cada ejercicio."
            ),
            "order": 3,
            "locations": ["harbor-point"],
            "photo_alt_en": (
                "Illustrated portrait of Daniel Reyes: short dark brown hair, a green clinic top."
            ),
            "photo_alt_es": (
                "Retrato ilustrado de Daniel Reyes: cabello castaño oscuro y corto, y un uniforme "
                "clínico verde."
            ),
        },
        {
            "slug": "grace-lindqvist",
            "name": "Grace Lindqvist",
            "credentials": "LMT",
            "role": Clinician.Role.MASSAGE_THERAPIST,
            "title_en": "Licensed massage therapist",
            "title_es": "Masoterapeuta con licencia",
            "bio_en": (
                "Grace works with scar tissue, chronic tension and recovery after sports injuries. "
                "Her sessions are slow and quiet, and she will always explain what she is doing and why."
            ),
            "bio_es": (
                "Grace trabaja con tejido cicatricial, tensión crónica y la recuperación después de "
                "lesiones deportivas. Sus sesiones son pausadas y tranquilas, y siempre le explicará qué "
                "está haciendo y por qué."
            ),
            "order": 4,
            "locations": ["bayside"],
            "photo_alt_en": (
                "Illustrated portrait of Grace Lindqvist: fair hair tied up in a bun, a plum top."
            ),
            "photo_alt_es": (
                "Retrato ilustrado de Grace Lindqvist: cabello rubio recogido en un moño, y una blusa color "
                "ciruela."
            ),
        },
        {
            "slug": "sam-patel",
            "name": "Sam Patel",
            "credentials": "",
            "role": Clinician.Role.FRONT_DESK,
            "title_en": "Patient care coordinator",
            # A title that does not give Sam a gender, as the English does not.
            "title_es": "Coordinación de atención al paciente",
            "bio_en": (
                "Sam answers your questions, books visits and checks your insurance before you come in."
            ),
            "bio_es": (
                "Sam responde sus preguntas, programa sus citas y verifica su seguro médico antes de que "
                "usted venga."
            ),
            "order": 5,
            "locations": ["harbor-point", "bayside"],
            "photo_alt_en": "Illustrated portrait of Sam Patel: cropped black hair, glasses, an orange top.",
            "photo_alt_es": (
                "Retrato ilustrado de Sam Patel: cabello negro muy corto, lentes y una camiseta naranja."
            ),
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
            location.photo_alt_en = PHOTO_ALT[slug]
            location.photo_alt_es = PHOTO_ALT_ES[slug]
            location.save()
        elif not location.photo_alt_es and location.photo_alt_en == PHOTO_ALT[slug]:
            # Drawn by an earlier run, before the alt text had its Spanish. A photo whose English alt
            # is not the demo's is the owner's own: its Spanish description is the owner's to write.
            location.photo_alt_es = PHOTO_ALT_ES[slug]
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
