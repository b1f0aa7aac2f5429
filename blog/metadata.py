"""What an article tells search engines and link previews: OpenGraph values and schema.org data."""

from django.conf import settings

from clinic_site.models import Clinician
from clinic_site.siteurl import absolute_url

from .models import Article


def _person(clinician: Clinician) -> dict:
    person = {"@type": "Person", "name": clinician.name, "jobTitle": clinician.get_role_display()}
    if clinician.credentials:
        person["honorificSuffix"] = clinician.credentials
    return person


def article_structured_data(article: Article) -> dict:
    """schema.org BlogPosting for the article page; built as data, serialised by the json_ld filter."""
    url = absolute_url(article.get_absolute_url())
    authors = [article.author, article.co_author] if article.co_author else [article.author]
    data = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": article.title,
        "description": article.summary,
        "url": url,
        "mainEntityOfPage": url,
        "datePublished": article.published_at.isoformat(),
        "dateModified": article.updated_at.isoformat(),
        "timeRequired": f"PT{article.reading_minutes}M",
        "author": [_person(person) for person in authors],
        "publisher": {
            "@type": "MedicalBusiness",
            "name": settings.CLINIC_NAME,
            "url": absolute_url("/"),
        },
        "about": [{"@type": "MedicalCondition", "name": c.name} for c in article.conditions.all()],
    }
    if article.cover_image:
        data["image"] = absolute_url(article.cover_image.url)
    return data
