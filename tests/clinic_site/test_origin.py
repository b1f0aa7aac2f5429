import pytest
from django.urls import reverse

from clinic_site.origin import is_cross_site


@pytest.mark.parametrize(
    ("headers", "cross"),
    [
        ({"Sec-Fetch-Site": "same-origin"}, False),
        ({"Sec-Fetch-Site": "none"}, False),
        ({"Sec-Fetch-Site": "same-site"}, True),
        ({"Sec-Fetch-Site": "cross-site"}, True),
        ({"Origin": "http://testserver"}, False),
        ({"Origin": "https://elsewhere.example"}, True),
        ({"Origin": "null"}, True),
        ({}, False),
    ],
)
def test_what_the_browser_says_decides(rf, headers, cross):
    assert is_cross_site(rf.post(reverse("blog:article_like", args=["x"]), headers=headers)) is cross


def test_a_trusted_origin_is_accepted(rf, settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://www.pt.example"]
    assert not is_cross_site(rf.post("/", headers={"Origin": "https://www.pt.example"}))
