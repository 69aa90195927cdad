"""The shared page cache: hits without SQL, invalidation on every kind of change (seen by another worker's cache
client), the consent banner and the comment form right on cached pages, HTTP caching headers and 304s, and what
happens when Redis or the database is down."""

import contextlib
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
import redis
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import OperationalError
from django.test import Client
from django.utils import timezone

from articles.models import Article, Tag
from articles.services.articles import article_publish, article_unpublish
from comments.models import Comment
from comments.services import comments as comment_services
from core.cache import SharedCache
from tests.factories import make_article, make_author, make_section, sign_in
from tests.redis_server import delete_prefix

pytestmark = pytest.mark.django_db
BASE_DIR = Path(__file__).resolve().parent.parent


def outcome(response):
    return response["X-Page-Cache"]


@pytest.fixture
def article():
    return make_article(headline_ar="عودة العبارات إلى الميادين")


@pytest.fixture
def editor():
    user = get_user_model().objects.create_user("hala", "hala@example.org", "unused password", is_staff=True)
    user.groups.add(Group.objects.get(name="editor"))
    return user


def test_a_second_visit_is_served_from_the_cache_without_sql(client, article, django_assert_num_queries):
    url = article.get_absolute_url()
    assert outcome(client.get(url)) == "miss"
    with django_assert_num_queries(0):
        response = client.get(url)
    assert outcome(response) == "hit" and "عودة العبارات إلى الميادين" in response.content.decode()
    for path in ["/", "/en/", article.section.get_absolute_url(), "/search/?q=العبارات", "/feed/", "/sitemap.xml"]:
        client.get(path)
        assert outcome(client.get(path)) == "hit", path


def test_a_page_stored_by_one_build_is_never_served_by_another(client, article, settings):
    """During a rolling release old and new workers share the cache: each serves only pages of its own build."""
    url = article.get_absolute_url()
    settings.NEWSROOM_BUILD_ID = "release-41"
    assert outcome(client.get(url)) == "miss" and outcome(client.get(url)) == "hit"
    settings.NEWSROOM_BUILD_ID = "release-42"
    assert outcome(client.get(url)) == "miss" and outcome(client.get(url)) == "hit"
    settings.NEWSROOM_BUILD_ID = "release-41"
    assert outcome(client.get(url)) == "hit"


def test_without_a_build_id_the_build_is_what_the_pages_are_made_of(settings, tmp_path):
    """Unset, the build is a digest of the templates, catalogs and static manifest: a change to any of them is a
    new build."""
    from core import pagecache

    settings.NEWSROOM_BUILD_ID = ""
    settings.STATIC_ROOT = tmp_path
    pagecache._content_digest.cache_clear()
    without_manifest = pagecache.build_id()
    (tmp_path / "staticfiles.json").write_text('{"paths": {"css/site.css": "css/site.abc123.css"}}')
    pagecache._content_digest.cache_clear()
    with_manifest = pagecache.build_id()
    (tmp_path / "staticfiles.json").write_text('{"paths": {"css/site.css": "css/site.def456.css"}}')
    pagecache._content_digest.cache_clear()
    assert len({without_manifest, with_manifest, pagecache.build_id()}) == 3
    pagecache._content_digest.cache_clear()


def test_cacheable_pages_tell_caches_in_front_what_they_may_do(client, article):
    response = client.get(article.get_absolute_url())
    cache_control = response["Cache-Control"]
    for directive in ("public", "max-age=0", "s-maxage=60", "stale-while-revalidate=30", "stale-if-error=86400"):
        assert directive in cache_control
    assert response["ETag"].startswith('"') and response["Last-Modified"].endswith("GMT")
    assert "Sec-GPC" in response["Vary"] and "Cookie" not in response["Vary"]
    assert client.get(article.get_absolute_url())["ETag"] == response["ETag"]  # the hit carries the same


def test_a_matching_conditional_get_gets_304(client, article):
    url = article.get_absolute_url()
    first = client.get(url)
    revalidated = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert revalidated.status_code == 304 and revalidated.content == b""
    assert revalidated["ETag"] == first["ETag"] and "s-maxage=60" in revalidated["Cache-Control"]
    assert client.get(url, headers={"If-Modified-Since": first["Last-Modified"]}).status_code == 304
    assert client.get(url, headers={"If-None-Match": '"something-else"'}).status_code == 200


def test_staff_and_previews_bypass_the_cache(client, article, editor):
    client.get(article.get_absolute_url())  # cached for readers
    sign_in(client, editor)
    client.get("/admin/")  # the desk marks the staff session (tests/test_staff_bypass.py)
    response = client.get(article.get_absolute_url())
    assert outcome(response) == "bypass" and "public" not in response.get("Cache-Control", "")
    draft = make_article(status=Article.Status.DRAFT, headline_ar="مسودة لم تنشر")
    preview = client.get(f"/preview/{draft.pk}/")
    assert preview.status_code == 200 and outcome(preview) == "bypass"
    # What staff saw was never stored for readers.
    client.logout()
    reader = Client()
    assert outcome(reader.get("/")) == "miss"


def test_unrelated_cookies_neither_split_nor_bypass_the_cache(article):
    first, second = Client(), Client()
    second.cookies["_ga"] = "GA1.1.99"
    second.cookies["theme"] = "dark"
    second.cookies["consent_id"] = secrets.token_hex(16)
    url = article.get_absolute_url()
    assert outcome(first.get(url)) == "miss"
    assert outcome(second.get(url + "?utm_source=telegram&fbclid=abc")) == "hit"


def test_each_reader_gets_the_banner_of_their_own_choice(article):
    url = article.get_absolute_url()
    newcomer, refuser = Client(), Client()
    refuser.post("/cookies/", {"choice": "reject_all"})
    assert 'id="consent-banner"' in newcomer.get(url).content.decode()
    page = refuser.get(url)
    assert outcome(page) == "miss"  # not the newcomer's copy
    assert 'id="consent-banner" tabindex="-1" aria-labelledby="consent-banner-title" hidden' in page.content.decode()
    assert outcome(refuser.get(url)) == "hit"
    assert 'aria-labelledby="consent-banner-title"\n' in newcomer.get(url).content.decode()


def test_a_cached_page_carries_no_token_and_the_form_fetches_fresh_ones(client, article):
    url = article.get_absolute_url()
    client.get(url)
    page = client.get(url)
    assert outcome(page) == "hit"
    html = page.content.decode()
    assert 'name="csrfmiddlewaretoken" value=""' in html and "Set-Cookie" not in str(page.headers)
    assert f'data-token-url="/comments/token/?article={article.pk}"' in html
    with time_machine.travel(timezone.now() + timedelta(seconds=5)):
        tokens = client.get(f"/comments/token/?article={article.pk}")
    assert tokens["Cache-Control"].startswith("max-age=0") or "no-cache" in tokens["Cache-Control"]
    body = tokens.json()
    assert body["csrf"] and body["token"] and body["token"] not in html  # fresh, not the cached page's


def test_a_response_that_sets_a_cookie_is_never_stored(client, article):
    client.cookies["csrftoken"] = "malformed"  # Django replaces it, with a Set-Cookie
    response = client.get(article.get_absolute_url())
    assert response.cookies and outcome(response) == "bypass"
    assert outcome(Client().get(article.get_absolute_url())) == "miss"


@pytest.fixture
def workers(settings, redis_url):
    """Two cache clients on one Redis (the suite's own), standing in for two gunicorn workers: `use(worker)` makes
    the page cache, the consent state and the purge go through that worker's client. Afterwards only the keys
    under this test's prefix are deleted."""
    prefix = f"test-{secrets.token_hex(4)}"
    settings.CACHES = {"default": {"BACKEND": "core.cache.SharedCache", "LOCATION": redis_url,
                                   "KEY_PREFIX": prefix}}  # fmt: skip
    one, two = (SharedCache(redis_url, {"KEY_PREFIX": prefix}) for _ in range(2))

    @contextlib.contextmanager
    def use(worker):
        with mock.patch("core.pagecache.cache", worker), mock.patch("consent.state.cache", worker):
            yield

    yield one, two, use
    delete_prefix(redis_url, prefix)


def test_without_redis_server_the_suite_says_what_to_install(monkeypatch, tmp_path):
    from tests.redis_server import redis_server

    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(RuntimeError, match=r"redis-server is not installed.*apt-get install redis-server"):
        with redis_server(tmp_path):
            pass


@pytest.fixture
def developers_redis():
    """The Redis a developer may run at 127.0.0.1:6379, with a key of this test's own in database 0; afterwards the
    key must still be there (checked after every other fixture of the test has been torn down), and only it is
    deleted."""
    developer = redis.Redis(host="127.0.0.1", port=6379, db=0, socket_connect_timeout=0.5, socket_timeout=2)
    try:
        developer.ping()
    except (redis.ConnectionError, redis.TimeoutError):
        pytest.skip("Nothing answers at 127.0.0.1:6379: there is no developer's Redis to leave alone.")
    sentinel = f"newsroom-tests-sentinel-{secrets.token_hex(8)}"
    developer.set(sentinel, "still here", ex=600)
    yield developer, sentinel
    survived = developer.get(sentinel) == b"still here"
    developer.delete(sentinel)
    developer.close()
    assert survived, "a fixture's teardown emptied the Redis at 127.0.0.1:6379"


def test_the_suite_leaves_a_developers_redis_alone(developers_redis, request):
    """Neither the workers' Redis fixture nor the autouse cache clear under the suite's settings (even with REDIS_URL
    exported) touches a Redis the suite did not start."""
    developer, sentinel = developers_redis
    request.getfixturevalue("workers")  # torn down before `developers_redis` checks again
    assert developer.get(sentinel) == b"still here", "the workers fixture emptied 127.0.0.1:6379"
    # What the autouse fixture runs, in a process whose environment names that Redis, as a developer's shell may.
    script = "import django; django.setup(); from django.core.cache import cache; cache.clear()"
    environment = {"DJANGO_SETTINGS_MODULE": "tests.settings", **os.environ, "REDIS_URL": "redis://127.0.0.1:6379/0"}
    subprocess.run([sys.executable, "-c", script], env=environment, cwd=BASE_DIR, check=True, timeout=60)
    assert developer.get(sentinel) == b"still here", "cache.clear() under tests/settings.py emptied 127.0.0.1:6379"


def test_every_change_is_seen_at_once_by_the_other_worker(workers, article, editor):
    one, two, use = workers
    assert one is not two
    reader = Client()
    url = article.get_absolute_url()

    def served_by_one(path):
        with use(one):
            reader.get(path)
            response = reader.get(path)
        return response

    def change_on_two(change):
        with use(two):
            change()

    # Published: the new article is on the home page at once.
    assert outcome(served_by_one("/")) == "hit"
    fresh = make_article(status=Article.Status.DRAFT, headline_ar="سوق دير الزور يفتح أبوابه")
    Article.objects.filter(pk=fresh.pk).update(status=Article.Status.IN_REVIEW)
    fresh.refresh_from_db()
    change_on_two(lambda: article_publish(article=fresh, by=editor))
    with use(one):
        assert "سوق دير الزور يفتح أبوابه" in reader.get("/").content.decode()

    # Edited.
    assert outcome(served_by_one(url)) == "hit"

    def edit():
        article.headline_ar = "عودة العبارات إلى الميادين بعد الإصلاح"
        article.save()

    change_on_two(edit)
    with use(one):
        assert "بعد الإصلاح" in reader.get(url).content.decode()

    # A comment approved, then taken back.
    comment = comment_services.comment_submit(article=article, name="سلمى", email="s@example.org", body="شكراً لكم")
    assert outcome(served_by_one(url)) == "hit"
    change_on_two(lambda: comment_services.comments_approve(comments=Comment.objects.filter(pk=comment.pk), by=editor))
    with use(one):
        assert "شكراً لكم" in reader.get(url).content.decode()
    served_by_one(url)
    change_on_two(lambda: comment_services.comments_reject(comments=Comment.objects.filter(pk=comment.pk), by=editor))
    with use(one):
        assert "شكراً لكم" not in reader.get(url).content.decode()

    # A correction, a tag.
    served_by_one(url)
    change_on_two(lambda: article.corrections.create(text_ar="صُحّح اسم القرية."))
    with use(one):
        assert "صُحّح اسم القرية." in reader.get(url).content.decode()
    served_by_one(url)
    change_on_two(lambda: article.tags.add("الميادين"))
    with use(one):
        assert "الميادين</a>" in reader.get(url).content.decode()

    # Unpublished: gone at once.
    served_by_one(url)
    change_on_two(lambda: article_unpublish(article=article, by=editor))
    with use(one):
        assert reader.get(url).status_code == 404
        assert "بعد الإصلاح" not in reader.get("/").content.decode()


def test_work_on_a_draft_leaves_cached_pages_alone(client, article):
    """Reporters save drafts all day: that must not empty the cache that carries a breaking story's readers."""
    section, author = make_section(), make_author()
    Tag.objects.for_name("الميادين")
    url = article.get_absolute_url()
    for path in (url, "/"):
        client.get(path)

    def still_cached():
        return [outcome(client.get(path)) for path in (url, "/")] == ["hit", "hit"]

    draft = make_article(status=Article.Status.DRAFT, section=section, authors=[author], headline_ar="مسودة أولى")
    assert still_cached()
    draft.headline_ar = "مسودة ثانية"
    draft.save()
    draft.tags.add("الميادين")
    draft.corrections.create(text_ar="ملاحظة على المسودة")
    Article.objects.filter(pk=draft.pk).update(status=Article.Status.IN_REVIEW)
    draft.refresh_from_db()
    draft.save()
    assert still_cached()
    draft.delete()
    assert still_cached()
    # What readers see still purges at once: the published article itself, edited.
    article.headline_ar = "عودة العبارات إلى الميادين بعد الإصلاح"
    article.save()
    response = client.get(url)
    assert outcome(response) == "miss" and "بعد الإصلاح" in response.content.decode()


def test_a_scheduled_article_appears_on_time_without_any_write(client, article, editor):
    later = timezone.now() + timedelta(minutes=30)
    scheduled = make_article(status=Article.Status.SCHEDULED, published_at=later, headline_ar="تقرير مجدول للنشر")
    client.get("/")
    assert outcome(client.get("/")) == "hit" and "تقرير مجدول للنشر" not in client.get("/").content.decode()
    with time_machine.travel(later + timedelta(seconds=1)):
        response = client.get("/")
        assert outcome(response) == "miss" and "تقرير مجدول للنشر" in response.content.decode()
        assert client.get(scheduled.get_absolute_url()).status_code == 200


def test_a_deleted_approved_comment_leaves_the_cached_page(client, article):
    comment = comment_services.comment_submit(article=article, name="سلمى", email="s@example.org", body="تعليق سيُحذف")
    Comment.objects.filter(pk=comment.pk).update(status=Comment.Status.APPROVED)
    from core.pagecache import pages_purge_all

    pages_purge_all()
    url = article.get_absolute_url()
    client.get(url)
    assert "تعليق سيُحذف" in client.get(url).content.decode()
    Comment.objects.get(pk=comment.pk).delete()
    assert "تعليق سيُحذف" not in client.get(url).content.decode()


def test_with_redis_down_pages_are_served_uncached(client, settings, article):
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.SharedCache",
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    for path in ["/", article.get_absolute_url(), "/en/", "/search/?q=العبارات"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert outcome(response) == "miss"
    assert client.get("/healthz").json()["status"] == "degraded"


@pytest.fixture
def hanging_redis():
    """A server on loopback that accepts connections and never answers: a Redis that hangs rather than refuses.
    Yields its address and the list of what clients sent it."""
    received = []
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve():
        listener.settimeout(0.05)
        connections = []
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                connection, _ = listener.accept()
                connection.settimeout(0.05)
                connections.append(connection)
            for connection in connections:
                with contextlib.suppress(TimeoutError, OSError):
                    if data := connection.recv(65536):
                        received.append(data)
        for connection in connections:
            connection.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"redis://127.0.0.1:{listener.getsockname()[1]}/0", received
    stop.set()
    thread.join()
    listener.close()


def test_a_hanging_redis_is_left_alone_for_a_while_then_tried_again(client, settings, article, hanging_redis):
    """The first request waits out the socket timeout once; the next ones do not ask Redis at all (each would wait
    again), and once the pause is over it is tried again."""
    location, received = hanging_redis
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.SharedCache",
            "LOCATION": location,
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2, "circuit_breaker_seconds": 0.6},
        }
    }
    url = article.get_absolute_url()
    response = client.get(url)
    assert response.status_code == 200 and outcome(response) == "miss"
    asked = len(received)
    assert asked > 0
    for path in [url, "/", "/search/?q=العبارات"]:
        response = client.get(path)
        assert response.status_code == 200 and outcome(response) == "miss"
    assert len(received) == asked  # nothing more was sent to the hanging server
    assert client.get("/healthz").json()["cache"]["error"] == "CacheUnavailable"
    time.sleep(0.7)
    assert client.get(url).status_code == 200
    assert len(received) > asked  # the pause is over: Redis is asked again


def test_the_shared_cache_builds_its_client_through_djangos_private_hook():
    """core/cache.py sets `RedisCache._class`, which Django 5.2 instantiates with OPTIONS on first use; no public
    API chooses the client class. If a Django upgrade stops doing so, the breaker is silently gone: a refused
    Redis must then be asked once, and not again while the breaker is open."""
    from core.cache import BreakerClient, CacheUnavailable

    shared = SharedCache("redis://127.0.0.1:9/0", {"OPTIONS": {"socket_connect_timeout": 0.2,
                                                               "circuit_breaker_seconds": 30}})  # fmt: skip
    with pytest.raises(redis.exceptions.ConnectionError) as refused:
        shared.get("page")
    assert not isinstance(refused.value, CacheUnavailable)  # the first call did ask Redis
    for ask in (lambda: shared.get("page"), lambda: shared.set("page", "x"), lambda: shared.get_many(["page"])):
        started = time.monotonic()
        with pytest.raises(CacheUnavailable):
            ask()
        assert time.monotonic() - started < 0.05  # refused at once, without a connection attempt
    assert type(shared._cache) is BreakerClient, "Django's RedisCache no longer builds its client from `_class`"


def test_a_cached_answer_needs_no_round_trip_to_redis(client, article, workers):
    """Once this process holds the page and the versions of what it shows (KeyMirror, _Copies), a cached answer asks
    Redis nothing: Redis tells this process when any of those versions changes. After a new policy version the
    first reader's guess of the page's key is wrong, which costs that reader one more read, and the page is then
    drawn for the new version, not taken from under the guessed key."""
    import redis as redis_py

    from consent.state import POLICY_CACHE_KEY

    one, _two, use = workers
    url = article.get_absolute_url()
    commands = []
    original = redis_py.Redis.execute_command

    def counting(self, *args, **options):
        commands.append(args[0])
        return original(self, *args, **options)

    with use(one), mock.patch.object(redis_py.Redis, "execute_command", counting):
        client.get(url)
        client.get(url)
        commands.clear()
        assert outcome(client.get(url)) == "hit"
        assert commands == []

        one.set(POLICY_CACHE_KEY, one.get(POLICY_CACHE_KEY) + 1, timeout=None)  # a new policy version in force
        commands.clear()
        response = client.get(url)
        assert commands[:2] == ["MGET", "MGET"]  # the page under the key the new version gives
        assert outcome(response) == "miss"
        assert outcome(client.get(url)) == "hit"


@pytest.mark.parametrize("cut", ["listener", "tracker"])
def test_a_cut_connection_to_redis_is_noticed_and_nothing_stale_is_served(client, article, workers, redis_url, cut):
    """A connection that hears of changes, or the one that asked for them, is cut (Redis restarted, a proxy in
    between dropped it): the next look
    notices, forgets everything it held and reads Redis, so a purge made meanwhile is seen; later it listens
    again."""
    import redis as redis_py

    from core.pagecache import _mirrored_prefixes

    one, two, use = workers
    url = article.get_absolute_url()
    with use(one):
        client.get(url)
        assert outcome(client.get(url)) == "hit"
    mirror = one.mirror(_mirrored_prefixes())
    if cut == "listener":
        redis_py.Redis.from_url(redis_url).client_kill_filter(_id=mirror.listener_id)
    else:
        redis_py.Redis.from_url(redis_url).client_kill_filter(_id=mirror.tracker_id)
    with use(two):
        article.headline_ar = "عنوان صُحّح بعد انقطاع الاتصال"
        article.save()
    with use(one):
        response = client.get(url)
        assert outcome(response) == "miss" and "بعد انقطاع الاتصال" in response.content.decode()
        assert mirror._watching is None
        mirror._retry_at = 0  # instead of waiting RETRY_SECONDS
        client.get(url)
        assert outcome(client.get(url)) == "hit" and mirror._watching is not None


def test_the_shared_cache_builds_one_redis_client_for_all_its_calls(redis_url):
    """Django's Redis cache wraps its connection pool in a new redis-py client on every call (a third of a cached
    page's time in the cache); ours builds it once, and every kind of call still works through it."""
    import redis as redis_py

    shared = SharedCache(redis_url, {"KEY_PREFIX": "one-client-test"})
    built = []
    original = redis_py.Redis.__init__

    def counting(self, *args, **kwargs):
        built.append(1)
        original(self, *args, **kwargs)

    with mock.patch.object(redis_py.Redis, "__init__", counting):
        shared.set("a", 1)
        shared.set_many({"b": 2, "c": 3})
        assert shared.get("a") == 1 and shared.get_many(["b", "c"]) == {"b": 2, "c": 3}
        assert shared.incr("a") == 2
        shared.delete_many(["a", "b", "c"])
    assert len(built) == 1
    assert shared.get("a") is None


def test_with_the_database_down_readers_get_an_arabic_503_and_the_site_recovers(client, article):
    cached, section = article.get_absolute_url(), article.section.get_absolute_url()
    client.get(cached)
    outage = mock.patch(
        "django.db.backends.base.base.BaseDatabaseWrapper.ensure_connection",
        side_effect=OperationalError("connection refused"),
    )
    with outage:
        response = client.get(cached)
        assert response.status_code == 200 and outcome(response) == "hit"  # what is cached is still served
        for path in [section, "/en/"]:
            down = client.get(path)
            assert down.status_code == 503 and down["Retry-After"] == "30"
            assert "no-cache" in down["Cache-Control"]
        arabic = client.get(section).content.decode()
        assert "لا يستطيع الموقع الوصول إلى قاعدة بياناته الآن" in arabic and "Traceback" not in arabic
        assert "The site cannot reach its database just now" in client.get("/en/").content.decode()
    assert client.get(section).status_code == 200  # no restart needed


def test_purge_pages_empties_the_cache_after_changes_behind_the_sites_back(client, article):
    """A restored backup or a fix in SQL sends no signal: `manage.py purge_pages` makes every page fresh."""
    from django.core.management import call_command

    url = article.get_absolute_url()
    client.get(url)
    Article.objects.filter(pk=article.pk).update(headline_ar="عنوان صُحّح في قاعدة البيانات مباشرة")
    assert "صُحّح في قاعدة البيانات" not in client.get(url).content.decode()  # still the cached page
    call_command("purge_pages")
    assert "صُحّح في قاعدة البيانات" in client.get(url).content.decode()


def test_the_benchmark_ceiling_exists_only_for_the_benchmark(client):
    assert client.get("/bench/ceiling").status_code == 404


def test_tracking_parameters_never_reach_another_readers_page(article):
    url = article.get_absolute_url()
    first = Client().get(url + "?mc_eid=SUBSCRIBER123&fbclid=CLICKID&utm_source=mail")
    assert "SUBSCRIBER123" not in first.content.decode() and "CLICKID" not in first.content.decode()
    second = Client().get(url)
    assert outcome(second) == "hit" and "SUBSCRIBER123" not in second.content.decode()


def test_repeated_parameters_in_another_order_are_another_page(client):
    make_article(headline_ar="تقرير عن الخبز")
    make_article(headline_ar="تقرير عن الوقود")
    client.get("/search/?q=الخبز&q=الوقود")
    assert outcome(client.get("/search/?q=الوقود&q=الخبز")) == "miss"


def test_a_long_outage_still_serves_cached_pages_and_never_500s(client, article):
    from django.core.cache import cache

    from consent.state import POLICY_CACHE_KEY

    cached = article.get_absolute_url()
    client.get(cached)
    outage = mock.patch(
        "django.db.backends.base.base.BaseDatabaseWrapper.ensure_connection",
        side_effect=OperationalError("connection refused"),
    )
    with outage:
        cache.delete(POLICY_CACHE_KEY)  # a minute later: the short-lived copy of the policy version has expired
        assert outcome(client.get(cached)) == "hit"
        missing = client.get("/no-such-page/")
        assert missing.status_code == 503 and missing["Retry-After"] == "30"


def test_a_cached_answer_carries_the_headers_of_the_page_as_drawn(client, article):
    """Cached pages are answered before any other middleware: the security headers, the CSP, the permissions policy
    and the rest come from the stored page and are those of the page as it was drawn; static files are never asked
    of the cache."""
    from django.core.cache import cache

    url = article.get_absolute_url()
    drawn = client.get(url)
    cached = client.get(url)
    assert (outcome(drawn), outcome(cached)) == ("miss", "hit")
    ignored = {"x-page-cache", "date", "content-length"}
    headers = {name.lower(): value for name, value in drawn.items() if name.lower() not in ignored}
    for name in ("content-security-policy", "permissions-policy", "referrer-policy", "x-content-type-options",
                 "x-frame-options", "cross-origin-opener-policy", "content-language", "vary"):  # fmt: skip
        assert name in headers, name
    assert {name.lower(): value for name, value in cached.items() if name.lower() not in ignored} == headers
    with mock.patch.object(cache, "get_many", wraps=cache.get_many) as get_many:
        client.get("/static/css/site.css")
    assert get_many.call_count == 0


def test_a_page_drawn_across_a_purge_is_stored_by_no_cache(client, article):
    """A change purged while the page was being drawn (the page may show the state before it): the page cache does
    not store it, and tells a cache in front not to either; the next request draws and stores it."""
    from django.db import connection

    from core.pagecache import pages_purge

    url = article.get_absolute_url()
    purges = []

    def purge_while_drawing(execute, sql, params, many, context):
        if not purges:  # another editor's change, made while this page reads the database
            purges.append(pages_purge({f"article-{article.pk}"}))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(purge_while_drawing):
        response = client.get(url)
    assert purges and outcome(response) == "miss" and response["Cache-Control"] == "no-store"
    response = client.get(url)
    assert outcome(response) == "miss" and "s-maxage" in response["Cache-Control"]
    assert outcome(client.get(url)) == "hit"


def test_a_change_made_by_another_process_reaches_this_ones_mirror_at_once(redis_url):
    """Two mirrors on one Redis, as in two workers: what one writes, the other hears of before its next read,
    without being told by this process (Redis's message alone)."""
    from core.cache import KeyMirror

    prefix = f"test-{secrets.token_hex(4)}"
    writer, reader = SharedCache(redis_url, {"KEY_PREFIX": prefix}), SharedCache(redis_url, {"KEY_PREFIX": prefix})
    try:
        mirror = KeyMirror(reader, ("pages:tag:",))
        writer.set("pages:tag:article-1", "v1", timeout=None)
        assert mirror.get_many(["pages:tag:article-1", "pages:tag:article-2"]) == {"pages:tag:article-1": "v1"}
        with mock.patch.object(reader, "get_many", side_effect=AssertionError("asked Redis")):
            assert mirror.get_many(["pages:tag:article-1", "pages:tag:article-2"]) == {"pages:tag:article-1": "v1"}
        for change in (lambda: writer.set("pages:tag:article-1", "v2", timeout=None),
                       lambda: writer.set("pages:tag:article-2", "new", timeout=None),
                       lambda: writer.delete("pages:tag:article-1")):  # fmt: skip
            change()
            keys = ["pages:tag:article-1", "pages:tag:article-2"]
            assert mirror.get_many(keys) == writer.get_many(keys)
    finally:
        delete_prefix(redis_url, prefix)


def test_the_mirror_works_over_a_unix_socket(tmp_path):
    """The mirror's connections are made as the cache's own pool makes them (here a Unix socket, as on a machine
    where Redis listens on one only)."""
    from core.cache import KeyMirror

    socket_path = tmp_path / "redis.sock"
    server = subprocess.Popen(
        ["redis-server", "--port", "0", "--unixsocket", str(socket_path), "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 10
        while not socket_path.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        cache = SharedCache(f"unix://{socket_path}", {"KEY_PREFIX": "unix"})
        mirror = KeyMirror(cache, ("pages:tag:",))
        cache.set("pages:tag:a", "v1", timeout=None)
        assert mirror.get_many(["pages:tag:a"]) == {"pages:tag:a": "v1"}
        assert mirror._watching is not None, "the mirror did not listen over the socket"
        SharedCache(f"unix://{socket_path}", {"KEY_PREFIX": "unix"}).set("pages:tag:a", "v2", timeout=None)
        assert mirror.get_many(["pages:tag:a"]) == {"pages:tag:a": "v2"}
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_the_mirror_does_not_reconnect_while_the_breaker_is_open(redis_url):
    """A Redis that stopped answering costs a reader nothing more than the breaker allows: no connection attempt
    from the mirror while it is open."""
    from core import cache as shared_cache
    from core.cache import KeyMirror

    prefix = f"test-{secrets.token_hex(4)}"
    cache = SharedCache(redis_url, {"KEY_PREFIX": prefix})
    mirror = KeyMirror(cache, ("pages:tag:",))
    shared_cache._open_until[cache._breaker_servers] = time.monotonic() + 10
    with mock.patch.object(KeyMirror, "_watch", side_effect=AssertionError("tried to connect")):
        with pytest.raises(shared_cache.CacheUnavailable):
            mirror.get_many(["pages:tag:a"])
