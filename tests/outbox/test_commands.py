"""manage.py hold_queued_mail: after a restore, nothing goes out again without a person deciding; and
django-post-office's send_queued_mail, which would send around the worker, does not run."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from post_office.models import STATUS, Email

from outbox.models import Delivery

pytestmark = pytest.mark.django_db


def hold(*args):
    out = StringIO()
    call_command("hold_queued_mail", *args, stdout=out)
    return out.getvalue()


def test_it_holds_every_email_not_yet_sent_and_says_how_many(queue, mail_worker, mailoutbox):
    sent, *waiting = queue(3)
    Email.objects.filter(pk=sent.pk).update(status=STATUS.sent)
    output = hold()
    assert output.startswith("2 emails put on hold")
    mail_worker.run()
    assert mailoutbox == []
    assert Delivery.objects.held().get(email=waiting[0]).hold_reason.startswith("Held after a restore")


def test_it_holds_emails_queued_before_deliveries_existed(queue):
    """A backup from before this release has queued emails with no delivery record."""
    queue()
    Delivery.objects.all().delete()
    assert hold("--reason", "Restored from the Monday backup").startswith("1 emails put on hold")
    assert Delivery.objects.held().get().hold_reason == "Restored from the Monday backup"


def test_running_it_again_holds_nothing_more(queue):
    queue()
    hold()
    assert hold().startswith("0 emails put on hold")


def test_post_offices_own_sending_command_refuses_and_sends_nothing(queue, mailoutbox):
    """It would send held emails too, more than once, and keep their links readable."""
    queue()
    hold()
    queue()
    for options in (
        [],
        ["--processes", "2", "-L", "/tmp/mail.lock", "-l", "1"],
        ["--lockfile=/x", "--log-level=0"],
    ):
        with pytest.raises(CommandError, match="task worker"):
            call_command("send_queued_mail", *options)
    assert mailoutbox == []
    assert not Email.objects.filter(status=STATUS.sent).exists()
