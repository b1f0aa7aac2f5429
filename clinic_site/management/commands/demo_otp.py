from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic_site.signin import devices


class Command(BaseCommand):
    help = (
        "Print the code a staff account's authenticator app shows now (demo and development only: "
        "refused with DJANGO_DEBUG off)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", metavar="USERNAME")

    def handle(self, *args, username, **options):
        if not settings.DEBUG:
            raise CommandError(
                "demo_otp works only with DJANGO_DEBUG=true: it would defeat the second factor."
            )
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No such user: {username}")
        device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
        if device is None:
            raise CommandError(f"{username} has no authenticator app: run `manage.py mfa_totp {username}`.")
        self.stdout.write(devices.current_code(device))
