from django.core.management.base import BaseCommand

from comments.retention import apply_retention


class Command(BaseCommand):
    help = (
        "Apply the comment retention periods: anonymise old IP addresses, drop browsers and e-mails, delete old "
        "spam and rejected comments. Idempotent and safe to run concurrently: run it daily from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count what would change, change nothing.")

    def handle(self, *args, dry_run=False, **options):
        if dry_run:
            self.stdout.write("Dry run: nothing is changed.")
        apply_retention(dry_run=dry_run, progress=self.stdout.write)
