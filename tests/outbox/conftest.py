import pytest
from post_office import mail

LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
BROKEN = "tests.inquiries.backends.BrokenEmailBackend"


@pytest.fixture(autouse=True)
def _mail_settings(settings):
    settings.POST_OFFICE = {**settings.POST_OFFICE, "BACKENDS": {"default": LOCMEM}}


def use_backend(settings, backend, **options):
    settings.POST_OFFICE = {**settings.POST_OFFICE, "BACKENDS": {"default": backend}, **options}


@pytest.fixture
def queue():
    """Queue ``n`` emails as the site does (post_office's mail.send), one address each."""

    def make(n=1, **kwargs):
        return [
            mail.send(
                [f"patient{i}@example.com"],
                "clinic@example.com",
                subject="Your reference",
                message="Hello",
                **kwargs,
            )
            for i in range(n)
        ]

    return make
