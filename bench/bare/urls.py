from django.conf import settings
from django.http import HttpResponse
from django.urls import path


def page(request):
    """A constant page of BENCH_BARE_BYTES bytes, built as core.views.bench_ceiling builds its own: no other work."""
    return HttpResponse(b"x" * settings.BENCH_BARE_BYTES, content_type="text/html; charset=utf-8")


urlpatterns = [path("", page)]
