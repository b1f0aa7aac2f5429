from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from clinic_site import backup


class Command(BaseCommand):
    help = (
        "Write the database and the uploaded media to one archive (mode 600) in DJANGO_BACKUP_DIR "
        "(var/backups/; make backup). It holds patients' health details: keep it encrypted and off "
        "the server."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output-dir",
            type=Path,
            help=f"Where to write the archive (default {backup.default_directory()}).",
        )

    def handle(self, *args, output_dir=None, **options):
        try:
            path = backup.create_backup(directory=output_dir)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Backup written to {path} (mode 600).")
