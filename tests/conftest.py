import contextlib
import re

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _arabic_by_default():
    """Each test starts in Arabic, the site's default: a request under /en/ leaves English active in the thread
    (LocaleMiddleware activates a language and nothing deactivates it), which would leak into the next test."""
    translation.activate("ar")
    yield
    translation.activate("ar")


def html_root_attributes(html):
    """The `lang` and `dir` of a page's <html> element."""
    match = re.search(r"<html\b([^>]*)>", html)
    assert match, "no <html> element"
    attributes = dict(re.findall(r'(\w+)="([^"]*)"', match.group(1)))
    return attributes.get("lang"), attributes.get("dir")


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, tmp_path):
    """Uploaded photos and their renditions go to a fresh folder for each test."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "originals": {**settings.STORAGES["originals"], "OPTIONS": {"location": tmp_path / "private"}},
    }


@pytest.fixture
def editorial_groups(django_db_blocker):
    """The reporter, editor and moderator groups. A data migration makes them, but a transactional test (the
    browser tests) empties every table, groups included, when it ends: later tests get them back from here."""
    from django.apps import apps

    from articles.roles import create_groups

    with django_db_blocker.unblock():
        create_groups(apps)


@pytest.fixture
def privacy_policy(django_db_blocker):
    """Version 1 of the privacy policy, as the data migration writes it (a transactional test empties the table)."""
    import importlib

    from django.apps import apps

    from consent.models import PolicyVersion
    from consent.state import forget_policy_version

    migration = importlib.import_module("consent.migrations.0002_first_policy_and_moderator_rights")
    with django_db_blocker.unblock():
        migration.create_first_policy(apps, None)
        forget_policy_version()
        return PolicyVersion.objects.get(number=1)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (rate-limit counters live there), no copies of cached pages in this
    process and no open circuit breaker. The cache
    emptied is the suite's local memory (tests/settings.py pins it), never a Redis, which clear() would FLUSHDB."""
    from django.core.cache import cache, caches
    from django.core.cache.backends.locmem import LocMemCache

    from core import cache as shared_cache
    from core import pagecache

    shared_cache._open_until.clear()
    pagecache._copies.clear()  # checked against the cache's versions anyway: emptied so that no test leans on them
    if not isinstance(caches["default"], LocMemCache):
        pytest.fail(
            f"The default cache is {type(caches['default']).__name__}, not the local memory of tests/settings.py"
        )
    cache.clear()


@pytest.fixture(autouse=True)
def _no_reads_left_waiting():
    """Each test starts and ends with no reads waiting in this process's memory (core/reads.py: the suite flushes
    by hand, tests/settings.py), so that no test flushes another's, and nothing is flushed at exit."""
    from core.reads import reads_forget

    reads_forget()
    yield
    reads_forget()


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """A Redis server of the suite's own for the whole session (tests/redis_server.py): tests that need a real Redis
    use it, and delete only the keys they wrote."""
    from tests.redis_server import redis_server

    with contextlib.ExitStack() as stack:
        try:
            url = stack.enter_context(redis_server(tmp_path_factory.mktemp("redis")))
        except RuntimeError as error:
            pytest.fail(str(error), pytrace=False)
        yield url


@pytest.fixture
def page_queries(django_assert_num_queries):
    """`django_assert_num_queries` for a page rendered by a warm worker: the number of the policy version in force
    (which decides whether the cookie banner asks), the urgent alerts showing, the most-read rankings and the page
    cache's next due time are in the shared cache, and the page itself is not (tests/test_consent.py,
    tests/test_live_alerts.py, tests/test_most_read.py and tests/test_page_cache.py pin what a cold cache costs)."""
    from articles.reads import most_read_remember
    from consent.state import current_policy_version
    from core.pagecache import pages_purge_all
    from live.alerts import alerts_remember

    current_policy_version()
    alerts_remember()
    most_read_remember()
    pages_purge_all()
    return django_assert_num_queries


@pytest.fixture
def staff_cookies(db):
    """A real staff session's cookies, as the application set them: signed in with both factors, then a first visit
    to the desk, which marks the session (`<expires>.<hmac>`, core/staff.py). For the caches in front."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from core.staff import STAFF_COOKIE, staff_marker
    from tests.factories import sign_in

    editor = get_user_model().objects.create_user("hala", "hala@example.org", "a passphrase", is_staff=True)
    client = Client()
    sign_in(client, editor)
    assert client.get("/admin/").status_code == 200
    session_key, marker = client.cookies["sessionid"].value, client.cookies[STAFF_COOKIE].value
    assert marker == staff_marker(session_key, int(marker.partition(".")[0]))
    return session_key, marker
