from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic_site.signin import devices


class Command(BaseCommand):
    help = (
        "Give a staff account an authenticator app (a confirmed TOTP device) and print its otpauth:// "
        "URI, for provisioning and tests. The URI holds the secret key: keep it private."
    )

    def add_arguments(self, parser):
        parser.add_argument("usernames", nargs="+", metavar="USERNAME")
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="Keep an account's existing app and print its URI instead of adding another (make run).",
        )

    def handle(self, *args, usernames, if_missing=False, **options):
        users = get_user_model().objects.filter(username__in=usernames)
        found = {user.username: user for user in users}
        missing = [name for name in usernames if name not in found]
        if missing:
            raise CommandError("No such user: " + ", ".join(missing))
        for username in usernames:
            user = found[username]
            device = None
            if if_missing:
                device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
            if device is None:
                device = devices.add_app(user)
            self.stdout.write(f"{username}: {device.config_url}")
