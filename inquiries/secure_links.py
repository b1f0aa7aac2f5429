"""Secure replies: the patient reads and answers the clinic's messages behind a signed link.

- **The link** (``/inquiries/thread/?token=...``) names one inquiry, its random secret
  (``Inquiry.link_secret``) and the number of the link (``Inquiry.link_generation``), signed with
  ``LINK_SALT``. The secret ties the link to that inquiry and not only to its id: after a restore
  from backup ids are used again, and an old link must not open the patient who now has that id.
  It works for ``INQUIRIES_LINK_DAYS`` and only while it is the newest: issuing a link (with each
  secure reply, or when the patient asks for one) moves the number on, so every older link is
  *used up*. A link never opens anything by itself: its page shows a button, and only the POST
  opens the thread, so mail scanners that follow links see nothing.
- **The open thread** is a signed cookie (``HttpOnly``, ``Secure`` without debug, ``SameSite=Lax``)
  for the thread page in each language, whose path it names (``COOKIE_NAME`` at
  ``/inquiries/thread/``, ``inquiry_thread_es`` at ``/es/inquiries/thread/``: a patient may switch
  language, and a browser sends a cookie only under its own path), holding the inquiry and its
  secret, valid for ``THREAD_MINUTES`` from the press of the button. A newer link does not close
  it: the clinic may reply while the patient is typing an answer, and that answer must still go
  through. It is not the session: a staff member's session opens no patient's thread, and a thread
  cookie opens nothing in the admin.
- **Closing everything at once** (``invalidate_all``, a step after every restore): each inquiry
  gets a new secret, so no link or cookie made before opens anything.
"""

import enum
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import constant_time_compare
from django.views.decorators.debug import sensitive_variables

from clinic_site.siteurl import absolute_url

from .models import Inquiry, new_link_secret

LINK_SALT = "inquiries.secure-link"
COOKIE_NAME = "inquiry_thread"
COOKIE_SALT = "inquiries.open-thread"
THREAD_MINUTES = 30


class LinkProblem(enum.StrEnum):
    EXPIRED = "expired"  # older than INQUIRIES_LINK_DAYS
    USED_UP = "used_up"  # a newer link was issued since
    INVALID = "invalid"  # forged, truncated, or its inquiry is gone (or was marked spam)


@dataclass(frozen=True)
class LinkCheck:
    inquiry: Inquiry | None
    problem: LinkProblem | None = None


def _open_inquiries():
    # Spam gets no conversation; everything else, closed included, may still be read and answered.
    return Inquiry.objects.exclude(status=Inquiry.Status.SPAM)


@sensitive_variables("token")
def issue_link(inquiry: Inquiry) -> str:
    """A new link to the inquiry's thread (the absolute URL for an email); older links are used up."""
    Inquiry.objects.filter(pk=inquiry.pk).update(link_generation=F("link_generation") + 1)
    inquiry.refresh_from_db(fields=["link_generation", "link_secret"])
    token = signing.dumps([inquiry.pk, inquiry.link_generation, inquiry.link_secret], salt=LINK_SALT)
    return absolute_url(reverse("inquiries:thread") + "?token=" + token)


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _unpack(value) -> tuple[int, int, str] | None:
    if isinstance(value, list) and len(value) == 3:
        pk, generation, secret = value
        if _is_int(pk) and _is_int(generation) and isinstance(secret, str) and secret:
            return pk, generation, secret
    return None


@sensitive_variables("token", "value", "parts")
def check_link(token: str) -> LinkCheck:
    """The inquiry a link opens, or why it opens nothing."""
    try:
        value = signing.loads(token or "", salt=LINK_SALT, max_age=settings.INQUIRIES_LINK_DAYS * 86400)
    except signing.SignatureExpired:
        return LinkCheck(None, LinkProblem.EXPIRED)
    except (signing.BadSignature, TypeError, ValueError):
        return LinkCheck(None, LinkProblem.INVALID)
    parts = _unpack(value)
    inquiry = _open_inquiries().filter(pk=parts[0]).first() if parts else None
    if inquiry is None or not constant_time_compare(parts[2], inquiry.link_secret):
        return LinkCheck(None, LinkProblem.INVALID)
    if parts[1] != inquiry.link_generation:
        return LinkCheck(None, LinkProblem.USED_UP)
    return LinkCheck(inquiry)


def cookies() -> dict[str, str]:
    """The open thread's cookie name for each language's thread page, and that page's path."""
    paths = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            name = COOKIE_NAME if code == settings.LANGUAGE_CODE else f"{COOKIE_NAME}_{code}"
            paths[name] = reverse("inquiries:thread")
    return paths


def open_thread(response, inquiry: Inquiry) -> None:
    """Give this browser the inquiry's thread for THREAD_MINUTES (from now, however active), in
    every language."""
    for name, path in cookies().items():
        response.set_signed_cookie(
            name,
            f"{inquiry.pk}:{inquiry.link_secret}",
            salt=COOKIE_SALT,
            max_age=THREAD_MINUTES * 60,
            path=path,
            httponly=True,
            secure=settings.SESSION_COOKIE_SECURE,
            samesite="Lax",
        )


@sensitive_variables("held", "secret")
def thread_inquiry(request) -> Inquiry | None:
    """The inquiry whose thread this browser opened in the last THREAD_MINUTES (newer links
    issued meanwhile change nothing), unless its secret has changed since or it was marked spam."""
    held = next(
        (
            value
            for name in cookies()
            if (value := request.get_signed_cookie(name, None, salt=COOKIE_SALT, max_age=THREAD_MINUTES * 60))
        ),
        None,
    )
    pk, _colon, secret = (held or "").partition(":")
    if not (pk.isascii() and pk.isdigit() and secret):
        return None
    inquiry = _open_inquiries().filter(pk=int(pk)).first()
    if inquiry is None or not constant_time_compare(secret, inquiry.link_secret):
        return None
    return inquiry


def invalidate_all() -> int:
    """Give every inquiry a new secret: no link or open thread made before opens anything. Returns
    how many inquiries there are. For after a restore, when ids may be used again."""
    count = 0
    with transaction.atomic():
        for pk in Inquiry.objects.values_list("pk", flat=True).iterator():
            Inquiry.objects.filter(pk=pk).update(link_secret=new_link_secret())
            count += 1
    return count
