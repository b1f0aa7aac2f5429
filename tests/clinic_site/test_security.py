"""Helpers behind the security settings: the client address for axes, the path-aware headers."""

import pytest
from django.http import HttpResponse
from django.template import engines
from django.urls import resolve, reverse

from clinic_site.middleware import NoStoreMiddleware, PathAwareCSPMiddleware
from clinic_site.security import client_ip


def address_seen(rf, *, remote, forwarded=None):
    headers = {"X-Forwarded-For": forwarded} if forwarded is not None else {}
    return client_ip(rf.get("/", REMOTE_ADDR=remote, headers=headers))


def test_a_forged_forwarded_for_from_an_untrusted_client_is_ignored(rf, settings):
    """A client talking to gunicorn directly cannot pose as another address to dodge a limit."""
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    assert address_seen(rf, remote="203.0.113.7", forwarded="198.51.100.1") == "203.0.113.7"


def test_without_trusted_proxies_the_header_is_never_read(rf, settings):
    settings.TRUSTED_PROXIES = []
    assert address_seen(rf, remote="127.0.0.1", forwarded="198.51.100.1") == "127.0.0.1"


def test_behind_the_trusted_proxy_the_client_is_the_address_it_added(rf, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    assert address_seen(rf, remote="127.0.0.1", forwarded="203.0.113.7") == "203.0.113.7"


def test_addresses_the_client_wrote_before_the_proxys_are_ignored(rf, settings):
    """nginx appends what it saw to whatever the client sent: only the rightmost entry is nginx's."""
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    forged = "10.9.9.9, 198.51.100.1, 203.0.113.7"
    assert address_seen(rf, remote="127.0.0.1", forwarded=forged) == "203.0.113.7"


def test_a_chain_of_trusted_proxies_is_walked_past(rf, settings):
    # A load balancer (10.0.0.5) in front of nginx (127.0.0.1): both trusted, the client is next.
    settings.TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.5"]
    chain = "198.51.100.1, 203.0.113.7, 10.0.0.5"
    assert address_seen(rf, remote="127.0.0.1", forwarded=chain) == "203.0.113.7"


def test_a_cidr_range_trusts_every_proxy_in_it(rf, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/24"]
    chain = "203.0.113.7, 10.0.0.17, 10.0.0.200"
    assert address_seen(rf, remote="127.0.0.1", forwarded=chain) == "203.0.113.7"
    # Next door to the range is not in it: that hop is the client as far as we can tell.
    assert address_seen(rf, remote="127.0.0.1", forwarded="203.0.113.7, 10.0.1.1") == "10.0.1.1"


def test_ipv6_proxies_and_clients(rf, settings):
    settings.TRUSTED_PROXIES = ["::1", "2001:db8:1::/48"]
    chain = "2001:db8:ffff::1, 2001:DB8:1::5"
    assert address_seen(rf, remote="::1", forwarded=chain) == "2001:db8:ffff::1"
    # Untrusted IPv6 socket: its header is ignored.
    assert address_seen(rf, remote="2001:db8:9::9", forwarded="203.0.113.7") == "2001:db8:9::9"


def test_an_ipv4_peer_on_a_dual_stack_socket_is_the_same_proxy(rf, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    assert address_seen(rf, remote="::ffff:127.0.0.1", forwarded="203.0.113.7") == "203.0.113.7"


def test_a_garbled_entry_stops_at_the_proxy_that_passed_it_on(rf, settings):
    """Something that is not an address is never taken for one (axes stores it in an inet column)."""
    settings.TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.5"]
    assert address_seen(rf, remote="127.0.0.1", forwarded="not-an-address, 10.0.0.5") == "10.0.0.5"
    assert address_seen(rf, remote="127.0.0.1", forwarded="") == "127.0.0.1"


def test_a_request_from_the_proxy_itself_is_the_proxys(rf, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    assert address_seen(rf, remote="127.0.0.1") == "127.0.0.1"


def page_using_a_nonce(request):
    template = engines["django"].from_string("<script nonce='{{ request.csp_nonce }}'></script>")
    return HttpResponse(template.render({}, request))


def csp_for(rf, path):
    middleware = PathAwareCSPMiddleware(page_using_a_nonce)
    return middleware(rf.get(path))["Content-Security-Policy"]


def test_public_page_that_asks_for_a_nonce_gets_it_in_script_src(rf):
    policy = csp_for(rf, reverse("blog:article_list"))
    script_src = next(part for part in policy.split("; ") if part.startswith("script-src"))
    assert "'nonce-" in script_src


def test_editor_page_gets_no_nonce_so_unsafe_inline_stays_effective(rf):
    request = rf.get(reverse("admin:blog_article_add"))
    request.resolver_match = resolve(request.path_info)
    policy = PathAwareCSPMiddleware(page_using_a_nonce)(request)["Content-Security-Policy"]
    script_src = next(part for part in policy.split("; ") if part.startswith("script-src"))
    assert script_src == "script-src 'self' 'unsafe-inline'"


# Typed paths: the rule matches a prefix, so any path under it counts, even one no view answers.
@pytest.mark.parametrize("path", ["/inquiries/new/", "/inquiries/thanks/ABC123/", "/admin/"])
def test_no_store_covers_every_page_under_the_prefixes(rf, path):
    response = NoStoreMiddleware(lambda request: HttpResponse("ok"))(rf.get(path))
    assert "no-store" in response["Cache-Control"]


def test_no_store_leaves_other_pages_alone(rf):
    response = NoStoreMiddleware(lambda request: HttpResponse("ok"))(rf.get(reverse("blog:article_list")))
    assert not response.has_header("Cache-Control")
