from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Articles")

    def ready(self):
        from core import pagecache, reads

        from . import page_tags
        from . import reads as most_read
        from .models import next_arrangement_time, next_scheduled_time
        from .services.reads import reads_add
        from .signal_handlers import register_signal_handlers

        register_signal_handlers(self)
        # Reads of article pages (core/reads.py counts them) are added to the hourly counts; after each flush, the
        # most-read rankings are checked again if their period has passed, and the pages that show them purged only
        # when they changed (off the request path).
        reads.register_read_sink(most_read.READ_KIND, reads_add)
        reads.register_after_flush(most_read.most_read_refresh)
        # A scheduled article appears on cached pages the moment it comes due, with no write: the page cache purges
        # what came due.
        pagecache.register_next_due(next_scheduled_time, page_tags.came_due)
        # So does a scheduled arrangement of the home page or a section's, on the pages it arranges.
        pagecache.register_next_due(next_arrangement_time, page_tags.arrangements_came_due)
