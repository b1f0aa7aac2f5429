"""The allow-list for article HTML. Everything the editor produces passes through here on save."""

import nh3
from django.conf import settings

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "strong", "b", "em", "i", "u", "s", "sub", "sup",
    "blockquote", "ul", "ol", "li", "a", "img", "figure", "figcaption",
    "table", "thead", "tbody", "tr", "th", "td", "caption",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}
# Removed together with everything inside them, not just unwrapped.
DROPPED_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "noscript", "template", "textarea"}


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    """Images come only from our own uploads: no third-party requests, no tracking pixels."""
    if tag == "img" and attribute == "src":
        media_url = settings.MEDIA_URL
        if (
            not value.startswith(media_url)
            or value.startswith("//")
            or ".." in value
            or "%2e" in value.lower()
        ):
            return None
    return value


def sanitize_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_filter_attribute,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
