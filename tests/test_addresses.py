"""cached_reverse() gives what reverse() gives, whatever the language, script prefix or URL configuration."""

import pytest
from django.urls import clear_script_prefix, path, reverse, set_script_prefix
from django.utils.translation import override

from core.addresses import cached_reverse


@pytest.mark.parametrize("language", ["ar", "en"])
def test_it_follows_the_language_and_the_script_prefix(language):
    arguments = {"pk": 12, "slug": "عودة-العبارات"}
    with override(language):
        assert cached_reverse("articles:article_detail", kwargs=arguments) == reverse(
            "articles:article_detail", kwargs=arguments
        )
        set_script_prefix("/newsroom/")
        try:
            prefixed = cached_reverse("articles:article_detail", kwargs=arguments)
        finally:
            clear_script_prefix()
    assert prefixed.startswith("/newsroom/") and prefixed.endswith(
        "/news/12/%D8%B9%D9%88%D8%AF%D8%A9-%D8%A7%D9%84%D8%B9%D8%A8%D8%A7%D8%B1%D8%A7%D8%AA/"
    )
    assert ("/en/" in prefixed) == (language == "en")


def _start(request):
    raise NotImplementedError


urlpatterns = [path("start/", _start, name="home")]  # a URL configuration of its own, for the test below


def test_it_follows_the_url_configuration(settings):
    assert cached_reverse("home") == "/"
    settings.ROOT_URLCONF = "tests.test_addresses"
    assert cached_reverse("home") == "/start/"
