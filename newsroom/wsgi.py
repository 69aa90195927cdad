import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

django_application = get_wsgi_application()

from core.pagecache import PageCacheApplication  # noqa: E402 (imported once Django is set up)

# Cached pages are answered before Django's request handling (core/pagecache.py, PageCacheApplication).
application = PageCacheApplication(django_application)
