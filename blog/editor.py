"""The rich-text editor for article bodies: the one place that knows which editor the admin uses.

The body is stored in a plain TextField and sanitised on save, so switching editors means changing
this widget (and CKEDITOR_CONFIGS), not the data. See SECURITY.md, "The article editor".
"""

import re

from ckeditor.widgets import CKEditorWidget
from django import forms

from .sanitize import sanitize_html


class ArticleBodyWidget(CKEditorWidget):
    """CKEditor with the hardened "default" config, sending Django's CSRF token with its uploads."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("config_name", "default")
        super().__init__(*args, **kwargs)

    @property
    def media(self):
        # Listing ckeditor.js first keeps our script after it when Django merges the admin's media.
        return super().media + forms.Media(js=["ckeditor/ckeditor/ckeditor.js", "blog/js/editor-upload.js"])


# Block-level tags: the spacing around them does not show on the page.
_AROUND_BLOCKS = re.compile(
    r"\s*(</?(?:p|h2|h3|h4|hr|br|blockquote|ul|ol|li|figure|figcaption|table|caption|thead|tbody|tr|th|td)\b[^>]*>)\s*"
)
_SPACES = re.compile(r"\s+")


def reads_the_same(html: str) -> str:
    """``html`` as a reader would find it, for comparing two versions of a body: sanitised as it is
    stored, whitespace runs as one space, none around block tags. The editor rewrites the HTML it
    was given (blank lines between blocks, tabs in lists, accented letters as entities)."""
    return _AROUND_BLOCKS.sub(r"\1", _SPACES.sub(" ", sanitize_html(html or ""))).strip()


class ArticleBodyField(forms.CharField):
    """The body as the editor sends it back: changed only if it reads differently, so the article's
    history says "Changed Body" when someone changed it, not on every save."""

    def has_changed(self, initial, data):
        return reads_the_same(initial) != reads_the_same(data)
