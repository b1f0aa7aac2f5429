from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from clinic_site import backup


class Command(BaseCommand):
    help = (
        "Replace the database and the uploaded media with a backup archive (make restore FILE=...), "
        "after writing a backup of the current state. Stop the web servers and workers first."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, metavar="FILE", help="An archive written by manage.py backup.")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")
        parser.add_argument(
            "--no-safety-backup",
            action="store_true",
            help="Do not back up the current state first (it is what a mistaken restore is undone with).",
        )

    def handle(self, *args, file, yes=False, no_safety_backup=False, **options):
        try:
            archive = backup.open_archive(file)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        if not yes:
            self._confirm(archive, safety_backup=not no_safety_backup)
        try:
            report = backup.restore_backup(archive, safety_backup=not no_safety_backup)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        if report.safety_backup:
            self.stdout.write(f"The state before the restore is in {report.safety_backup}.")
        self.stdout.write(f"Restored the database and {report.media_files} media files from {archive.path}.")
        for step in report.steps:
            self.stdout.write(f"  after the restore: {step}")

    def _confirm(self, archive, *, safety_backup: bool) -> None:
        database = connection.settings_dict["NAME"]
        self.stdout.write(
            f"This replaces the whole {archive.manifest['engine']} database {database} and every media "
            f"file with the backup made {archive.created} ({archive.media_files} media files)."
        )
        if safety_backup:
            self.stdout.write(
                f"A backup of the current state is written first, to {backup.default_directory()}."
            )
        try:
            answer = input("Type 'yes' to restore: ")
        except EOFError:
            answer = ""
        if answer.strip().lower() != "yes":
            raise CommandError("Restore cancelled; nothing was changed.")
