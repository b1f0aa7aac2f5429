from django.contrib import messages
from django.http import HttpResponseRedirect


class HttpResponseSeeOther(HttpResponseRedirect):
    """After a form post: the browser fetches the next page with GET."""

    status_code = 303


def see_other_at(request, url: str, place: str, text: str) -> HttpResponseSeeOther:
    """After a form post, back to the part of ``url`` whose id is ``place``, which says ``text``
    where the reader lands (clinic_extras.placed; the header, if that page has no such part)."""
    messages.success(request, text, extra_tags=place)
    return HttpResponseSeeOther(f"{url}#{place}")
