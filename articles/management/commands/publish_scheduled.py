from django.core.management.base import BaseCommand

from articles.services.articles import article_publish_due


class Command(BaseCommand):
    help = (
        "Record as published the scheduled articles whose time has come. Readers see them on time without it; "
        "run it from cron (every minute is fine): it is idempotent and safe to run concurrently."
    )

    def handle(self, *args, **options):
        published = article_publish_due()
        for article in published:
            self.stdout.write(f"Published #{article.pk}")
        self.stdout.write(self.style.SUCCESS(f"{len(published)} scheduled article(s) published."))
