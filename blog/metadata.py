"""What an article tells search engines and link previews: schema.org data for its pages.

The article page is a ``MedicalWebPage`` (its clinical review: ``lastReviewed``, ``reviewedBy``,
``citation``) whose ``mainEntity`` is the article itself, a ``BlogPosting``; condition and article
pages also carry a ``BreadcrumbList``. Built as data, serialised by the json_ld filter.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from clinic_site.siteurl import absolute_url
from clinic_site.structured_data import breadcrumbs, person, publisher

from .models import Article, Condition, Reference


def citation(reference: Reference) -> dict:
    """A reference as a CreativeWork; with a DOI it is a ScholarlyArticle, identified by it."""
    data = {
        "@type": "ScholarlyArticle" if reference.doi else "CreativeWork",
        "name": reference.title,
        "publisher": {"@type": "Organization", "name": reference.source},
        "datePublished": str(reference.year),
    }
    if reference.doi:
        data["identifier"] = {"@type": "PropertyValue", "propertyID": "DOI", "value": reference.doi}
    if reference.link:
        data["url"] = reference.link
    return data


def blog_posting(article: Article, conditions) -> dict:
    url = absolute_url(article.get_absolute_url())
    authors = [article.author, article.co_author] if article.co_author else [article.author]
    data = {
        "@type": "BlogPosting",
        "headline": article.title,
        "description": article.summary,
        "url": url,
        "datePublished": article.published_at.isoformat(),
        "dateModified": article.updated_at.isoformat(),
        "timeRequired": f"PT{article.reading_minutes}M",
        "author": [person(clinician) for clinician in authors],
        "publisher": publisher(),
        "about": [{"@type": "MedicalCondition", "name": c.name} for c in conditions],
    }
    if article.cover_image:
        data["image"] = absolute_url(article.cover_image.url)
    return data


def article_structured_data(article: Article, conditions=None, references=None) -> list[dict]:
    """The article page's blocks: the MedicalWebPage around the BlogPosting, and its breadcrumbs."""
    conditions = list(article.conditions.all()) if conditions is None else conditions
    references = list(article.references.all()) if references is None else references
    url = absolute_url(article.get_absolute_url())
    page = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "url": url,
        "name": article.title,
        "description": article.summary,
        "mainEntity": blog_posting(article, conditions),
    }
    if article.reviewer and article.reviewed_on:
        page["lastReviewed"] = article.reviewed_on.isoformat()
        page["reviewedBy"] = person(article.reviewer)
    if references:
        page["citation"] = [citation(reference) for reference in references]
    trail = breadcrumbs(
        (_("Blog"), reverse("blog:article_list")), (article.title, article.get_absolute_url())
    )
    return [page, trail]


def condition_structured_data(condition: Condition) -> list[dict]:
    return [
        breadcrumbs(
            (_("Conditions we treat"), reverse("blog:condition_list")),
            (condition.name, condition.get_absolute_url()),
        )
    ]
