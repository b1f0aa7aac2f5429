from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from blog import demo as blog_demo
from blog.comments import demo as demo_comments
from clinic_site import demo as clinic_demo
from inquiries import demo as inquiries_demo


class Command(BaseCommand):
    help = (
        "Fill the database with demo content (the practice's logo, locations with photos and hours, "
        "clinicians, conditions, articles). "
        "Idempotent: running it again changes nothing. With --staff-password, also creates one "
        "demo staff account per role."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--staff-password",
            metavar="PW",
            help="Create the demo staff accounts (owner, editor, moderator, handler) with this password.",
        )
        parser.add_argument(
            "--comments",
            type=int,
            default=0,
            metavar="N",
            help="Also add N more approved comments (some of them replies) to the myofascial article.",
        )

    @transaction.atomic
    def handle(self, *args, staff_password=None, comments=0, **options):
        if comments < 0:
            raise CommandError("--comments takes a number of comments, 0 or more.")
        clinic_demo.seed_practice()
        locations = clinic_demo.seed_locations()
        clinicians = clinic_demo.seed_clinicians(locations)
        conditions = blog_demo.seed_conditions()
        articles = blog_demo.seed_articles(clinicians, conditions)
        self.stdout.write(
            f"Demo content: {len(locations)} locations, {len(clinicians)} clinicians, "
            f"{len(conditions)} conditions, {len(articles)} articles."
        )
        demo_comments.seed_comments(stdout=self.stdout, extra=comments)
        if staff_password is None:
            return
        try:
            usernames = clinic_demo.seed_staff_accounts(staff_password, clinicians)
        except ValidationError as exc:
            raise CommandError("The staff password is too weak: " + " ".join(exc.messages)) from exc
        self.stdout.write("Demo staff accounts: " + ", ".join(usernames))
        inquiries_demo.seed_routing(stdout=self.stdout)
