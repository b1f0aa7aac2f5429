"""Small security helpers the settings point at."""

from functools import lru_cache
from ipaddress import IPv4Address, IPv6Address, ip_address, ip_network

from django.conf import settings

Address = IPv4Address | IPv6Address


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]):
    return tuple(ip_network(entry, strict=False) for entry in entries)


def _parse(text: str) -> Address | None:
    try:
        address = ip_address(text.strip())
    except ValueError:
        return None
    # A dual-stack socket reports an IPv4 peer as ::ffff:a.b.c.d; it is the same client.
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def is_trusted_proxy(address: Address) -> bool:
    return any(address in network for network in _networks(tuple(settings.TRUSTED_PROXIES)))


def client_ip(request) -> str | None:
    """The client's address, as the trusted proxies in front of the site saw it.

    A request whose socket address is not in ``TRUSTED_PROXIES`` came straight from its client:
    that address is the answer, whatever X-Forwarded-For says. Otherwise each trusted proxy has
    appended the address it received the request from, so X-Forwarded-For is read from the right,
    past the trusted proxies, and the first other address is the client's; anything further left was
    written by the client and is ignored. An entry that is not an address ends the walk at the proxy
    that wrote it, the last address known to be true.
    """
    remote = _parse(request.META.get("REMOTE_ADDR", ""))
    if remote is None:
        return None
    if not is_trusted_proxy(remote):
        return str(remote)
    nearest = remote
    for entry in reversed(request.headers.get("X-Forwarded-For", "").split(",")):
        hop = _parse(entry)
        if hop is None:
            break
        if not is_trusted_proxy(hop):
            return str(hop)
        nearest = hop
    return str(nearest)
