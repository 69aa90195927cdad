from django.core.management.base import BaseCommand

from articles.services.reads import reads_prune
from comments.services.retention import retention_apply
from consent.services.consents import consent_records_purge
from core.jobs import jobs_prune
from newsletters.services.subscribers import subscribers_expire


class Command(BaseCommand):
    help = (
        "Apply the retention periods: anonymise commenters' old IP addresses, drop browsers and e-mails, delete old "
        "spam and rejected comments, delete old cookie-consent records, finished background jobs, old hourly "
        "counts of reads and unconfirmed newsletter sign-ups. Idempotent and safe to run concurrently: run it daily "
        "from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count what would change, change nothing.")

    def handle(self, *args, dry_run=False, **options):
        if dry_run:
            self.stdout.write("Dry run: nothing is changed.")
        retention_apply(dry_run=dry_run, progress=self.stdout.write)
        self.stdout.write(f"Consent records deleted: {consent_records_purge(dry_run=dry_run)}")
        self.stdout.write(f"Finished jobs deleted: {jobs_prune(dry_run=dry_run)}")
        self.stdout.write(f"Hourly counts of reads deleted: {reads_prune(dry_run=dry_run)}")
        self.stdout.write(f"Unconfirmed newsletter sign-ups deleted: {subscribers_expire(dry_run=dry_run)}")
