"""What a patient and the staff do, end to end, in the browser."""

from django.urls import reverse
from playwright.sync_api import expect

from tests.factories import ArticleFactory, StaffFactory

from .support import log_in_to_admin


def test_patient_goes_from_home_through_the_blog_to_an_article(page, site_url):
    ArticleFactory(title="Myofascial release, explained", slug="myofascial-release")
    page.goto(site_url + reverse("home"))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Blog", exact=True).click()
    expect(page).to_have_url(site_url + reverse("blog:article_list"))
    page.get_by_role("link", name="Myofascial release, explained").click()
    expect(page).to_have_url(site_url + reverse("blog:article_detail", args=["myofascial-release"]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Myofascial release, explained")


def test_staff_member_signs_in_to_the_admin(page, site_url):
    StaffFactory(username="moderator", is_superuser=True)
    log_in_to_admin(page, site_url, "moderator", "a-long-test-password")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
