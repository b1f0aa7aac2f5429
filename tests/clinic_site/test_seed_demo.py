import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from PIL import Image

from blog.demo import MYOFASCIAL_SLUG
from blog.models import Article, Condition
from clinic_site import roles
from clinic_site.models import Clinician, Location, OpeningHours, Practice
from inquiries.models import RoutingRule

pytestmark = pytest.mark.django_db

PASSWORD = "Harbor-lantern-otter-73"


@pytest.fixture(autouse=True)
def tmp_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def seed(*args) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def snapshot():
    return {
        model.__name__: sorted(model.objects.values_list("pk", "updated_at" if model is Article else "pk"))
        for model in (Location, Clinician, Condition, Article)
    }


def test_seed_creates_the_practice_and_its_content():
    seed()
    assert Location.objects.count() == 2
    assert set(Clinician.objects.values_list("credentials", flat=True)) >= {"PT, DPT", "PTA", "LMT"}
    assert Condition.objects.count() == 13
    assert Article.objects.published().count() >= 3


def test_the_myofascial_article_is_by_the_owner_with_the_pta_and_lists_the_conditions():
    seed()
    article = Article.objects.get(slug="myofascial-release-explained")
    assert article.author.credentials == "PT, DPT"
    assert article.co_author.credentials == "PTA"
    assert article.body.count("<li>") >= 13
    assert article.conditions.count() == 13
    assert article.cover_image
    assert article.cover_alt


def test_running_twice_changes_nothing():
    seed("--staff-password", PASSWORD)
    before = snapshot()
    passwords = dict(get_user_model().objects.values_list("username", "password"))
    seed("--staff-password", PASSWORD)
    assert snapshot() == before
    assert dict(get_user_model().objects.values_list("username", "password")) == passwords


def test_without_a_password_no_account_is_created():
    seed()
    assert not get_user_model().objects.exists()


def test_with_a_password_one_staff_account_per_role():
    output = seed("--staff-password", PASSWORD)
    users = {u.username: u for u in get_user_model().objects.all()}
    assert set(users) == {"owner", "editor", "moderator", "handler"}
    assert all(u.is_staff and u.check_password(PASSWORD) for u in users.values())
    assert users["owner"].is_superuser
    assert [g.name for g in users["editor"].groups.all()] == [roles.EDITORS]
    assert [g.name for g in users["moderator"].groups.all()] == [roles.COMMENT_MODERATORS]
    assert [g.name for g in users["handler"].groups.all()] == [roles.INQUIRY_HANDLERS]
    assert users["owner"].clinician.credentials == "PT, DPT"
    assert "owner, editor, moderator, handler" in output
    assert PASSWORD not in output


def test_a_weak_password_is_refused():
    with pytest.raises(CommandError):
        seed("--staff-password", "password")
    assert not get_user_model().objects.exists()


def test_comments_option_adds_that_many_approved_comments_to_the_myofascial_article():
    seed()
    article = Article.objects.get(slug=MYOFASCIAL_SLUG)
    before = article.comments.approved().count()
    seed("--comments", "25")
    assert article.comments.approved().count() == before + 25


def test_a_negative_comments_count_is_refused():
    with pytest.raises(CommandError):
        seed("--comments", "-1")


def test_staff_accounts_come_with_routing_rules_for_inquiries():
    seed("--staff-password", PASSWORD)
    assert RoutingRule.objects.filter(group__name=roles.INQUIRY_HANDLERS).exists()
    seed("--staff-password", PASSWORD)
    assert RoutingRule.objects.filter(group__name=roles.INQUIRY_HANDLERS).count() == 1


def test_every_demo_clinician_is_on_the_team_page_with_a_drawn_photo_and_its_description():
    seed()
    for clinician in Clinician.objects.all():
        assert clinician.show_on_team_page
        assert clinician.photo_alt
        with clinician.photo.open("rb"), Image.open(clinician.photo) as image:
            assert image.size == (clinician.photo_width, clinician.photo_height)
            assert (
                len(image.getcolors(maxcolors=100_000) or range(100_001)) > 50
            )  # a picture, not a flat tile


def test_demo_articles_have_drawn_covers_references_and_reviews_one_of_them_overdue():
    seed()
    for article in Article.objects.all():
        assert article.cover_image and article.cover_alt
        assert article.references.exists()
    published = Article.objects.published()
    assert all(article.reviewer.is_clinical_reviewer for article in published)
    assert all(article.reviewer != article.author for article in published)
    assert published.review_overdue().count() == 1


def test_a_second_run_keeps_the_review_dates():
    seed()
    before = dict(Article.objects.values_list("slug", "reviewed_on"))
    seed()
    assert dict(Article.objects.values_list("slug", "reviewed_on")) == before


def test_the_demo_pictures_are_drawn_onto_the_bucket_once(media_bucket):
    seed()
    covers = set(Article.objects.exclude(cover_image="").values_list("cover_image", flat=True))
    photos = set(Clinician.objects.exclude(photo="").values_list("photo", flat=True))
    clinics = set(Location.objects.exclude(photo="").values_list("photo", flat=True))
    logo = {Practice.objects.get().logo.name}
    assert covers and photos and clinics
    # Their smaller copies (clinic_site.images), one set for a cover two articles share.
    pictures = [
        *(article.cover_image for article in Article.objects.exclude(cover_image="")),
        *(clinician.photo for clinician in Clinician.objects.exclude(photo="")),
        *(location.photo for location in Location.objects.exclude(photo="")),
        Practice.objects.get().logo,
    ]
    copies = {variant.name for picture in pictures for variant in picture.variants}
    assert copies
    drawn = covers | photos | clinics | logo | copies
    assert media_bucket.keys() == drawn
    seed()
    assert media_bucket.keys() == drawn


def test_seed_gives_the_practice_a_logo_and_the_clinics_photos_coordinates_and_hours():
    seed()
    practice = Practice.objects.get()
    assert practice.logo and practice.logo_width > practice.logo_height
    assert (practice.privacy_contact_en, practice.privacy_contact_es) == (
        "Maya Okafor, practice owner",
        "Maya Okafor, propietaria",
    )
    # Their sizes are stored, not read from the pictures on each load.
    assert Practice.objects.filter(logo_width__isnull=False, logo_height__isnull=False).exists()
    assert not Location.objects.filter(photo_width__isnull=True).exists()
    for location in Location.objects.all():
        assert location.photo and location.photo_alt
        assert location.latitude is not None and location.longitude is not None
        assert location.parking and location.accessibility
        assert location.opening_hours.count() >= 5


def test_seed_keeps_what_the_owner_changed_in_the_practice_record():
    Practice.objects.filter(pk=1).update(phone="(555) 999-0000")
    seed()
    assert Practice.objects.get().phone == "(555) 999-0000"


def test_seeding_twice_changes_neither_the_hours_nor_the_photos():
    seed()
    hours = sorted(OpeningHours.objects.values_list("pk", flat=True))
    photos = sorted(Location.objects.values_list("photo", flat=True))
    seed()
    assert sorted(OpeningHours.objects.values_list("pk", flat=True)) == hours
    assert sorted(Location.objects.values_list("photo", flat=True)) == photos
