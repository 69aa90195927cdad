"""The site's URLs plus two views that fail on purpose, for the error-page tests."""

from django.conf.urls.i18n import i18n_patterns
from django.core.exceptions import PermissionDenied
from django.urls import path

from newsroom.urls import urlpatterns as site_urlpatterns


def fail(request):
    raise RuntimeError("a bug that must not reach the reader")


def forbid(request):
    raise PermissionDenied


urlpatterns = [
    *site_urlpatterns,
    *i18n_patterns(path("fail/", fail), path("forbid/", forbid), prefix_default_language=False),
]
