"""Small security helpers the settings point at."""

from django.conf import settings


def client_ip(request) -> str | None:
    """The client's address, as the trusted proxies in front of the site saw it.

    With ``TRUSTED_PROXY_COUNT`` proxies, each appending the address it received the request from
    to X-Forwarded-For, the client is that many entries from the right; anything further left was
    written by the client and is ignored. With no trusted proxy, the socket's address is the answer.
    """
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR")
