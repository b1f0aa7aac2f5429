"""Helpers behind the security settings: the client address for axes, the path-aware headers."""

import pytest
from django.http import HttpResponse
from django.template import engines
from django.urls import reverse

from clinic_site.middleware import NoStoreMiddleware, PathAwareCSPMiddleware
from clinic_site.security import client_ip


def test_client_ip_is_the_socket_address_without_a_trusted_proxy(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    request = rf.get("/", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert client_ip(request) == "203.0.113.7"


def test_client_ip_ignores_addresses_the_client_wrote_before_the_proxy(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.7")
    assert client_ip(request) == "203.0.113.7"


def test_client_ip_falls_back_to_the_socket_when_the_header_is_short(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 2
    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert client_ip(request) == "127.0.0.1"


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


def test_admin_page_gets_no_nonce_so_unsafe_inline_stays_effective(rf):
    policy = csp_for(rf, reverse("admin:blog_article_add"))
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
