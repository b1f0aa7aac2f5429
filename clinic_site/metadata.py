"""What the team pages tell search engines: schema.org ``Person`` and ``BreadcrumbList`` data.

Built as data and serialised by the ``json_ld`` filter (blog_extras). Every URL is absolute on
``SITE_URL``. The article page (blog.metadata) uses the same people and breadcrumbs.
"""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from .models import Clinician
from .siteurl import absolute_url


def practice() -> dict:
    """The practice as a short reference (the article's publisher, a clinician's employer)."""
    return {"@type": "MedicalBusiness", "name": settings.CLINIC_NAME, "url": absolute_url("/")}


def person(clinician: Clinician) -> dict:
    """A clinician as a schema.org Person; with a URL and photo only when their team page is public."""
    data = {"@type": "Person", "name": clinician.name, "jobTitle": clinician.get_role_display()}
    if clinician.credentials:
        data["honorificSuffix"] = clinician.credentials
    if clinician.show_on_team_page:
        data["url"] = absolute_url(clinician.get_absolute_url())
        if clinician.photo:
            data["image"] = absolute_url(clinician.photo.url)
    data["worksFor"] = practice()
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


def team_structured_data(clinicians) -> list[dict]:
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


def clinician_structured_data(clinician: Clinician) -> list[dict]:
    """A clinician's page: the Person, and the trail Home > Team > them."""
    return [
        {"@context": "https://schema.org", **person(clinician)},
        breadcrumbs((_("Our team"), reverse("team")), (clinician.name, clinician.get_absolute_url())),
    ]
