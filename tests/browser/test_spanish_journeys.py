"""Spanish readers and patients, end to end, on a phone: the /es/ pages, the switcher, a comment and
an inquiry in Spanish, and what is stored and emailed in their language.

Each journey runs in ``page`` (the site's CSP enforced); every state it reaches is also opened in the
axe context, with the journey's cookies, and must pass axe-core."""

import re

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect
from post_office.models import Email

from blog.comments.models import Comment
from inquiries.models import Inquiry
from tests.factories import ArticleFactory

from .support import PHONE, SCREENSHOT_DIR, assert_no_axe_violations

REFERENCE = re.compile(r"INQ-[0-9A-Z]{4}-[0-9A-Z]{4}")


@pytest.fixture(autouse=True)
def _instant_people(settings):
    # The forms refuse submissions faster than a person types; a test types instantly.
    settings.COMMENTS_MIN_SECONDS = 0
    settings.COMMENTS_AUTO_APPROVE_VERIFIED = False
    settings.INQUIRIES_MIN_SECONDS = 0


@pytest.fixture(autouse=True)
def _on_a_phone(page, axe_page):
    page.set_viewport_size(PHONE)
    axe_page.set_viewport_size(PHONE)


@pytest.fixture
def original():
    return ArticleFactory(
        title="Myofascial release, explained",
        slug="myofascial-release",
        summary="What the therapist's hands do, and why.",
        body="<p>Myofascial release is a gentle, sustained pressure.</p>",
    )


@pytest.fixture
def translated(original):
    return ArticleFactory(
        language="es",
        translation_of=original,
        title="La liberación miofascial, explicada",
        slug="liberacion-miofascial",
        summary="Qué hacen las manos del terapeuta, y por qué.",
        body="<p>La liberación miofascial es una presión suave y sostenida.</p>",
    )


def spanish(name, *args):
    with translation.override("es"):
        return reverse(name, args=args)


def english(name, *args):
    with translation.override("en"):
        return reverse(name, args=args)


def screenshot(page, name):
    """The page as it is now, full length, as ``var/screenshots/<name>-<width>.png`` (no reload).
    After a click the page may still be loading its stylesheets: a full-page capture measured then
    comes out at the wrong size, so it waits for the load event as ``page.goto`` does."""
    page.wait_for_load_state("load")
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{name}-{page.viewport_size['width']}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def assert_axe_finds_nothing_on(axe_page, page):
    """Axe-core on what ``page`` shows: its URL opened in the axe context (which bypasses the CSP
    to inject axe) with the journey's cookies, at the journey's width."""
    axe_page.context.add_cookies(page.context.cookies())
    axe_page.set_viewport_size(page.viewport_size)
    axe_page.goto(page.url)
    assert_no_axe_violations(axe_page)


def test_a_spanish_reader_goes_from_the_home_page_to_an_article_then_to_its_english_original(
    page, axe_page, site_url, original, translated
):
    page.goto(site_url + spanish("home"))
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("navigation", name="Principal")).to_be_visible()
    screenshot(page, "es-home")
    assert_axe_finds_nothing_on(axe_page, page)

    page.get_by_role("link", name="La liberación miofascial, explicada").first.click()
    expect(page).to_have_url(site_url + spanish("blog:article_detail", "liberacion-miofascial"))
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", level=1)).to_have_text("La liberación miofascial, explicada")
    expect(page.locator(".article-body")).to_contain_text("presión suave y sostenida")
    expect(page.locator(".untranslated-notice")).to_have_count(0)
    screenshot(page, "es-article")
    assert_axe_finds_nothing_on(axe_page, page)

    switcher = page.locator("a.site-language")
    expect(switcher).to_have_text("English")
    switcher.click()
    expect(page).to_have_url(site_url + english("blog:article_detail", "myofascial-release"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Myofascial release, explained")
    expect(page.locator("a.site-language")).to_have_text("Español")
    screenshot(page, "es-article-switched-to-english")
    assert_axe_finds_nothing_on(axe_page, page)


def test_a_spanish_reader_of_an_untranslated_article_is_told_and_reads_it_in_english(
    page, axe_page, site_url, original
):
    page.goto(site_url + spanish("blog:article_detail", "myofascial-release"))
    expect(page).to_have_url(site_url + spanish("blog:article_detail", "myofascial-release"))
    expect(page.locator("html")).to_have_attribute("lang", "es")
    notice = page.get_by_role("note").filter(has_text="Este artículo todavía no está traducido al español")
    expect(notice).to_be_visible()
    expect(page.locator(".article-body")).to_have_attribute("lang", "en")
    expect(page.locator(".article-body")).to_contain_text("Myofascial release is a gentle")
    expect(page.get_by_role("heading", level=1)).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Deje un comentario")).to_be_visible()
    screenshot(page, "es-article-untranslated")
    assert_axe_finds_nothing_on(axe_page, page)


def test_a_spanish_reader_comments_and_is_written_to_in_spanish(page, axe_page, site_url, translated):
    page.goto(site_url + spanish("blog:article_detail", "liberacion-miofascial"))
    page.get_by_label("Nombre").fill("Lucía Ejemplo")
    page.get_by_role("textbox", name=re.compile(r"^Correo electrónico")).fill("lucia@example.com")
    body = "¿Tiene que doler la presión para que ayude?"
    page.get_by_role("textbox", name=re.compile(r"^Comentario")).fill(body)
    page.get_by_role("button", name="Enviar comentario").click()

    expect(page).to_have_url(re.compile(re.escape("/es/blog/liberacion-miofascial/#comments")))
    expect(page.locator("html")).to_have_attribute("lang", "es")
    held = page.get_by_role("status").filter(has_text="Aparecerá aquí cuando un moderador lo apruebe")
    expect(held).to_be_in_viewport()
    expect(held).to_contain_text("Le enviamos un correo")
    expect(page.get_by_text(body)).to_have_count(0)
    screenshot(page, "es-comment-held")
    assert_axe_finds_nothing_on(axe_page, page)

    comment = Comment.objects.get()
    assert comment.language == "es"
    assert comment.status == Comment.Status.PENDING
    confirmation = Email.objects.get(to__contains="lucia@example.com")
    assert "Confirme su dirección de correo electrónico para comentar" in confirmation.subject
    assert "/es/blog/comments/confirm/?token=" in confirmation.message


def test_a_spanish_patient_corrects_the_form_then_sends_an_inquiry(
    page, watch, axe_page, axe_watch, site_url
):
    url = site_url + spanish("inquiries:new")
    watch.expect_status(url, 400)
    axe_watch.expect_status(url, 400)
    page.goto(url)
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", level=1)).to_have_text("Pregunte a la clínica")
    assert_axe_finds_nothing_on(axe_page, page)

    page.get_by_label("Su nombre").fill("Lucía Ejemplo")
    page.get_by_label("Dirección de correo electrónico").fill("lucia@example.com")
    page.get_by_label("Correo electrónico", exact=True).check()
    page.get_by_label("¿Desde cuándo los tiene?").fill("Tres semanas")
    page.get_by_label(re.compile("Acepto que la clínica guarde")).check()
    page.get_by_role("button", name="Enviar mi consulta").click()

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Revise el formulario")
    expect(alert).to_contain_text("¿Qué síntomas tiene? — Este campo es obligatorio.")
    expect(page.get_by_label("Su nombre")).to_have_value("Lucía Ejemplo")
    screenshot(page, "es-inquiry-errors")
    # The same mistake in the axe context: a form sent back is not a page a GET opens.
    axe_page.goto(url)
    axe_page.get_by_role("button", name="Enviar mi consulta").click()
    expect(axe_page.get_by_role("alert")).to_contain_text("Revise el formulario")
    assert_no_axe_violations(axe_page)

    page.get_by_label("¿Qué síntomas tiene?").fill("La zona lumbar rígida cada mañana.")
    page.get_by_label(re.compile("Acepto que la clínica guarde")).check()
    page.get_by_role("button", name="Enviar mi consulta").click()

    expect(page).to_have_url(site_url + spanish("inquiries:thanks"))
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", level=1)).to_have_text("Gracias, hemos recibido su consulta")
    reference = page.locator(".inquiry-reference").inner_text()
    assert REFERENCE.fullmatch(reference)
    screenshot(page, "es-inquiry-thanks")
    assert_axe_finds_nothing_on(axe_page, page)

    inquiry = Inquiry.objects.get()
    assert inquiry.reference == reference
    assert inquiry.language == "es"
    acknowledgement = Email.objects.get(to__contains="lucia@example.com")
    assert acknowledgement.subject.startswith("Recibimos su consulta")
    assert reference in acknowledgement.subject
