from django.core.management.base import BaseCommand

from core.pagecache import pages_changed


class Command(BaseCommand):
    help = (
        "Make every page in the shared page cache stale (a new generation), for every worker at once. Changes made "
        "through the site do this by themselves; run it after changing the database behind the site's back (a "
        "restored backup, a manual fix in SQL)."
    )

    def handle(self, *args, **options):
        pages_changed()
        self.stdout.write("Every cached page is stale now.")
