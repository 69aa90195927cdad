import re

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from articles import seo
from articles.views import HomeView
from core import views
from push import views as push_views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", seo.robots_txt, name="robots_txt"),
    path("sitemap.xml", seo.sitemap, name="sitemap"),
    path("sitemap-news.xml", seo.news_sitemap, name="news_sitemap"),
    # The Web Push service worker, at the root so that its scope is the whole site.
    path("push-worker.js", push_views.service_worker, name="push_worker"),
]

# The editors' desk, in Arabic at /admin/ and in English at /en/admin/; the sign-in's second step and each staff
# member's second factors (accounts/) live under it.
urlpatterns += i18n_patterns(
    path(f"{settings.ADMIN_PATH}security/", include("accounts.urls")),
    path(f"{settings.ADMIN_PATH}passkeys/", include("django_otp_webauthn.urls", namespace="otp_webauthn")),
    path(settings.ADMIN_PATH, admin.site.urls),
    prefix_default_language=False,
)

# Arabic at `/`, English at `/en/`: the language comes from the URL alone, so every page is cacheable as is.
urlpatterns += i18n_patterns(
    path("", HomeView.as_view(), name="home"),
    path("", include("consent.urls")),
    path("", include("articles.urls")),
    path("", include("comments.urls")),
    path("", include("live.urls")),
    path("", include("newsletters.urls")),
    # The read-only JSON API: Arabic at /api/v1/, English at /en/api/v1/ (api/views.py).
    path("api/v1/", include("api.urls")),
    path("", include("push.urls")),
    prefix_default_language=False,
)

if settings.NEWSROOM_BENCH_CEILING_BYTES:
    # The benchmark's ceiling (bench/served.py): the same middleware as every page, and no work at all.
    urlpatterns.append(path("bench/ceiling", views.bench_ceiling))

if settings.NEWSROOM_SERVE_MEDIA:
    # Photo renditions on a developer's machine; in production the web server publishes MEDIA_ROOT (README.md).
    # (django.conf.urls.static.static() serves nothing with debug off, which `make run` has.)
    prefix = re.escape(settings.MEDIA_URL.lstrip("/"))
    urlpatterns.append(re_path(rf"^{prefix}(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}))

# A missing page is rendered with the site's masthead, which reads the database: during an outage it becomes the
# database-down page instead of a 500.
handler404 = "core.views.page_not_found"
