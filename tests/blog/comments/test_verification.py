"""Nobody speaks as the clinic or as another commenter: each test is an attack and what stops it."""

import re
import time
from io import StringIO

import pytest
from django.test import Client
from django.urls import reverse
from post_office.models import Email

from blog.comments import verification
from blog.comments.models import Comment, VerifiedAddress
from blog.comments.spam import GUARD
from blog.models import Article
from clinic_site import antispam
from tests.blog.comments.helpers import comment_data, confirm_address
from tests.factories import ArticleFactory, ClinicianFactory, CommentFactory, LocationFactory, StaffFactory
from tests.landing import assert_said_where_reader_lands

pytestmark = pytest.mark.django_db


def post_comment(client, article, **overrides):
    return client.post(reverse("comments:create", args=[article.slug]), comment_data(**overrides))


def confirmation_emails():
    return [email for email in Email.objects.order_by("pk") if "Confirm your address" in email.subject]


def link_in(email) -> str:
    return re.search(r"https?://\S+/blog/comments/confirm/\?token=\S+", email.message).group(0)


# Speaking as the clinic


def test_the_clinics_name_and_address_are_held_for_a_moderator(client, settings):
    article = ArticleFactory()
    post_comment(
        client, article, name="Tidewater Physical Therapy", email=settings.CLINIC_EMAIL, body="Pay here"
    )
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert "reserved name" in comment.held_reason
    assert "address of the clinic" in comment.held_reason
    assert "Pay here" not in client.get(article.get_absolute_url()).content.decode()


@pytest.mark.parametrize("name", ["tidewater   PHYSICAL therapy", "Tidewater Physical Therapy team"])
def test_the_clinics_name_is_reserved_whatever_the_case_and_spacing(client, name):
    confirm_address(client, "ana@example.com")
    post_comment(client, ArticleFactory(), name=name)
    comment = Comment.objects.get(name=name)
    assert comment.status == Comment.Status.PENDING
    assert "Tidewater Physical Therapy" in comment.held_reason


def test_a_clinicians_and_a_locations_names_are_reserved_accents_ignored(client):
    ClinicianFactory(name="María Álvarez")
    LocationFactory(name="Harbor Street Clinic")
    confirm_address(client, "ana@example.com")
    for name in ["Dr. Maria Alvarez", "harbor street clinic"]:
        post_comment(client, ArticleFactory(), name=name)
        assert Comment.objects.get(name=name).status == Comment.Status.PENDING


@pytest.mark.parametrize(
    "name",
    [
        "\u0422idewater Physical Therapy",  # a Cyrillic capital Te
        "Tid\u0435w\u0430ter Physical Therapy",  # a Cyrillic ie and a
        "Maya \u039fkafor",  # a Greek capital Omicron
        "Maya 0kafor",  # a zero
        "Tidewater PhysicaI Therapy",  # a capital i for the l
        "M\u0251ya Ok\u0251for",  # Latin alphas
        "Maya Okaf\u00f8r",  # an o with a stroke
    ],
)
def test_a_reserved_name_spelled_with_look_alike_characters_is_still_reserved(client, name):
    """The hold names the name it passes for, so the moderator knows what approving it would publish."""
    assert_held_as_reserved(client, name)


@pytest.mark.parametrize("name", ["Dr. Okafor", "dra okafor", "Doctor 0kafor"])
def test_a_clinicians_family_name_with_a_title_is_reserved(client, name):
    assert_held_as_reserved(client, name)


def assert_held_as_reserved(client, name):
    """Sent from a verified browser beside the clinician Maya Okafor, ``name`` waits as reserved."""
    ClinicianFactory(name="Maya Okafor")
    confirm_address(client, "eve@example.com")
    post_comment(client, ArticleFactory(), name=name, email="eve@example.com")
    comment = Comment.objects.get(name=name)
    assert comment.status == Comment.Status.PENDING
    assert "uses the reserved name" in comment.held_reason


@pytest.mark.parametrize(
    "name",
    ["Ana Okafor", "Sandra Okafor", "Dr Ramanathan", "Sam Patelli", "Doctor Patelson", "Okaforth"],
)
def test_a_reader_whose_name_only_looks_partly_like_a_clinicians_is_not_held(client, name):
    """ "Sandra" ends in "dra"; "Ramanathan" begins with "Raman", "Patelli" with "Patel"."""
    for clinician in ("Maya Okafor", "Priya Raman", "Sam Patel"):
        ClinicianFactory(name=clinician)
    confirm_address(client, "ana@example.com")
    post_comment(client, ArticleFactory(), name=name, email="ana@example.com")
    assert Comment.objects.get(name=name).status == Comment.Status.APPROVED


def test_a_name_in_another_alphabet_alone_is_no_reserved_name(client):
    confirm_address(client, "ana@example.com")
    name = "\u0410\u043d\u043d\u0430"  # Anna, in Cyrillic
    post_comment(client, ArticleFactory(), name=name, email="ana@example.com")
    assert Comment.objects.get(name=name).status == Comment.Status.APPROVED


def test_a_staff_members_address_is_reserved(client):
    StaffFactory(email="grace@tidewater.example")
    post_comment(client, ArticleFactory(), email="Grace@Tidewater.example")
    assert "address of the clinic" in Comment.objects.get().held_reason
    assert confirmation_emails() == []


def test_a_clinic_reply_never_makes_its_address_known(client, settings):
    from blog.comments import moderation

    parent = CommentFactory()
    moderation.reply_as_clinic(parent, by=StaffFactory(), body="We are glad it helped.")
    post_comment(Client(), parent.article, name="Front desk", email=settings.CLINIC_EMAIL)
    assert Comment.objects.get(name="Front desk").status == Comment.Status.PENDING


# Speaking as another commenter


def test_a_known_commenters_address_typed_in_a_fresh_browser_waits_for_a_moderator(client):
    confirm_address(Client(), "dana@example.com")
    CommentFactory(email="dana@example.com", status=Comment.Status.APPROVED)
    article = ArticleFactory()
    post_comment(client, article, name="Dana", email="dana@example.com", body="Call this number")
    assert Comment.objects.get(body="Call this number").status == Comment.Status.PENDING


def test_the_answer_is_the_same_whether_or_not_the_address_has_commented_before():
    article = ArticleFactory()
    confirm_address(Client(), "dana@example.com")
    CommentFactory(article=article, email="dana@example.com", status=Comment.Status.APPROVED)

    def answer(email):
        client = Client()
        response = post_comment(client, article, email=email, body=f"Hello from {email}")
        page = client.get(response["Location"])
        # Each answer links to the comment it sent (to change it): the same link but for the number.
        own = Comment.objects.get(body=f"Hello from {email}").pk
        content = page.content.decode().replace(f"/blog/comments/{own}/", "/blog/comments/ID/")
        return response.status_code, response["Location"], page.status_code, content

    assert answer("dana@example.com") == answer("nobody-yet@example.com")


# The confirmation


def test_a_new_commenter_gets_a_confirmation_email_with_the_title_and_a_link_only(client):
    article = ArticleFactory(title="Neck pain at the desk")
    post_comment(client, article, body="My private story about my sciatica")
    [email] = confirmation_emails()
    assert email.to == ["ana@example.com"]
    assert "Neck pain at the desk" in email.message
    assert link_in(email)
    assert "sciatica" not in email.subject + email.message


def test_a_scanner_fetching_the_link_confirms_nothing(client):
    post_comment(client, ArticleFactory())
    link = link_in(confirmation_emails()[0])
    scanner = Client()
    response = scanner.get(link)
    assert response.status_code == 200
    assert "Confirm my address" in response.content.decode()
    assert not VerifiedAddress.objects.exists()
    assert verification.COOKIE_NAME not in scanner.cookies


def test_confirming_then_commenting_publishes_at_once_in_that_browser_only():
    article = ArticleFactory()
    browser = Client()
    post_comment(browser, article, body="First words")
    link = link_in(confirmation_emails()[0])
    token = link.split("token=", 1)[1]
    response = browser.post(reverse("comments:confirm"), {"token": token})
    assert response.status_code == 303
    assert VerifiedAddress.objects.of("ANA@example.com").exists()
    assert_said_where_reader_lands(browser, response, "Your address is confirmed.")
    assert Comment.objects.get(body="First words").status == Comment.Status.PENDING  # still moderated

    post_comment(browser, article, body="Second words")
    assert Comment.objects.get(body="Second words").status == Comment.Status.APPROVED
    post_comment(Client(), article, body="From another browser")
    assert Comment.objects.get(body="From another browser").status == Comment.Status.PENDING


def test_a_forged_or_expired_link_is_refused_with_a_clear_page(client, settings):
    response = client.post(reverse("comments:confirm"), {"token": "forged"})
    assert response.status_code == 400
    assert "not valid any more" in response.content.decode()
    settings.COMMENTS_CONFIRM_LINK_DAYS = 0
    post_comment(client, ArticleFactory())
    token = link_in(confirmation_emails()[0]).split("token=", 1)[1]
    time.sleep(1)
    assert client.post(reverse("comments:confirm"), {"token": token}).status_code == 400
    assert not VerifiedAddress.objects.exists()


def test_confirmation_emails_are_limited_per_address(client, settings):
    settings.COMMENTS_CONFIRMATIONS_PER_DAY = 2
    settings.COMMENTS_RATE_LIMIT = "100/h"
    article = ArticleFactory()
    for n in range(5):
        post_comment(Client(), article, body=f"Comment {n}")
    post_comment(Client(), article, email="other@example.com")
    assert sorted(email.to[0] for email in confirmation_emails()) == [
        "ana@example.com",
        "ana@example.com",
        "other@example.com",
    ]


def test_a_verified_browser_gets_no_new_confirmation_email(client):
    confirm_address(client, "ana@example.com")
    post_comment(client, ArticleFactory())
    assert confirmation_emails() == []


def test_deleting_a_verified_address_sends_its_browser_back_to_moderation(client):
    confirm_address(client, "ana@example.com")
    VerifiedAddress.objects.all().delete()
    post_comment(client, ArticleFactory(), body="After revocation")
    assert Comment.objects.get(body="After revocation").status == Comment.Status.PENDING


# The time trap is used once


def test_a_replayed_form_token_is_refused_and_the_text_kept(client):
    article = ArticleFactory()
    token = GUARD.make_token(at=time.time() - 30)
    assert post_comment(client, article, started=token, body="Once").status_code == 303
    response = post_comment(Client(), article, started=token, body="Twice with the same token")
    assert response.status_code == 400
    assert "already sent once" in response.content.decode()
    assert "Twice with the same token" in response.content.decode()
    assert Comment.objects.count() == 1


def test_a_replayed_page_cookie_is_refused(client):
    article = ArticleFactory()
    cookie = antispam.make_time_token(salt=antispam.PAGE_SHOWN_SALT, at=time.time() - 30)
    for body in ["first", "second"]:
        bot = Client()
        bot.cookies[antispam.PAGE_SHOWN_COOKIE] = cookie
        post_comment(bot, article, started="", body=body)
    assert list(Comment.objects.values_list("body", flat=True)) == ["first"]


def test_each_view_of_the_article_gives_a_new_time_trap_cookie(client):
    article = ArticleFactory()
    first = client.get(article.get_absolute_url()).cookies[antispam.PAGE_SHOWN_COOKIE].value
    second = client.get(article.get_absolute_url()).cookies[antispam.PAGE_SHOWN_COOKIE].value
    assert first != second


# The moderator's view


def test_the_moderators_change_page_says_whether_the_address_is_verified(admin_client):
    unverified = CommentFactory(email="new@example.com")
    verified = CommentFactory(email="ana@example.com")
    VerifiedAddress.objects.create(email="ana@example.com")

    def shown(comment):
        html = admin_client.get(reverse("admin:comments_comment_change", args=[comment.pk])).content.decode()
        return re.search(r"Address verified:.*?<img[^>]+alt=\"(True|False)\"", html, re.S).group(1)

    assert (shown(unverified), shown(verified)) == ("False", "True")


# Found by trying (look-alikes, revocation, +tags, odd input)


@pytest.mark.parametrize(
    "name",
    [
        "Tidew\u0430ter Physical Therapy",  # a Cyrillic a
        "Tidewater Physical Thera\u0440y",  # a Cyrillic r that looks like p
        "Tide\u00adwater Physical Therapy",  # soft hyphen, hidden
        "T.i.d.e.w.a.t.e.r Physical Therapy",
        "TidewaterPhysicalTherapy",
    ],
)
def test_look_alike_spellings_of_the_clinics_name_are_held_even_from_a_verified_browser(client, name):
    confirm_address(client, "eve@example.com")
    response = post_comment(client, ArticleFactory(), name=name, email="eve@example.com")
    comment = Comment.objects.filter(name=name).first()
    assert response.status_code == 400 or comment.status == Comment.Status.PENDING


def test_invisible_and_direction_characters_in_a_name_are_refused_with_the_text_kept(client):
    response = post_comment(client, ArticleFactory(), name="\u202eypareht lacisyhP retawediT", body="Kept?")
    assert response.status_code == 400
    assert "visible letters only" in response.content.decode()
    assert "Kept?" in response.content.decode()
    assert not Comment.objects.exists()


def test_a_verified_address_cannot_borrow_another_commenters_name(client):
    CommentFactory(name="Dana R.", email="dana@example.com", status=Comment.Status.APPROVED)
    confirm_address(client, "eve@example.com")
    post_comment(client, ArticleFactory(), name="Dana R.", email="eve@example.com", body="Call me")
    comment = Comment.objects.get(body="Call me")
    assert comment.status == Comment.Status.PENDING
    assert "another commenter" in comment.held_reason


@pytest.mark.parametrize(
    ("taken", "name"),
    [
        ("Dana R.", "Dana R"),
        ("Dana R.", "dana  r."),
        ("Dana R.", "DANA R\u2024"),  # a one-dot leader for the dot
        ("\u0410\u043d\u043d\u0430", "\u0410\u041d\u041d\u0410"),  # Anna in Cyrillic, in capitals
    ],
)
def test_another_commenters_name_however_spelled_is_held(client, taken, name):
    """Each reads as the name already published."""
    CommentFactory(name=taken, email="dana@example.com", status=Comment.Status.APPROVED)
    confirm_address(client, "eve@example.com")
    post_comment(client, ArticleFactory(), name=name, email="eve@example.com", body="Call me")
    comment = Comment.objects.get(body="Call me")
    assert comment.status == Comment.Status.PENDING
    assert "another commenter" in comment.held_reason


@pytest.mark.parametrize(
    ("taken", "name"), [("Elia", "Ella"), ("Lia M.", "Ila M."), ("Michai", "Micha\u0142")]
)
def test_names_that_only_share_look_alike_readings_in_another_case_are_not_held(client, taken, name):
    """A small "i" and a small "l" do not look alike; only a capital "I" and an "l" do."""
    CommentFactory(name=taken, email="other@example.com", status=Comment.Status.APPROVED)
    confirm_address(client, "ella@example.com")
    post_comment(client, ArticleFactory(), name=name, email="ella@example.com", body="Mine")
    assert Comment.objects.get(body="Mine").status == Comment.Status.APPROVED


def test_marking_a_comment_spam_revokes_its_address_and_its_old_link(client):
    from blog.comments import moderation

    post_comment(client, ArticleFactory(), body="First")
    token = link_in(confirmation_emails()[0]).split("token=", 1)[1]
    client.post(reverse("comments:confirm"), {"token": token})
    moderation.mark_spam(Comment.objects.get(body="First"), by=StaffFactory())
    assert not VerifiedAddress.objects.exists()
    assert client.post(reverse("comments:confirm"), {"token": token}).status_code == 400
    post_comment(client, ArticleFactory(), body="Again")
    assert Comment.objects.get(body="Again").status == Comment.Status.PENDING


def two_held_comments_tokens(client) -> list[str]:
    """Two comments ("First", "Second") from one browser and address, held, and the tokens of the
    confirmation links sent for each."""
    post_comment(client, ArticleFactory(), body="First")
    post_comment(client, ArticleFactory(), body="Second")
    return [link_in(email).split("token=", 1)[1] for email in confirmation_emails()]


def test_an_older_link_for_another_comment_does_not_verify_an_address_again_after_spam(client):
    """Before: a spammer who kept the links of several held comments re-verified with the next one."""
    from blog.comments import moderation

    first, second = two_held_comments_tokens(client)
    client.post(reverse("comments:confirm"), {"token": first})
    moderation.mark_spam(Comment.objects.get(body="First"), by=StaffFactory())
    assert client.post(reverse("comments:confirm"), {"token": second}).status_code == 400
    assert not VerifiedAddress.objects.exists()
    # Their next comment: a new link, made after the spam mark, and a moderator decides on it.
    post_comment(client, ArticleFactory(), body="Third")
    assert Comment.objects.get(body="Third").status == Comment.Status.PENDING


def test_deleting_the_spam_afterwards_does_not_let_an_older_link_verify_the_address_again(client):
    from blog.comments import moderation

    _first, second = two_held_comments_tokens(client)
    spam = moderation.mark_spam(Comment.objects.get(body="First"), by=StaffFactory())
    moderation.delete_comments(Comment.objects.filter(pk=spam.pk))
    assert client.post(reverse("comments:confirm"), {"token": second}).status_code == 400
    assert not VerifiedAddress.objects.exists()


def test_a_moderator_deleting_a_verified_address_also_stops_its_older_links(client, admin_client):
    first, second = two_held_comments_tokens(client)
    client.post(reverse("comments:confirm"), {"token": first})
    address = VerifiedAddress.objects.get()
    admin_client.post(reverse("admin:comments_verifiedaddress_delete", args=[address.pk]), {"post": "yes"})
    assert not VerifiedAddress.objects.exists()
    assert client.post(reverse("comments:confirm"), {"token": second}).status_code == 400
    assert not VerifiedAddress.objects.exists()


def test_a_revocation_is_forgotten_once_every_link_it_could_refuse_has_expired(settings):
    from datetime import timedelta

    from django.utils import timezone

    from blog.comments.models import RevokedAddress

    old = RevokedAddress.objects.create(
        email="old@example.com",
        revoked_at=timezone.now() - timedelta(days=settings.COMMENTS_CONFIRM_LINK_DAYS + 1),
    )
    verification.revoke("New@Example.com")
    assert list(RevokedAddress.objects.values_list("email", flat=True)) == ["new@example.com"]
    assert not RevokedAddress.objects.filter(pk=old.pk).exists()


def test_the_daily_command_forgets_expired_revocations_without_another_revoke(settings):
    """The address is kept no longer than the links' lifetime even if no address is revoked again."""
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    from blog.comments.models import RevokedAddress

    days = settings.COMMENTS_CONFIRM_LINK_DAYS
    RevokedAddress.objects.create(
        email="old@example.com", revoked_at=timezone.now() - timedelta(days=days + 1)
    )
    RevokedAddress.objects.create(email="recent@example.com", revoked_at=timezone.now() - timedelta(days=1))
    out = StringIO()
    call_command("forget_revocations", stdout=out)
    assert list(RevokedAddress.objects.values_list("email", flat=True)) == ["recent@example.com"]
    assert out.getvalue() == f"1 revoked addresses forgotten (revoked over {days} days ago).\n"


def test_a_link_confirms_only_the_address_it_was_sent_to(client):
    post_comment(client, ArticleFactory())
    token = link_in(confirmation_emails()[0]).split("token=", 1)[1]
    Comment.objects.update(email="someone.else@example.com")  # a moderator's correction
    assert client.post(reverse("comments:confirm"), {"token": token}).status_code == 400
    assert not VerifiedAddress.objects.exists()


def test_the_clinics_address_with_a_tag_is_still_the_clinics(client, settings):
    local, domain = settings.CLINIC_EMAIL.split("@")
    post_comment(client, ArticleFactory(), email=f"{local}+1@{domain}")
    assert "address of the clinic" in Comment.objects.get().held_reason
    assert confirmation_emails() == []


def test_tagged_addresses_share_their_mailboxs_daily_quota(settings):
    settings.COMMENTS_CONFIRMATIONS_PER_DAY = 1
    settings.COMMENTS_RATE_LIMIT = "100/h"
    article = ArticleFactory()
    for n in range(4):
        post_comment(Client(), article, email=f"victim+{n}@example.com")
    assert len(confirmation_emails()) == 1


def test_an_address_longer_than_the_database_holds_is_a_clear_error(client):
    response = post_comment(client, ArticleFactory(), email="a" * 250 + "@example.com")
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_a_reply_to_that_is_not_a_plain_number_is_ignored(client):
    article = ArticleFactory()
    assert client.get(article.get_absolute_url(), {"reply_to": "\u00b2"}).status_code == 200


def test_the_rate_limit_page_keeps_the_text_and_does_not_use_up_the_token(client, settings):
    settings.COMMENTS_RATE_LIMIT = "1/h"
    article = ArticleFactory()
    post_comment(client, article, body="first")
    token = GUARD.make_token(at=time.time() - 30)
    limited = post_comment(client, article, started=token, body="second, kept")
    assert limited.status_code == 429
    assert "second, kept" in limited.content.decode()
    settings.COMMENTS_RATE_LIMIT = "100/h"
    assert post_comment(client, article, started=token, body="second, kept").status_code == 303


def test_a_confirmation_is_still_said_when_its_article_is_gone_since(client):
    # The article page, and its comments section, is not there to say it: the header of the page
    # the reader gets says it instead.
    comment = CommentFactory(email="ana@example.com", status="pending")
    token = verification.confirmation_link(comment).split("token=", 1)[1]
    Article.objects.filter(pk=comment.article_id).update(status=Article.Status.DRAFT)
    response = client.post(reverse("comments:confirm"), {"token": token})
    page = client.get(response["Location"])
    assert page.status_code == 404
    assert "Your address is confirmed." in page.content.decode()


def test_the_link_of_a_comment_deleted_since_says_that_may_be_why(client):
    post_comment(client, ArticleFactory())
    token = link_in(confirmation_emails()[0]).split("token=", 1)[1]
    comment = Comment.objects.get()
    client.post(reverse("comments:delete", args=[comment.pk]))
    response = client.post(reverse("comments:confirm"), {"token": token})
    assert response.status_code == 400
    assert "or the comment it came with may have been deleted" in response.content.decode()


def test_the_pages_an_emailed_link_opens_are_kept_out_of_search_engines_and_caches(client):
    """Each holds a token that acts for its address: no search engine lists it, no cache keeps it."""
    from blog.comments import authorship, subscriptions

    comment = CommentFactory(status=Comment.Status.PENDING, email="ana@example.com")
    address = VerifiedAddress.objects.create(email="ana@example.com")
    for link in (
        verification.confirmation_link(comment),
        authorship.edit_link(comment),
        reverse("comments:delete", args=[comment.pk]) + "?token=" + authorship.token_for(comment),
        subscriptions.unsubscribe_link(address),
    ):
        response = client.get(link)
        assert response.status_code == 200, link
        assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode(), link
        assert "no-store" in response["Cache-Control"], link


def test_the_admin_says_deleting_a_verified_address_revokes_it(admin_client):
    """A moderator deciding whether to delete a confirmed address is told what it does."""
    address = VerifiedAddress.objects.create(email="reader@example.com")
    one = admin_client.get(reverse("admin:comments_verifiedaddress_delete", args=[address.pk]))
    several = admin_client.post(
        reverse("admin:comments_verifiedaddress_changelist"),
        {"action": "delete_selected", "_selected_action": [address.pk]},
    )
    for page in (one, several):
        assert page.status_code == 200
        assert "comments sent from it wait for a moderator again" in page.content.decode()
    assert VerifiedAddress.objects.exists()
