from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Articles")

    def ready(self):
        from core import pagecache

        from . import page_tags
        from .models import next_scheduled_time
        from .signal_handlers import register_signal_handlers

        register_signal_handlers(self)
        # A scheduled article appears on cached pages the moment it comes due, with no write: the page cache purges
        # what came due.
        pagecache.register_next_due(next_scheduled_time, page_tags.came_due)
