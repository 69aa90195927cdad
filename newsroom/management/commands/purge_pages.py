from django.core.management.base import BaseCommand

from core.pagecache import pages_purge, pages_purge_all


class Command(BaseCommand):
    help = (
        "Make cached pages stale, in the shared page cache and in the HTTP cache in front if one is configured, for "
        "every worker at once: every page, or only those with the given tags (article-12, section-3-list…: "
        "articles/page_tags.py). Changes made through the site purge what they change by themselves; run it after "
        "changing the database behind the site's back (a restored backup, a manual fix in SQL)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--tag", action="append", dest="tags", default=[], help="Only pages with this tag.")

    def handle(self, *args, tags, **options):
        if tags:
            pages_purge(tags)
            self.stdout.write(f"Cached pages with these tags are stale now: {', '.join(sorted(tags))}")
        else:
            pages_purge_all()
            self.stdout.write("Every cached page is stale now.")
