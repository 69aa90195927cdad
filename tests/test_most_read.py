"""Most read («الأكثر قراءة»): reads counted on the server per article and hour, cached pages included, with no cookie
or identifier; the lists on the article page, refreshed without purging every page at every read; the numbers on
the desk; and what the privacy policy says of it."""

import logging
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import call_command
from django.db import OperationalError
from django.test import Client
from django.utils import timezone

from articles import reads as most_read
from articles.models import Article, ArticleReads
from articles.services.articles import article_unpublish
from articles.services.reads import reads_add, reads_add_plainly, reads_prune
from core import pagecache
from core import reads as counting
from core.staff import STAFF_COOKIE
from tests.factories import make_article, make_staff, sign_in

pytestmark = pytest.mark.django_db

BROWSER = (
    "Mozilla/5.0 (Linux; Android 14; SM-A546B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile "
    "Safari/537.36"
)
# Tomorrow at noon and a minute, UTC (after the test articles' publication): the refresh boundaries (every 600 s)
# fall at 12:10, 12:20…
NOON = (datetime.now(UTC) + timedelta(days=1)).replace(hour=12, minute=1, second=0, microsecond=0)


def hour_of(moment):
    return moment.replace(minute=0, second=0, microsecond=0)


@pytest.fixture
def reader():
    """A reader's browser: the test client with a browser's User-Agent (the bare client sends none, as scripts do)."""
    return Client(headers={"User-Agent": BROWSER})


@pytest.fixture
def article():
    return make_article(headline_ar="قوارب الصيد تعود إلى الفرات", headline_en="Fishing boats return to the river")


def counted():
    """The reads waiting in this process, by (kind, pk): what the next flush hands over."""
    totals = {}
    for (kind, pk, _hour), reads in counting.reads_pending().items():
        totals[(kind, pk)] = totals.get((kind, pk), 0) + reads
    return totals


def stored(article):
    return dict(ArticleReads.objects.filter(article=article).values_list("hour", "reads"))


def read(article, pk_reads_by_hour):
    """Stored reads of `article`: {hour: reads}."""
    for hour, reads in pk_reads_by_hour.items():
        ArticleReads.objects.create(article=article, hour=hour_of(hour), reads=reads)


# Counting.


def test_a_readers_get_counts_once_whether_drawn_or_cached(reader, article):
    url = article.get_absolute_url()
    assert reader.get(url)["X-Page-Cache"] == "miss"
    assert counted() == {("article", article.pk): 1}
    assert reader.get(url)["X-Page-Cache"] == "hit"
    assert reader.get(f"/en{url}")["X-Page-Cache"] == "miss"  # another language's page, the same article
    assert counted() == {("article", article.pk): 3}
    assert counting.reads_flush() == 3
    assert counted() == {}
    assert stored(article) == {hour_of(timezone.now()): 3}


def test_the_stored_page_keeps_what_it_is_a_read_of(reader, article):
    reader.get(article.get_absolute_url())
    reader.get("/")
    kept = [page.get("read") for page in pagecache._copies._pages.values()]
    assert sorted(kept, key=str) == [None, ["article", article.pk]]


@pytest.mark.django_db(transaction=True)
def test_the_answer_given_before_django_counts_too(privacy_policy):
    from tests.test_wsgi_front import wsgi_get

    article = make_article()
    url = article.get_absolute_url()
    assert wsgi_get(url, User_Agent=BROWSER)[1]["X-Page-Cache"] == "miss"
    _status, headers, _body = wsgi_get(url, User_Agent=BROWSER)
    assert headers["X-Page-Cache"] == "hit"  # answered by PageCacheApplication, before Django's handler
    wsgi_get(url, User_Agent="Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)")
    wsgi_get(url, User_Agent=BROWSER, Sec_Purpose="prefetch")
    assert counted() == {("article", article.pk): 2}
    counting.reads_flush()
    assert sum(stored(article).values()) == 2


def test_with_the_page_cache_off_reads_are_counted_too(reader, article, settings):
    settings.NEWSROOM_PAGE_CACHE = False
    for _ in range(2):
        assert reader.get(article.get_absolute_url())["X-Page-Cache"] == "bypass"
    assert counted() == {("article", article.pk): 2}


def test_counting_switched_off_counts_nothing(reader, article, settings):
    settings.NEWSROOM_COUNT_READS = False
    reader.get(article.get_absolute_url())
    reader.get(article.get_absolute_url())
    assert counted() == {}


def test_reads_land_in_the_hour_they_were_made_and_add_up(reader, article):
    url = article.get_absolute_url()
    with time_machine.travel(NOON.replace(minute=15), tick=False):
        reader.get(url)
        reader.get(url)
    with time_machine.travel(NOON.replace(minute=55), tick=False):
        reader.get(url)
        counting.reads_flush()
    with time_machine.travel(NOON.replace(hour=13, minute=5), tick=False):
        reader.get(url)
        counting.reads_flush()
    assert stored(article) == {NOON.replace(minute=0): 3, NOON.replace(hour=13, minute=0): 1}


def test_staff_reading_count_nothing(article, staff_cookies):
    session_key, marker = staff_cookies
    staff = Client(headers={"User-Agent": BROWSER})
    staff.cookies["sessionid"] = session_key
    staff.cookies[STAFF_COOKIE] = marker
    counting.reads_forget()  # signing in visited the desk
    url = article.get_absolute_url()
    assert staff.get(url)["X-Page-Cache"] == "bypass"
    assert counted() == {}


def test_staff_count_nothing_with_the_page_cache_off_either(article, staff_cookies, settings):
    settings.NEWSROOM_PAGE_CACHE = False
    session_key, marker = staff_cookies
    staff = Client(headers={"User-Agent": BROWSER})
    staff.cookies["sessionid"] = session_key
    staff.cookies[STAFF_COOKIE] = marker
    staff.get(article.get_absolute_url())
    assert counted() == {}


def test_head_and_revalidations_count_nothing(reader, article):
    url = article.get_absolute_url()
    first = reader.get(url)
    counting.reads_forget()
    assert reader.head(url).status_code == 200
    assert reader.get(url, headers={"If-None-Match": first["ETag"]}).status_code == 304
    assert counted() == {}


@pytest.mark.parametrize(
    "agent",
    [
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "curl/8.5.0",
        "python-requests/2.32.3",
        "",
    ],
    ids=["googlebot", "bingbot", "gptbot", "facebook", "curl", "python-requests", "none"],
)
def test_crawlers_and_scripts_count_nothing(article, agent):
    client = Client(headers={"User-Agent": agent} if agent else {})
    url = article.get_absolute_url()
    client.get(url)
    client.get(url)  # from the cache
    assert counted() == {}


@pytest.mark.parametrize(
    "headers",
    [{"Sec-Purpose": "prefetch"}, {"Sec-Purpose": "prefetch;prerender"}, {"Purpose": "prefetch"},
     {"X-Moz": "prefetch"}, {"X-Purpose": "preview"}],
    ids=["sec-purpose", "sec-purpose-prerender", "purpose", "x-moz", "x-purpose"],
)  # fmt: skip
def test_prefetches_and_prerenders_count_nothing(reader, article, headers):
    url = article.get_absolute_url()
    reader.get(url, headers=headers)
    reader.get(url, headers=headers)  # from the cache
    assert counted() == {}
    reader.get(url)  # the reader then opens it
    assert counted() == {("article", article.pk): 1}


def test_counting_sets_no_cookie_and_reads_none(article):
    """The same count, and no Set-Cookie, whatever cookies a reader carries; and what is kept is (kind, id, hour)
    → number only: nothing of the request."""
    url = article.get_absolute_url()
    plain = Client(headers={"User-Agent": BROWSER})
    with_cookies = Client(headers={"User-Agent": BROWSER})
    with_cookies.cookies["consent_id"] = "b6f0c1d2e3"
    with_cookies.cookies["_ga"] = "GA1.2.3.4"
    for client in (plain, with_cookies, plain, with_cookies):
        response = client.get(url)
        assert not response.cookies and "Set-Cookie" not in response
        assert "cookie" not in response.get("Vary", "").lower()
    assert counted() == {("article", article.pk): 4}
    ((kind, pk, hour),) = counting.reads_pending()
    assert (kind, pk) == ("article", article.pk) and hour % 3600 == 0
    meta = {"HTTP_USER_AGENT": BROWSER}
    assert counting.reader_request(meta) is counting.reader_request({**meta, "HTTP_COOKIE": "consent_id=x; _ga=y"})


def test_pages_other_than_the_article_page_count_nothing(reader, article, editorial_groups):
    for path in ["/", "/en/", article.section.get_absolute_url(), "/search/?q=قوارب", "/feed/", "/privacy/"]:
        assert reader.get(path).status_code == 200, path
    editor = make_staff("hala", "editor")
    sign_in(reader, editor)
    reader.get(f"/preview/{article.pk}/")
    assert counted() == {}


def test_a_wrong_address_redirects_and_counts_nothing(reader, article):
    assert reader.get(f"/news/{article.pk}/wrong-slug/").status_code == 301
    assert counted() == {}


# What the buffer does: fork safety, the thread, failures.


def test_a_forked_worker_drops_its_parents_counts_and_starts_its_own(reader, article):
    reader.get(article.get_absolute_url())
    counting._buffer.pid = -1  # as a child sees its parent's buffer after a fork
    reader.get(article.get_absolute_url())
    assert counted() == {("article", article.pk): 1}


def test_each_process_starts_one_flushing_thread_when_asked_to(settings):
    settings.NEWSROOM_READS_FLUSH_SECONDS = 10
    counting._buffer.pid = -1  # a new process
    with mock.patch("core.reads.threading.Thread") as thread:
        counting.read_counted("article", 1)
        counting.read_counted("article", 1)
    thread.assert_called_once()
    assert thread.call_args.kwargs["daemon"] is True and thread.call_args.kwargs["args"] == (10,)
    counting.reads_forget()


def test_a_failing_database_during_a_flush_is_logged_and_the_counts_dropped(reader, article, caplog):
    reader.get(article.get_absolute_url())
    with (
        mock.patch("articles.services.reads.connection.cursor", side_effect=OperationalError("database is locked")),
        caplog.at_level(logging.WARNING, logger="core.reads"),
    ):
        assert counting.reads_flush() == 1  # no exception
    assert "1 reads of article pages not recorded (dropped)" in caplog.text
    assert counted() == {} and not ArticleReads.objects.exists()
    reader.get(article.get_absolute_url())
    counting.reads_flush()  # the next flush works again
    assert sum(stored(article).values()) == 1


def test_counting_that_fails_never_fails_the_page(reader, article, caplog):
    url = article.get_absolute_url()
    with mock.patch("core.reads.reader_request", side_effect=RuntimeError("broken")):
        assert reader.get(url).status_code == 200  # drawn
        assert reader.get(url).status_code == 200  # from the cache
    assert "A read was not counted" in caplog.text and counted() == {}


def test_reads_of_a_kind_nobody_stores_are_logged_and_dropped(caplog):
    counting.read_counted("gallery", 3)
    with caplog.at_level(logging.WARNING, logger="core.reads"):
        assert counting.reads_flush() == 1
    assert "no sink registered for 'gallery'" in caplog.text


def test_with_redis_down_the_article_page_is_served_and_its_reads_counted(reader, article, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.SharedCache",
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    read(article, {timezone.now(): 4})
    for _ in range(2):
        response = reader.get(article.get_absolute_url())
        assert response.status_code == 200
        assert 'class="most-read"' in response.content.decode()  # the rankings read from the database
    assert counted() == {("article", article.pk): 2}
    counting.reads_flush()
    assert sum(stored(article).values()) == 6


# Storing: the upsert and its parity with the plain ORM.


def test_the_upsert_adds_what_the_plain_orm_version_adds():
    first, second, gone = make_article(), make_article(), make_article()
    gone_pk = gone.pk
    gone.delete()
    hour = hour_of(timezone.now())
    batches = [
        {(first.pk, hour): 3, (second.pk, hour - timedelta(hours=1)): 1, (gone_pk, hour): 7},
        {(first.pk, hour): 2, (second.pk, hour): 5},
        {(first.pk, hour - timedelta(days=2)): 1},
    ]
    results = {}
    for add in (reads_add, reads_add_plainly):
        ArticleReads.objects.all().delete()
        for batch in batches:
            add(batch)
        results[add.__name__] = sorted(ArticleReads.objects.values_list("article_id", "hour", "reads"))
    assert results["reads_add"] == results["reads_add_plainly"]
    assert (first.pk, hour, 5) in results["reads_add"]
    assert all(pk != gone_pk for pk, _hour, _reads in results["reads_add"])


def test_counts_older_than_the_retention_period_are_deleted(settings, capsys):
    settings.NEWSROOM_READS_RETENTION_DAYS = 400
    article = make_article()
    now = timezone.now()
    read(article, {now - timedelta(days=401): 2, now - timedelta(days=399): 3})
    assert reads_prune(dry_run=True) == 1 and ArticleReads.objects.count() == 2
    call_command("apply_retention")
    assert "Hourly counts of reads deleted: 1" in capsys.readouterr().out
    assert list(ArticleReads.objects.values_list("reads", flat=True)) == [3]
    assert reads_prune() == 0  # idempotent


# The rankings.


def test_most_read_orders_by_reads_in_each_window():
    with time_machine.travel(NOON, tick=False):
        now = timezone.now()
        today, lately, last_week, long_ago = (make_article(headline_ar=name) for name in ("أ", "ب", "ج", "د"))
        read(today, {now: 10, now - timedelta(hours=3): 5})  # 15 within the day
        read(lately, {now - timedelta(hours=23): 12, now - timedelta(hours=30): 20})  # 12 within the day, 32 in all
        read(last_week, {now - timedelta(days=6, hours=22): 40})
        read(long_ago, {now - timedelta(days=7, hours=1): 100})  # outside both windows
        visible = Article.objects.published()
        day = list(visible.most_read(now - timedelta(hours=24)))
        week = list(visible.most_read(now - timedelta(days=7)))
    assert [(article.pk, article.read_count) for article in day] == [(today.pk, 15), (lately.pk, 12)]
    assert [article.pk for article in week] == [last_week.pk, lately.pk, today.pk]


def test_most_read_breaks_ties_by_the_newest_and_keeps_five():
    now = timezone.now()
    articles = [make_article(published_at=now - timedelta(hours=10 - number)) for number in range(7)]
    for article in articles:
        read(article, {now: 3})
    ranked = list(Article.objects.published().most_read(now - timedelta(hours=24)))
    assert [article.pk for article in ranked] == [article.pk for article in reversed(articles)][:5]


def test_the_rankings_hold_what_readers_of_each_language_may_see(article):
    arabic_only = make_article()
    draft = make_article(status=Article.Status.DRAFT)
    for each in (article, arabic_only, draft):
        read(each, {timezone.now(): 5})
    assert set(most_read.ranking("ar")["day"]) == {article.pk, arabic_only.pk}
    assert most_read.ranking("en")["day"] == [article.pk]


def test_an_unpublished_article_leaves_the_box_at_once(reader, article, editorial_groups):
    other = make_article(headline_ar="سوق الخضار يفتح أبوابه")
    read(article, {timezone.now(): 9})
    read(other, {timezone.now(): 4})
    most_read.most_read_remember()
    page = reader.get(other.get_absolute_url()).content.decode()
    assert "قوارب الصيد تعود إلى الفرات" in box_of(page)
    article_unpublish(article=article, by=make_staff("hala", "editor"))
    page = reader.get(other.get_absolute_url())
    assert page["X-Page-Cache"] == "miss"  # purged through the article's own tag
    assert "قوارب الصيد تعود إلى الفرات" not in box_of(page.content.decode())


def test_a_new_headline_for_a_most_read_article_refreshes_the_box(reader, article):
    other = make_article(headline_ar="سوق الخضار يفتح أبوابه")
    read(article, {timezone.now(): 9})
    url = other.get_absolute_url()
    reader.get(url)
    assert reader.get(url)["X-Page-Cache"] == "hit"
    article.headline_ar = "قوارب الصيد تعود إلى الفرات بعد أشهر"
    article.save()
    page = reader.get(url)
    assert page["X-Page-Cache"] == "miss" and "بعد أشهر" in box_of(page.content.decode())


def test_a_live_entry_on_a_most_read_story_leaves_the_other_article_pages_cached(reader, article, editorial_groups):
    """Every entry changes the live story's card (its «updated» time), which the box does not show: the box's pages
    carry its headline's tag, not its card's."""
    from live.services.coverage import coverage_start
    from live.services.entries import entry_post

    editor = make_staff("hala", "editor")
    coverage_start(article=article, by=editor)
    other = make_article(headline_ar="سوق الخضار يفتح أبوابه")
    read(article, {timezone.now(): 9})
    url = other.get_absolute_url()
    assert "قوارب الصيد" in box_of(reader.get(url).content.decode())
    entry_post(article=article, by=editor, text="وصلت العبّارة الثالثة إلى الضفة الشرقية.")
    assert reader.get(url)["X-Page-Cache"] == "hit"


def box_of(html):
    start = html.index('class="most-read"')
    return html[start : html.index("</aside>", start)]


# The box on the article page, and the function the home page calls.


def test_the_box_shows_both_lists_on_the_article_page(reader, article):
    other = make_article(headline_ar="سوق الخضار يفتح أبوابه", headline_en="The vegetable market opens")
    read(article, {timezone.now(): 9})
    read(other, {timezone.now() - timedelta(days=3): 20})
    response = reader.get(other.get_absolute_url())
    box = box_of(response.content.decode())
    assert "الأكثر قراءة" in box and "آخر 24 ساعة" in box and "آخر 7 أيام" in box
    day, week = box.split("آخر 7 أيام")
    assert "قوارب الصيد" in day and "سوق الخضار" not in day  # not read in the last 24 hours
    assert week.index("سوق الخضار") < week.index("قوارب الصيد")
    tags = response["Surrogate-Key"].split()
    assert "most-read" in tags and f"article-{article.pk}-headline" in tags and f"article-{article.pk}" not in tags
    english = reader.get(f"/en{article.get_absolute_url()}").content.decode()
    assert "Most read" in box_of(english) and "Fishing boats return to the river" in box_of(english)


def test_without_reads_there_is_no_box_but_the_page_waits_for_one(reader, article):
    response = reader.get(article.get_absolute_url())
    assert 'class="most-read"' not in response.content.decode()
    assert "most-read" in response["Surrogate-Key"].split()  # the next refresh may fill it


def test_the_box_uses_arabic_indic_digits_where_the_site_does(reader, article, settings):
    settings.NEWSROOM_ARABIC_INDIC_DIGITS = True
    read(article, {timezone.now(): 9})
    assert "آخر ٢٤ ساعة" in box_of(reader.get(article.get_absolute_url()).content.decode())


def test_the_home_page_gets_the_lists_from_one_function(article):
    read(article, {timezone.now(): 9})
    tags = set()
    drawing = pagecache._drawing.set(tags)  # as when a page is drawn for the cache
    try:
        lists = most_read.most_read_lists("ar")
    finally:
        pagecache._drawing.reset(drawing)
    assert [(shown.key, [each.pk for each in shown.articles]) for shown in lists] == [
        ("day", [article.pk]),
        ("week", [article.pk]),
    ]
    assert str(lists[0].heading) == "آخر 24 ساعة"
    assert {"most-read", f"article-{article.pk}-headline"} <= tags
    ArticleReads.objects.all().delete()
    most_read.most_read_remember()
    assert most_read.most_read_lists("ar") == []


def test_the_box_costs_the_article_page_one_query(reader, article, page_queries):
    read(article, {timezone.now(): 9})
    most_read.most_read_remember()
    with page_queries(6):  # the article page's 5 (tests/test_article_detail.py), and the box's articles
        reader.get(article.get_absolute_url())


def test_with_no_rankings_kept_the_page_works_them_out(reader, article, page_queries):
    read(article, {timezone.now(): 9})
    cache.delete_many([most_read._ranking_key(code) for code in ("ar", "en")])  # the cache emptied
    with page_queries(8):  # and the two windows' rankings, kept for the next pages
        reader.get(article.get_absolute_url())
    with page_queries(6):
        reader.get(article.get_absolute_url(), {"again": 1})


def test_rankings_older_than_two_refreshes_are_worked_out_again(article, settings):
    """With the page cache off nothing refreshes them: a page drawn then works them out."""
    settings.NEWSROOM_PAGE_CACHE = False
    with time_machine.travel(NOON, tick=False):
        most_read.most_read_remember()
        read(article, {timezone.now(): 9})
        assert most_read.most_read_lists("ar") == []  # kept: nothing was read then
    with time_machine.travel(NOON + timedelta(seconds=1201), tick=False):
        assert [each.pk for each in most_read.most_read_lists("ar")[0].articles] == [article.pk]


# The refresh: the pages are drawn again only when a ranking changed.


def test_the_refresh_purges_the_box_only_when_a_ranking_changed(reader, article, settings):
    """Off the request path (each worker's flushing thread, core.reads.reads_tick): a reader's request never
    works the rankings out, and the pages are drawn again only when the order changed."""
    settings.NEWSROOM_MOST_READ_REFRESH_SECONDS = 600
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 3600  # the page outlives the half hour this test covers
    other = make_article(headline_ar="سوق الخضار يفتح أبوابه")
    url = other.get_absolute_url()
    with time_machine.travel(NOON, tick=False) as clock:
        read(article, {timezone.now(): 9})
        read(other, {timezone.now(): 4})
        counting.reads_tick()
        assert reader.get(url)["X-Page-Cache"] == "miss"
        assert reader.get(url)["X-Page-Cache"] == "hit"
        read(article, {timezone.now() - timedelta(hours=2): 5})  # more reads, the same order
        clock.move_to(NOON + timedelta(minutes=10, seconds=1))
        counting.reads_tick()
        assert reader.get(url)["X-Page-Cache"] == "hit"
        read(other, {timezone.now() - timedelta(hours=1): 50})  # a new order
        clock.move_to(NOON + timedelta(minutes=15))
        counting.reads_tick()  # within the period: nothing worked out yet
        assert reader.get(url)["X-Page-Cache"] == "hit"
        clock.move_to(NOON + timedelta(minutes=20, seconds=2))
        counting.reads_tick()
        response = reader.get(url)
        assert response["X-Page-Cache"] == "miss"
        box = box_of(response.content.decode())
        assert box.index("سوق الخضار") < box.index("قوارب الصيد")


def test_the_refresh_says_what_changed():
    article = make_article()
    assert most_read.most_read_remember()  # nothing kept: pages may show anything
    assert not most_read.most_read_remember()
    read(article, {timezone.now(): 1})
    assert most_read.most_read_remember()
    assert not most_read.most_read_remember()


def test_one_process_per_period_works_the_rankings_out(settings, django_assert_num_queries):
    settings.NEWSROOM_MOST_READ_REFRESH_SECONDS = 600
    with time_machine.travel(NOON, tick=False) as clock:
        assert most_read.most_read_refresh()
        with django_assert_num_queries(0):
            assert not most_read.most_read_refresh()  # another worker, the same period: the marker says done
        clock.move_to(NOON + timedelta(seconds=601))
        assert most_read.most_read_refresh()


def test_a_failing_refresh_leaves_the_flush_and_the_pages_alone(monkeypatch, article, caplog):
    def broken():
        raise RuntimeError("database gone")

    monkeypatch.setattr(counting, "_after_flush", [broken])
    read(article, {timezone.now(): 2})
    counting.read_counted(most_read.READ_KIND, article.pk)
    counting.reads_tick()
    assert "After-flush task broken failed" in caplog.text
    assert counting.reads_pending() == {}


def test_the_cron_refreshes_the_rankings_too(article, capsys):
    read(article, {timezone.now(): 3})
    call_command("publish_scheduled")
    assert "Most-read rankings worked out again." in capsys.readouterr().out
    assert [each.pk for each in most_read.most_read_lists("ar")[0].articles] == [article.pk]


# The desk.


@pytest.fixture
def editor(editorial_groups):
    return make_staff("hala", "editor")


def test_the_article_form_shows_its_reads_per_day(client, editor, article, django_assert_num_queries):
    with time_machine.travel(NOON, tick=False):
        now = timezone.now()
        read(article, {now: 7, now - timedelta(hours=1): 3, now - timedelta(days=2): 12, now - timedelta(days=40): 99})
        with django_assert_num_queries(1):
            daily = most_read.reads_per_day(article)
        assert len(daily.days) == 30 and daily.days[0] == (timezone.localdate(), 10)
        assert daily.days[2] == (timezone.localdate() - timedelta(days=2), 12)
        assert daily.total == 22 and daily.peak == 12
        sign_in(client, editor)
        html = client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    table = html[html.index('id="reads-per-day"') :]
    table = table[: table.index("</table>")]
    assert "القراءات في كل يوم خلال آخر 30 يوماً" in table
    assert '<meter min="0" max="12" value="10"' in table and ">22<" in table


def test_a_draft_has_no_reads_table(client, editor):
    draft = make_article(status=Article.Status.DRAFT)
    sign_in(client, editor)
    assert 'id="reads-per-day"' not in client.get(f"/admin/articles/article/{draft.pk}/change/").content.decode()


def test_the_desk_lists_the_most_read_with_their_numbers(client, editor, article, django_assert_num_queries):
    other = make_article(headline_ar="سوق الخضار يفتح أبوابه")
    read(article, {timezone.now(): 9})
    read(other, {timezone.now() - timedelta(days=2): 30})
    with django_assert_num_queries(2):
        lists = most_read.desk_most_read()
    assert [[(each.pk, each.read_count) for each in shown] for _heading, shown in lists] == [
        [(article.pk, 9)],
        [(other.pk, 30), (article.pk, 9)],
    ]
    sign_in(client, editor)
    html = client.get("/admin/").content.decode()
    desk = html[html.index('id="desk-most-read"') :]
    desk = desk[: desk.index('id="stories-owed"')] if 'id="stories-owed"' in desk else desk
    assert "الأكثر قراءة: آخر 24 ساعة" in desk and "الأكثر قراءة: آخر 7 أيام" in desk
    assert f'href="/admin/articles/article/{article.pk}/change/"' in desk
    assert "30 قراءة" in desk and "9 قراءات" in desk


def test_a_reporter_reads_the_desk_list_on_the_site_and_a_moderator_has_none(client, article, editorial_groups):
    read(article, {timezone.now(): 9})
    sign_in(client, make_staff("salma", "reporter"))
    desk = client.get("/admin/").content.decode()
    assert f'href="{article.get_absolute_url()}"' in desk[desk.index('id="desk-most-read"') :]
    sign_in(client, make_staff("munir", "moderator"))
    assert 'id="desk-most-read"' not in client.get("/admin/").content.decode()


# The privacy policy.


def test_the_privacy_policy_says_what_is_counted_and_for_how_long(client, settings):
    settings.NEWSROOM_READS_RETENTION_DAYS = 400
    html = client.get("/privacy/").content.decode()
    section = html[html.index('id="policy-reading"') : html.index('id="policy-comments"')]
    assert "رقم واحد لكل مقال ولكل ساعة" in section and "ملف تعريف ارتباط" in section
    assert "محركات البحث" in section and "يحمّلها المتصفح مسبقاً" in section
    assert "تُحذف هذه الأعداد بعد 400 يوم." in section
    english = client.get("/en/privacy/").content.decode()
    assert "one number per article and per hour, nothing else" in english
    assert "These hourly counts are deleted after 400 days." in english
