"""The rich-text editor for article bodies: the one place that knows which editor the admin uses.

The body is stored in a plain TextField and sanitised on save, so switching editors means changing
this widget (and CKEDITOR_CONFIGS), not the data. See SECURITY.md, "The article editor".
"""

from ckeditor.widgets import CKEditorWidget
from django import forms


class ArticleBodyWidget(CKEditorWidget):
    """CKEditor with the hardened "default" config, sending Django's CSRF token with its uploads."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("config_name", "default")
        super().__init__(*args, **kwargs)

    @property
    def media(self):
        # Listing ckeditor.js first keeps our script after it when Django merges the admin's media.
        return super().media + forms.Media(js=["ckeditor/ckeditor/ckeditor.js", "blog/js/editor-upload.js"])
