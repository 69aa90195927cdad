from django.core.management.base import BaseCommand

from articles.jobs import articles_reindex
from articles.models import Article

BATCH = 200


class Command(BaseCommand):
    help = (
        "Re-index every article for search, in background jobs of 200 articles: after a change to how Arabic is "
        "normalised or stemmed (core/arabic.py). Pages keep being served meanwhile."
    )

    def handle(self, *args, **options):
        ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), BATCH):
            articles_reindex.enqueue(ids=ids[start : start + BATCH])
        jobs = (len(ids) + BATCH - 1) // BATCH
        self.stdout.write(f"{len(ids)} articles to re-index, in {jobs} jobs.")
