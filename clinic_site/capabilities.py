"""Links that open something for whoever holds them, and hiding them where others could read them.

Every such link of the site carries its proof in a ``token`` query parameter: the inquiry's secure
link, the comment confirmation, edit and delete link, and the unsubscribe links (also in the
``List-Unsubscribe`` header). Only the person the email goes to may hold one. So the mail queue's
admin never shows one (``inquiries/admin_mail.py``), a delivered email keeps none in the database
(``outbox.services.deliver``), and error reports mask them (``clinic_site/errors.py``).
"""

import re

TOKEN_PARAMETERS = frozenset({"token"})
SUBSTITUTE = "********************"

# ``token=`` after ``?`` or ``&`` (``&amp;`` in HTML), up to where a URL ends in text, HTML or a header.
_NAMES = "|".join(re.escape(name) for name in sorted(TOKEN_PARAMETERS))
_TOKEN_IN_TEXT = re.compile(rf"(?P<lead>[?&](?:amp;)?(?:{_NAMES})=)[^\s&\"'<>#]+")


def hide_tokens(text: str) -> str:
    """``text`` with the value of every token parameter of every URL in it masked."""
    if not text:
        return text
    return _TOKEN_IN_TEXT.sub(lambda match: match["lead"] + SUBSTITUTE, text)


def hide_tokens_in_headers(headers: dict | None) -> dict | None:
    if not headers:
        return headers
    return {name: hide_tokens(value) if isinstance(value, str) else value for name, value in headers.items()}
