from django.core.management.base import BaseCommand

from articles.reads import most_read_refresh
from articles.services.articles import article_publish_due


class Command(BaseCommand):
    help = (
        "Record as published the scheduled articles whose time has come (readers see them on time without it), and "
        "work out the most-read rankings again once their period has passed; run it from cron (every minute is "
        "fine): it is idempotent and safe to run concurrently."
    )

    def handle(self, *args, **options):
        published = article_publish_due()
        for article in published:
            self.stdout.write(f"Published #{article.pk}")
        self.stdout.write(self.style.SUCCESS(f"{len(published)} scheduled article(s) published."))
        # And the most-read rankings, if their period has passed (the web workers do it too, after their flushes):
        # a site whose workers count nothing (the page cache in front answers everything) still refreshes them.
        if most_read_refresh():
            self.stdout.write("Most-read rankings worked out again.")
