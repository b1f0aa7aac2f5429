"""Backups and restores (clinic_site/backup.py, manage.py backup / restore): a round trip on this
database engine (SQLite, and PostgreSQL in its pass), with media on local disk and on the bucket."""

import io
import json
import os
import stat
import tarfile

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection
from post_office import mail
from post_office.models import STATUS, Email

from blog.models import Article
from clinic_site import backup
from inquiries.models import Inquiry
from outbox.models import Delivery
from tests.factories import ArticleFactory, CommentFactory, InquiryFactory

# pg_dump and psql read committed rows from their own connections. Each test ends by emptying the
# tables, and pytest-django runs such tests after all the others.
pytestmark = pytest.mark.django_db(transaction=True)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x01" * 32


@pytest.fixture(autouse=True)
def backup_dir(settings, tmp_path):
    """Archives and (unless a test asks for the bucket) media in this test's own folders."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.BACKUP_DIR = tmp_path / "backups"
    return settings.BACKUP_DIR


@pytest.fixture(params=["disk", "bucket"])
def media(request, backup_dir):
    if request.param == "bucket":
        request.getfixturevalue("media_bucket")
    return request.param


def stored_media() -> dict[str, bytes]:
    contents = {}
    for name in backup.media_names():
        with default_storage.open(name, "rb") as file:
            contents[name] = file.read()
    return contents


def rows():
    return {
        "articles": sorted(Article.objects.values_list("slug", "title", "cover_image")),
        "inquiries": sorted(Inquiry.objects.values_list("reference", "symptoms")),
        "comments": sorted(Article.objects.values_list("slug", "comments__body")),
    }


def seed():
    cover = default_storage.save("covers/2026/11/knee.png", ContentFile(PNG))
    article = ArticleFactory(slug="knee-pain", title="Knee pain", cover_image=cover, cover_alt="A knee.")
    CommentFactory(article=article, body="Helpful, thank you.")
    InquiryFactory(symptoms="Sharp pain below the kneecap")
    default_storage.save("uploads/stairs.png", ContentFile(PNG + b"stairs"))


def back_up() -> str:
    out = io.StringIO()
    call_command("backup", stdout=out)
    return out.getvalue().split("Backup written to ", 1)[1].split(" (mode 600)")[0]


def restore(path, *args) -> str:
    out = io.StringIO()
    call_command("restore", str(path), "--yes", *args, stdout=out)
    return out.getvalue()


def test_a_restore_brings_back_every_row_and_media_file_as_they_were(media):
    seed()
    before_rows, before_media = rows(), stored_media()
    archive = back_up()

    Article.objects.filter(slug="knee-pain").update(title="Changed")
    Inquiry.objects.all().delete()
    ArticleFactory(slug="written-after-the-backup")
    default_storage.delete("uploads/stairs.png")
    default_storage.save("uploads/after.png", ContentFile(PNG + b"after"))

    restore(archive)

    assert rows() == before_rows
    assert stored_media() == before_media


def test_the_archive_holds_the_database_the_media_and_a_manifest(media):
    seed()
    with tarfile.open(back_up()) as tar:
        names = set(tar.getnames())
        manifest = json.loads(tar.extractfile("manifest.json").read())
    assert manifest["format"] == "clinic-backup"
    assert manifest["engine"] == connection.vendor
    assert "0001_initial" in manifest["migrations"]["inquiries"]
    assert manifest["media"]["files"] == 2
    assert names == {
        "manifest.json",
        manifest["database"],
        "media/covers/2026/11/knee.png",
        "media/uploads/stairs.png",
    }


def test_the_archive_and_its_folder_are_readable_by_their_owner_only_whatever_the_umask(backup_dir):
    previous = os.umask(0)
    try:
        archive = back_up()
    finally:
        os.umask(previous)
    assert stat.S_IMODE(os.stat(archive).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(backup_dir).st_mode) == 0o700
    assert not list(backup_dir.glob("*.partial"))


def test_a_restore_first_backs_up_the_state_it_replaces(backup_dir):
    archive = back_up()
    InquiryFactory(reference="INQ-AFTR-BKUP")
    output = restore(archive)
    (safety,) = backup_dir.glob("pre-restore-*.tar.gz")
    assert str(safety) in output
    assert stat.S_IMODE(os.stat(safety).st_mode) == 0o600
    restore(safety, "--no-safety-backup")
    assert Inquiry.objects.filter(reference="INQ-AFTR-BKUP").exists()


def test_mail_waiting_in_the_backup_is_held_after_a_restore_and_mail_sent_is_left_alone():
    waiting = mail.send(["patient@example.com"], "clinic@example.com", subject="Your reference", message="-")
    sent = mail.send(["other@example.com"], "clinic@example.com", subject="Your reference", message="-")
    Email.objects.filter(pk=sent.pk).update(status=STATUS.sent)
    archive = back_up()
    restore(archive, "--no-safety-backup")
    assert set(Delivery.objects.held().values_list("email_id", flat=True)) == {waiting.pk}
    assert Email.objects.get(pk=sent.pk).status == STATUS.sent


def test_no_secure_link_from_before_a_restore_opens_anything_after_it(settings):
    settings.SITE_URL = "https://clinic.example"
    from inquiries import secure_links

    inquiry = InquiryFactory()
    archive = back_up()
    link = secure_links.issue_link(inquiry)
    restore(archive, "--no-safety-backup")
    token = link.split("?token=", 1)[1]
    assert secure_links.check_link(token).problem == secure_links.LinkProblem.INVALID


def test_the_cache_is_emptied_after_a_restore():
    archive = back_up()
    cache.set("a-page-of-the-old-state", "stale")
    restore(archive, "--no-safety-backup")
    assert cache.get("a-page-of-the-old-state") is None


def test_a_restore_asks_first_and_changes_nothing_without_a_yes(monkeypatch):
    archive = back_up()
    InquiryFactory(reference="INQ-KEEP-MEEE")
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="Restore cancelled; nothing was changed"):
        call_command("restore", archive, stdout=io.StringIO())
    assert Inquiry.objects.filter(reference="INQ-KEEP-MEEE").exists()


def test_a_restore_goes_on_after_a_typed_yes(monkeypatch):
    archive = back_up()
    InquiryFactory(reference="INQ-GONE-SOON")
    monkeypatch.setattr("builtins.input", lambda prompt: "yes")
    call_command("restore", archive, "--no-safety-backup", stdout=io.StringIO())
    assert not Inquiry.objects.filter(reference="INQ-GONE-SOON").exists()


def rewritten(archive, tmp_path, **manifest_changes):
    """A copy of ``archive`` whose manifest says something else."""
    copy = tmp_path / "edited.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(copy, "w:gz") as target:
        for member in source:
            content = source.extractfile(member).read()
            if member.name == "manifest.json":
                content = json.dumps({**json.loads(content), **manifest_changes}).encode()
                member.size = len(content)
            target.addfile(member, io.BytesIO(content))
    return copy


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"engine": "mysql"}, "holds a mysql database, and this site runs on"),
        ({"version": 99}, "format version 99"),
        ({"format": "something-else"}, "is not a backup made by manage.py backup"),
        (
            {"migrations": {"inquiries": ["0001_initial", "0099_from_the_future"]}},
            "made by a newer release (migrations this code does not have: inquiries.0099_from_the_future)",
        ),
    ],
)
def test_an_archive_that_does_not_fit_this_site_is_refused_and_nothing_changes(tmp_path, changes, message):
    archive = rewritten(back_up(), tmp_path, **changes)
    InquiryFactory(reference="INQ-STAY-HERE")
    with pytest.raises(CommandError) as refused:
        restore(archive)
    assert message in str(refused.value)
    assert Inquiry.objects.filter(reference="INQ-STAY-HERE").exists()


def test_a_file_that_is_not_an_archive_is_refused(tmp_path):
    junk = tmp_path / "notes.tar.gz"
    junk.write_bytes(b"not a backup at all")
    with pytest.raises(CommandError, match=r"is not a backup made by manage\.py backup"):
        restore(junk)


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        restore(tmp_path / "nowhere.tar.gz")


def test_a_database_never_migrated_is_not_backed_up(monkeypatch, backup_dir):
    monkeypatch.setattr(backup, "applied_migrations", dict)
    with pytest.raises(CommandError, match="no tables yet"):
        back_up()
    assert not backup_dir.exists()


def damaged_copy(archive, tmp_path):
    """``archive`` with its SQLite database overwritten past the header."""
    with tarfile.open(archive) as tar:
        database = json.loads(tar.extractfile("manifest.json").read())["database"]
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w:gz") as target:
        for member in source:
            content = source.extractfile(member).read()
            if member.name == database:
                content = b"SQLite format 3\x00" + b"\xff" * (len(content) - 16)
            target.addfile(member, io.BytesIO(content))
    return damaged


def test_a_restore_that_fails_changes_nothing(tmp_path):
    archive = back_up()
    ArticleFactory(slug="after-the-backup")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Something the dump's "DROP TABLE blog_article" cannot drop, half-way through the SQL.
            cursor.execute("CREATE VIEW article_titles AS SELECT title FROM blog_article")
        expected = r"not restored \(nothing changed\)"
    else:
        archive = damaged_copy(archive, tmp_path)
        expected = "damaged; nothing was changed"
    with pytest.raises(CommandError, match=expected):
        restore(archive, "--no-safety-backup")
    assert Article.objects.filter(slug="after-the-backup").exists()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("DROP VIEW article_titles")
