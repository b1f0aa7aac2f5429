"""schema.org data for the practice and its clinics, built as dicts for the ``json_ld`` filter.

``practice_data()`` is the home page's block: the practice as a ``MedicalClinic`` (specialty
physiotherapy) with each location as a department. ``location_data(location)`` is a location page's
block. ``publisher()`` is the practice as an article's publisher (name, url, logo), for the article
page's data (blog.metadata). ``person()`` and ``breadcrumbs()`` serve the team pages and the article
and condition pages. Every URL comes from SITE_URL (``clinic_site.siteurl``), never from the request.
"""

from itertools import groupby

from django.urls import reverse
from django.utils.translation import gettext as _

from .models import Clinician, Location, Weekday
from .practice import current
from .siteurl import absolute_url

CONTEXT = "https://schema.org"
SPECIALTY = "https://schema.org/Physiotherapy"


def practice_id() -> str:
    return absolute_url(reverse("home")) + "#practice"


def location_id(location: Location) -> str:
    return absolute_url(location.get_absolute_url()) + "#clinic"


def logo(practice=None) -> dict:
    """The logo as an ImageObject: the uploaded logo, or the largest icon made from the default mark."""
    practice = practice or current()
    if practice.logo:
        image = {"@type": "ImageObject", "url": absolute_url(practice.logo.url)}
        if practice.logo_width and practice.logo_height:
            image.update(width=practice.logo_width, height=practice.logo_height)
        return image
    url = absolute_url(reverse("icon", args=[practice.icons_version, "icon-512.png"]))
    return {"@type": "ImageObject", "url": url, "width": 512, "height": 512}


def practice_reference() -> dict:
    """The practice named by its id, where another block already describes it (a clinician's employer)."""
    return {"@type": "MedicalClinic", "@id": practice_id(), "name": current().name, "url": absolute_url("/")}


def publisher() -> dict:
    """The practice as an article's publisher (schema.org requires a name and recommends a logo)."""
    practice = current()
    return {
        "@type": "MedicalClinic",
        "@id": practice_id(),
        "name": practice.name,
        "url": absolute_url(reverse("home")),
        "logo": logo(practice),
    }


def address(location: Location) -> dict:
    data = {
        "@type": "PostalAddress",
        "streetAddress": location.street,
        "addressLocality": location.city,
        "addressRegion": location.region,
        "postalCode": location.postal_code,
    }
    return {key: value for key, value in data.items() if value}


def opening_hours(location: Location) -> list[dict]:
    """One OpeningHoursSpecification per distinct period, naming every weekday it applies to."""
    rows = sorted(location.opening_hours.all(), key=lambda row: (row.opens, row.closes, row.weekday))
    specs = []
    for (opens, closes), same in groupby(rows, key=lambda row: (row.opens, row.closes)):
        specs.append(
            {
                "@type": "OpeningHoursSpecification",
                "dayOfWeek": [Weekday(row.weekday).schema_org for row in same],
                "opens": opens.strftime("%H:%M"),
                "closes": closes.strftime("%H:%M"),
            }
        )
    return specs


def _location_node(location: Location, practice) -> dict:
    data = {
        "@type": "MedicalClinic",
        "@id": location_id(location),
        "name": f"{practice.name}, {location.name}",
        "url": absolute_url(location.get_absolute_url()),
        "medicalSpecialty": SPECIALTY,
        "telephone": location.phone or practice.phone,
        "address": address(location),
        "logo": logo(practice),
        "openingHoursSpecification": opening_hours(location),
        "isAcceptingNewPatients": True,
    }
    if location.email:
        data["email"] = location.email
    if location.photo:
        data["image"] = absolute_url(location.photo.url)
    if location.latitude is not None and location.longitude is not None:
        data["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": float(location.latitude),
            "longitude": float(location.longitude),
        }
        data["hasMap"] = location.map_url
    return data


def location_data(location: Location) -> dict:
    """A location page's block: the clinic, and the practice it belongs to."""
    practice = current()
    data = {"@context": CONTEXT, **_location_node(location, practice)}
    data["parentOrganization"] = publisher()
    return data


def practice_data(locations) -> dict:
    """The home page's block: the practice, its contact points and its clinics as departments."""
    practice = current()
    return {
        "@context": CONTEXT,
        **publisher(),
        "description": practice.introduction,
        "medicalSpecialty": SPECIALTY,
        "telephone": practice.phone,
        "email": practice.email,
        "department": [_location_node(location, practice) for location in locations],
    }


def person(clinician: Clinician) -> dict:
    """A clinician as a schema.org Person; with a URL and photo only when their team page is public."""
    data = {"@type": "Person", "name": clinician.name, "jobTitle": clinician.get_role_display()}
    if clinician.credentials:
        data["honorificSuffix"] = clinician.credentials
    if clinician.show_on_team_page:
        data["url"] = absolute_url(clinician.get_absolute_url())
        if clinician.photo:
            data["image"] = absolute_url(clinician.photo.url)
    data["worksFor"] = practice_reference()
    return data


def breadcrumbs(*trail: tuple[str, str]) -> dict:
    """A BreadcrumbList from the home page down: ``(name, path)`` pairs, the page itself last."""
    items = [(_("Home"), reverse("home")), *trail]
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": str(name), "item": absolute_url(path)}
            for position, (name, path) in enumerate(items, start=1)
        ],
    }


def team_data(clinicians) -> list[dict]:
    """The team page: its people and its place on the site."""
    return [
        {
            "@context": "https://schema.org",
            "@type": "ItemList",
            "name": _("Our team"),
            "itemListElement": [
                {"@type": "ListItem", "position": position, "item": person(clinician)}
                for position, clinician in enumerate(clinicians, start=1)
            ],
        },
        breadcrumbs((_("Our team"), reverse("team"))),
    ]


def clinician_data(clinician: Clinician) -> list[dict]:
    """A clinician's page: the Person, and the trail Home > Team > them."""
    return [
        {"@context": "https://schema.org", **person(clinician)},
        breadcrumbs((_("Our team"), reverse("team")), (clinician.name, clinician.get_absolute_url())),
    ]
