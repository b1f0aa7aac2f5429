"""Smaller copies of cover images and photos (clinic_site.images), and the pages that offer them."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import models
from django.test.utils import isolate_apps
from django.urls import reverse
from PIL import Image

from blog.models import Article
from clinic_site.fields import ResponsiveImageField
from clinic_site.images import VARIANT_WIDTHS, variant_name
from clinic_site.models import Clinician, Location, Practice
from tests.factories import ArticleFactory, ClinicianFactory, LocationFactory, photo_upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def tmp_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def cover_article(size=(1200, 630), **kwargs):
    return ArticleFactory(cover_image=photo_upload("cover.png", size), cover_alt="A teal square.", **kwargs)


def stored_size(name):
    with default_storage.open(name) as file, Image.open(file) as image:
        return image.format, image.size


def test_a_new_cover_gets_a_webp_copy_at_each_width_narrower_than_itself():
    article = cover_article()
    variants = article.cover_image.variants
    assert [v.width for v in variants] == list(VARIANT_WIDTHS)
    for variant in variants:
        assert variant.name == variant_name(article.cover_image.name, variant.width)
        assert stored_size(variant.name) == ("WEBP", (variant.width, variant.height))
    assert [v.height for v in variants] == [126, 252, 378, 504]


def test_the_copies_are_recorded_with_the_picture_they_were_made_from():
    article = Article.objects.get(pk=cover_article().pk)
    assert article.cover_variants["source"] == article.cover_image.name
    assert (article.cover_variants["width"], article.cover_variants["height"]) == (1200, 630)
    assert (article.cover_width, article.cover_height) == (1200, 630)


def test_a_picture_narrower_than_every_width_has_no_copies():
    article = cover_article(size=(200, 100))
    assert article.cover_image.variants == []
    assert article.cover_image.srcset == ""


def test_a_picture_only_some_widths_fit_gets_only_those():
    article = cover_article(size=(600, 400))
    assert [v.width for v in article.cover_image.variants] == [240, 480]


def test_srcset_lists_the_copies_and_the_picture_itself_with_their_widths():
    article = cover_article(size=(800, 400))
    name = article.cover_image.name
    assert article.cover_image.srcset == (
        f"/media/{variant_name(name, 240)} 240w, /media/{variant_name(name, 480)} 480w, "
        f"/media/{variant_name(name, 720)} 720w, /media/{name} 800w"
    )


def test_a_new_picture_in_place_of_the_old_gets_its_own_copies():
    article = cover_article()
    old = article.cover_image.name
    article.cover_image = photo_upload("other.png", (1000, 1000))
    article.save()
    assert article.cover_variants["source"] == article.cover_image.name != old
    assert [v.height for v in article.cover_image.variants] == [240, 480, 720, 960]


def test_removing_the_picture_removes_the_record():
    article = cover_article()
    article.cover_image = None
    article.save()
    assert Article.objects.get(pk=article.pk).cover_variants is None


def test_a_record_of_another_picture_is_not_used():
    article = cover_article()
    Article.objects.filter(pk=article.pk).update(cover_image="covers/elsewhere.png")
    assert Article.objects.get(pk=article.pk).cover_image.variants == []


def test_an_unreadable_picture_is_saved_without_copies():
    default_storage.save("covers/broken.png", ContentFile(b"not an image"))
    article = ArticleFactory(cover_image="covers/broken.png", cover_alt="Broken.")
    assert article.cover_variants is None
    assert article.cover_image.srcset == ""


def test_copies_are_written_to_the_bucket(media_bucket):
    article = cover_article(size=(500, 500))
    name = article.cover_image.name
    assert media_bucket.keys() == {name, variant_name(name, 240), variant_name(name, 480)}
    with Image.open(io.BytesIO(media_bucket.read(variant_name(name, 480)))) as image:
        assert (image.format, image.size) == ("WEBP", (480, 480))


def test_clinician_and_location_photos_get_copies_too():
    clinician = ClinicianFactory(photo=photo_upload(size=(600, 600)), photo_alt="A portrait.")
    location = LocationFactory(photo=photo_upload(size=(1200, 750)), photo_alt="The front door.")
    assert [v.width for v in clinician.photo.variants] == [240, 480]
    assert [v.width for v in location.photo.variants] == list(VARIANT_WIDTHS)


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_article_page_offers_the_copies_with_the_covers_size(client):
    article = cover_article()
    html = page(client, article.get_absolute_url())
    assert f'srcset="{article.cover_image.srcset}"' in html
    assert 'width="1200" height="630"' in html
    assert "sizes=" in html


def test_a_cover_without_copies_is_shown_alone_with_its_size(client):
    # Uploaded before copies were made: no record on the row.
    article = cover_article()
    Article.objects.filter(pk=article.pk).update(cover_variants=None)
    html = page(client, article.get_absolute_url())
    assert f'src="{article.cover_image.url}"' in html
    assert 'width="1200" height="630"' in html
    assert "srcset=" not in html


def test_the_team_and_locations_pages_offer_the_photos_copies(client):
    clinician = ClinicianFactory(
        photo=photo_upload(size=(600, 600)), photo_alt="A portrait.", show_on_team_page=True
    )
    location = LocationFactory(photo=photo_upload(size=(1200, 750)), photo_alt="The front door.")
    team = page(client, reverse("team"))
    locations = page(client, reverse("locations"))
    assert f'srcset="{clinician.photo.srcset}"' in team
    assert f'srcset="{location.photo.srcset}"' in locations
    assert 'width="1200" height="750"' in locations


def test_the_command_makes_copies_for_pictures_uploaded_before():
    article = cover_article()
    clinician = ClinicianFactory(photo=photo_upload(size=(600, 600)), photo_alt="A portrait.")
    Article.objects.update(cover_variants=None)
    Clinician.objects.update(photo_variants=None)
    call_command("make_image_variants", stdout=io.StringIO())
    assert [v.width for v in Article.objects.get(pk=article.pk).cover_image.variants] == list(VARIANT_WIDTHS)
    assert [v.width for v in Clinician.objects.get(pk=clinician.pk).photo.variants] == [240, 480]


def test_the_command_leaves_pictures_that_have_their_copies_alone(tmp_path):
    cover_article()
    LocationFactory()  # no photo at all
    before = sorted(tmp_path.rglob("*"))
    out = io.StringIO()
    call_command("make_image_variants", stdout=out)
    assert "for 0 pictures" in out.getvalue()
    assert sorted(tmp_path.rglob("*")) == before
    assert Location.objects.get().photo_variants is None


def test_a_copy_already_stored_is_shared_not_written_again():
    # A translation shares its original's cover: one set of copies for the two.
    first = cover_article()
    second = ArticleFactory(cover_image=first.cover_image.name, cover_alt="The same square.")
    assert second.cover_image.variants == first.cover_image.variants


def test_the_logo_is_offered_at_the_size_it_is_shown(client):
    practice = Practice.get_solo()
    practice.logo = photo_upload("logo.png", (768, 192))
    practice.save()
    html = page(client, reverse("home"))
    # Shown 3rem (48 px) tall: 192 px wide.
    assert f'srcset="{practice.logo.srcset}" sizes="192px"' in html
    assert [v.width for v in practice.logo.variants] == [240, 480, 720]


def stored_sizes(model, pk, field="photo"):
    return model.objects.filter(pk=pk).values_list(f"{field}_width", f"{field}_height").get()


def test_a_picture_stored_from_content_without_a_name_is_saved_with_its_size():
    # As the demo stores the pictures it draws: Django 5.2 left the size out of such a row, and each
    # later load of the row read the picture again.
    location = LocationFactory(photo_alt="The front door.")
    location.photo.save("front.png", ContentFile(photo_upload(size=(1200, 750)).read()), save=False)
    location.save()
    assert stored_sizes(Location, location.pk) == (1200, 750)


def test_the_command_records_the_size_of_pictures_saved_without_it():
    location = LocationFactory(photo=photo_upload(size=(1200, 750)), photo_alt="The front door.")
    practice = Practice.get_solo()
    practice.logo = photo_upload("logo.png", (768, 192))
    practice.save()
    Location.objects.update(photo_width=None, photo_height=None)
    Practice.objects.update(logo_width=None, logo_height=None)
    out = io.StringIO()
    call_command("make_image_variants", stdout=out)
    assert "Width and height recorded for 2 pictures." in out.getvalue()
    assert stored_sizes(Location, location.pk) == (1200, 750)
    assert stored_sizes(Practice, practice.pk, "logo") == (768, 192)
    call_command("make_image_variants", stdout=out)
    assert "Width and height recorded for 0 pictures." in out.getvalue()


@isolate_apps("clinic_site")
def test_a_size_field_declared_before_its_picture_is_refused_at_start_up():
    class Early(models.Model):
        width = models.PositiveIntegerField(null=True)
        picture = ResponsiveImageField(width_field="width", height_field="height", variants_field="copies")
        height = models.PositiveIntegerField(null=True)
        copies = models.JSONField(null=True)

        class Meta:
            app_label = "clinic_site"

        def __str__(self):
            return self.picture.name

    errors = Early._meta.get_field("picture").check()
    assert [(error.id, error.msg.split(":")[0]) for error in errors] == [
        ("clinic_site.E008", "'width' must be a field declared after 'picture'")
    ]


def test_the_sites_pictures_declare_their_size_fields_after_them():
    from clinic_site.management.commands.make_image_variants import responsive_fields

    assert [field.check() for _model, field in responsive_fields()] == [[]] * len(list(responsive_fields()))
