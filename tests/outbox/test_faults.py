"""A mail server that is down or hung delays mail and loses none of it (through Django's SMTP backend)."""

import pytest
from post_office.models import STATUS, Email, Log

from tests.outbox.conftest import use_backend
from tests.outbox.smtp import FakeSMTP, HungServer

pytestmark = pytest.mark.django_db

SMTP = "django.core.mail.backends.smtp.EmailBackend"
# Ports of this suite's own servers (8650-8699 is the range the outbox tests use).
DOWN_PORT, HUNG_PORT, UP_PORT = 8651, 8652, 8653


@pytest.fixture
def smtp_to(settings):
    def point_at(port):
        use_backend(settings, SMTP, MAX_RETRIES=5)
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_TIMEOUT = 1

    return point_at


def counts():
    return {
        "waiting": Email.objects.filter(status__in=[STATUS.queued, STATUS.requeued]).count(),
        "sent": Email.objects.filter(status=STATUS.sent).count(),
        "failed": Email.objects.filter(status=STATUS.failed).count(),
    }


def test_a_mail_server_that_is_down_delays_mail_and_loses_none(smtp_to, queue, mail_worker):
    emails = queue(3)
    smtp_to(DOWN_PORT)
    mail_worker.run()
    assert counts() == {"waiting": 3, "sent": 0, "failed": 0}
    assert set(Log.objects.values_list("exception_type", flat=True)) == {"ConnectionRefusedError"}

    smtp_to(UP_PORT)
    with FakeSMTP(UP_PORT) as server:
        mail_worker.make_due()
        mail_worker.run()
    assert counts() == {"waiting": 0, "sent": 3, "failed": 0}
    assert server.copies() == {email.message_id: 1 for email in emails}


def test_a_mail_server_that_never_answers_delays_mail_and_loses_none(smtp_to, queue, mail_worker):
    emails = queue(2)
    smtp_to(HUNG_PORT)
    with HungServer(HUNG_PORT) as hung:
        mail_worker.run()  # each attempt gives up after EMAIL_TIMEOUT instead of waiting for ever
    assert len(hung.accepted) == 2
    assert counts() == {"waiting": 2, "sent": 0, "failed": 0}
    assert set(Log.objects.values_list("exception_type", "message")) == {
        ("SMTPServerDisconnected", "Connection unexpectedly closed: timed out")
    }

    smtp_to(UP_PORT)
    with FakeSMTP(UP_PORT) as server:
        mail_worker.make_due()
        mail_worker.run()
    assert counts() == {"waiting": 0, "sent": 2, "failed": 0}
    assert server.copies() == {email.message_id: 1 for email in emails}
