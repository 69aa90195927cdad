"""Only a real staff session bypasses the page cache and the read replica: a session cookie alone, a forged
marker, or a marker whose time has passed, is an anonymous reader's request, answered from the cache without SQL
(core/staff.py)."""

import time
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client, RequestFactory
from django_otp.plugins.otp_totp.models import TOTPDevice

from articles.models import Article
from core.routers import ReplicaReadsMiddleware, ReplicaRouter
from core.staff import STAFF_COOKIE, staff_marker, staff_request
from tests.factories import make_article, sign_in, totp_code

pytestmark = pytest.mark.django_db
PASSWORD = "a passphrase for the desk"


def outcome(response):
    return response["X-Page-Cache"]


@pytest.fixture
def article():
    return make_article(headline_ar="عودة العبارات إلى الميادين")


@pytest.fixture
def cached(article):
    """The article's address, already in the page cache (a reader asked for it)."""
    url = article.get_absolute_url()
    assert outcome(Client().get(url)) == "miss"
    return url


@pytest.fixture
def editor():
    return get_user_model().objects.create_user("hala", "hala@example.org", PASSWORD, is_staff=True)


def log_in(client, username="hala"):
    """Through the desk's own sign-in, as an editor does: the password, then the code of their authenticator app.
    Returns the second step's response."""
    user = get_user_model().objects.get(username=username)
    device = TOTPDevice.objects.filter(user=user).first() or TOTPDevice.objects.create(user=user, confirmed=True)
    response = client.post("/admin/login/?next=/admin/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()
    assert STAFF_COOKIE not in response.cookies  # a password alone is not a staff session
    response = client.post("/admin/security/verify/", {"code": totp_code(device), "next": "/admin/"})
    assert response.status_code == 302, response.content.decode()
    return response


def in_an_hour():
    return int(time.time()) + 3600


def expiry_of(marker):
    """The `<expires>` of a marker `<expires>.<hmac>`."""
    expires, _, _ = marker.partition(".")
    return int(expires)


def reader_with(**cookies):
    client = Client()
    for name, value in cookies.items():
        client.cookies[name] = value
    return client


@pytest.mark.parametrize(
    "cookies",
    [
        {"sessionid": "x"},
        {"sessionid": "x", STAFF_COOKIE: "forged"},
        {"sessionid": "x", STAFF_COOKIE: staff_marker("another-session", in_an_hour())},  # another session's
        {STAFF_COOKIE: staff_marker("x", in_an_hour())},  # a marker without its session
        {"sessionid": "x", STAFF_COOKIE: staff_marker("x", time.time() - 1)},  # expired a second ago
        {"sessionid": "x", STAFF_COOKIE: staff_marker("x", 1)},  # expired in 1970
        # Signed, but further ahead than any session cookie lasts: the application never mints one.
        {"sessionid": "x", STAFF_COOKIE: staff_marker("x", time.time() + settings.SESSION_COOKIE_AGE + 3600)},
        {"sessionid": "x", STAFF_COOKIE: staff_marker("x", in_an_hour()).partition(".")[2]},  # the hmac alone
        {"sessionid": "x", STAFF_COOKIE: "0" + staff_marker("x", in_an_hour())},  # a second spelling of the time
        {"sessionid": "x", STAFF_COOKIE: "9" * 5000 + "." + "0" * 64},  # more digits than int() reads
        {"sessionid": "x", STAFF_COOKIE: "-1." + "0" * 64},
    ],
    ids=[
        "bare session",
        "forged marker",
        "borrowed marker",
        "marker alone",
        "expired marker",
        "long expired marker",
        "too far ahead",
        "hmac alone",
        "leading zero",
        "huge number",
        "negative",
    ],
)
def test_a_session_cookie_without_its_marker_is_served_from_the_cache_without_sql(
    cached, cookies, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = reader_with(**cookies).get(cached)
    assert outcome(response) == "hit" and "عودة العبارات إلى الميادين" in response.content.decode()
    assert not response.cookies


def test_forged_cookies_on_an_uncached_page_store_the_readers_page(article, page_queries):
    """The forged request renders the page a reader would get, without looking its session up, stores it under the
    readers' key, and sets no cookie: the next reader, with no cookie at all, gets that copy. (A well-formed key:
    Django itself deletes a session cookie too short to be a key, and a response that sets a cookie is not stored.)"""
    url = article.get_absolute_url()
    forger = reader_with(sessionid="k" * 32, **{STAFF_COOKIE: staff_marker("another-session", in_an_hour())})
    with page_queries(5):  # the article page's own, as for any reader (tests/test_article_detail.py)
        forged = forger.get(url)
    assert outcome(forged) == "miss" and not forged.cookies
    reader = Client().get(url)
    assert outcome(reader) == "hit" and reader.content == forged.content


def test_logging_in_marks_the_session_with_a_cookie_like_the_session_cookie(client, editor, time_machine):
    """The marker holds the time the session cookie expires, signed with the session key."""
    time_machine.move_to(datetime(2026, 3, 1, 9, 30, 15, 600000, tzinfo=UTC), tick=False)
    response = log_in(client)
    marker = response.cookies[STAFF_COOKIE]
    expires = int(time.time()) + settings.SESSION_COOKIE_AGE
    assert marker.value == staff_marker(client.cookies[settings.SESSION_COOKIE_NAME].value, expires)
    assert marker.value.startswith(f"{expires}.")
    assert marker["httponly"] is True and marker["samesite"] == "Lax" and marker["path"] == "/"
    assert marker["max-age"] == settings.SESSION_COOKIE_AGE == response.cookies["sessionid"]["max-age"]
    assert not marker["secure"]  # plain HTTP in the tests, as the session cookie


def test_a_password_without_the_second_factor_is_no_staff_session(client, editor, cached):
    """Held at the sign-in's second step, a session reads pages as a reader does: from the cache."""
    client.post("/admin/login/?next=/admin/", {"username": "hala", "password": PASSWORD})
    client.get("/admin/")
    assert STAFF_COOKIE not in client.cookies
    assert outcome(client.get(cached)) == "hit"


def test_the_marker_is_secure_when_the_session_cookie_is(client, editor, settings):
    settings.SESSION_COOKIE_SECURE = True
    response = log_in(client)
    assert response.cookies[STAFF_COOKIE]["secure"] is True and response.cookies["sessionid"]["secure"] is True


def test_a_logged_in_editor_gets_fresh_uncached_pages(client, editor, article, cached):
    """Staff see what they just changed, not the readers' copy; and what they see is never stored for readers."""
    Article.objects.filter(pk=article.pk).update(headline_ar="عنوان صُحّح ولم يُنشر بعد")  # no purge
    log_in(client)
    response = client.get(cached)
    assert response.status_code == 200 and outcome(response) == "bypass"
    assert "عنوان صُحّح ولم يُنشر بعد" in response.content.decode()
    assert "public" not in response.get("Cache-Control", "")
    reader = Client().get(cached)
    assert outcome(reader) == "hit" and "عودة العبارات إلى الميادين" in reader.content.decode()


def test_a_session_opened_elsewhere_is_marked_by_its_first_visit_to_the_desk(client, editor, cached):
    """A session without its marker (opened before this release, or by the test client) reads the readers' copy
    until it reaches the application once."""
    sign_in(client, editor)
    assert outcome(client.get(cached)) == "hit"
    client.get("/admin/")
    marker = client.cookies[STAFF_COOKIE].value
    assert marker == staff_marker(client.cookies["sessionid"].value, expiry_of(marker))
    assert outcome(client.get(cached)) == "bypass"


def test_logging_out_deletes_the_marker(client, editor, cached):
    log_in(client)
    response = client.post("/admin/logout/")
    assert response.status_code == 200
    assert response.cookies[STAFF_COOKIE].value == "" and response.cookies[STAFF_COOKIE]["max-age"] == 0
    assert STAFF_COOKIE not in {name for name, morsel in client.cookies.items() if morsel.value}
    assert outcome(client.get(cached)) == "hit"


def test_a_session_no_longer_staff_loses_its_marker(client, editor, cached):
    log_in(client)
    get_user_model().objects.filter(pk=editor.pk).update(is_staff=False)
    response = client.get(cached)
    assert outcome(response) == "bypass"  # the pair is still valid: the application looks, once
    assert response.cookies[STAFF_COOKIE]["max-age"] == 0
    assert outcome(client.get(cached)) == "hit"


def test_a_logged_in_user_who_is_not_staff_gets_no_marker(client, cached):
    reader = get_user_model().objects.create_user("salma", "s@example.org", PASSWORD)
    sign_in(client, reader)
    client.get("/admin/")  # the desk loads the session, and refuses her
    assert STAFF_COOKIE not in client.cookies
    assert outcome(client.get(cached)) == "hit"


def test_the_marker_middleware_runs_after_authentication():
    """Placed after AuthenticationMiddleware (and any second-factor middleware, which sits right after it), so
    `request.user` is final when it decides."""
    middleware = settings.MIDDLEWARE
    marker = middleware.index("core.staff.StaffMarkerMiddleware")
    assert marker > middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware")
    assert marker > max(middleware.index(name) for name in middleware if "otp" in name.lower() or "Factor" in name)
    assert marker < middleware.index("django.contrib.messages.middleware.MessageMiddleware")


@pytest.fixture
def with_replica(monkeypatch):
    monkeypatch.setattr("core.routers.replica_configured", lambda: True)


def read_database(cookies):
    seen = {}

    def view(request):
        from django.http import HttpResponse

        seen["read"] = ReplicaRouter().db_for_read(Article)
        return HttpResponse()

    request = RequestFactory().get("/")
    request.COOKIES.update(cookies)
    ReplicaReadsMiddleware(view)(request)
    return seen["read"]


def test_the_replica_router_tells_staff_apart_as_the_page_cache_does(client, editor, with_replica):
    assert read_database({"sessionid": "x"}) == "replica"
    assert read_database({"sessionid": "x", STAFF_COOKIE: "forged"}) == "replica"
    assert read_database({"sessionid": "x", STAFF_COOKIE: staff_marker("another-session", in_an_hour())}) == "replica"
    assert read_database({"sessionid": "x", STAFF_COOKIE: staff_marker("x", time.time() - 1)}) == "replica"
    log_in(client)
    staff = {name: client.cookies[name].value for name in ("sessionid", STAFF_COOKIE)}
    assert read_database(staff) == "default"
    expires = expiry_of(staff[STAFF_COOKIE])
    tampered = {**staff, STAFF_COOKIE: staff[STAFF_COOKIE].replace(str(expires), str(expires + 3600), 1)}
    assert read_database(tampered) == "replica"


def test_the_policy_lists_the_marker_as_strictly_necessary(client):
    html = client.get("/privacy/").content.decode()
    assert f'<code dir="ltr">{STAFF_COOKIE}</code>' in html
    assert "يُعلم ذاكرة الصفحات المؤقتة" in html
    assert "Tells our page cache" in client.get("/en/privacy/").content.decode()


def kept_pair(client):
    """The two cookies as someone who copied them would send them again."""
    return {name: client.cookies[name].value for name in ("sessionid", STAFF_COOKIE)}


def reader_copy(url):
    """Puts `url` in the page cache afresh (a reader asks for it), as it is at the current, perhaps moved, time."""
    Client().get(url)
    assert outcome(Client().get(url)) == "hit"


def test_a_pair_kept_after_logout_is_a_readers_once_the_session_cookie_would_have_expired(
    editor, article, time_machine, django_assert_num_queries
):
    """Former staff (or whoever got hold of a pair) keep the cookies, and the session ends with a logout. Nothing is
    looked up, so the pair still bypasses until the time it carries, and never after: from then on it is served the
    readers' copy, without SQL."""
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=1)
    time_machine.move_to(start, tick=False)
    client = Client()
    log_in(client)
    pair = kept_pair(client)
    assert expiry_of(pair[STAFF_COOKIE]) == int(start.timestamp()) + settings.SESSION_COOKIE_AGE
    client.post("/admin/logout/")
    url = article.get_absolute_url()
    time_machine.move_to(start + timedelta(seconds=settings.SESSION_COOKIE_AGE - 1), tick=False)
    reader_copy(url)
    assert outcome(reader_with(**pair).get(url)) == "bypass"
    time_machine.move_to(start + timedelta(seconds=settings.SESSION_COOKIE_AGE), tick=False)
    reader_copy(url)
    with django_assert_num_queries(0):
        response = reader_with(**pair).get(url)
    assert outcome(response) == "hit" and not response.cookies


def test_a_signed_marker_whose_time_has_passed_gets_the_readers_page(editor, cached, django_assert_num_queries):
    """The real session's key, a correctly signed marker, but a past time: a reader's."""
    client = Client()
    log_in(client)
    session_key = client.cookies["sessionid"].value
    assert (
        outcome(
            reader_with(sessionid=session_key, **{STAFF_COOKIE: staff_marker(session_key, in_an_hour())}).get(cached)
        )
        == "bypass"
    )
    expired = reader_with(sessionid=session_key, **{STAFF_COOKIE: staff_marker(session_key, time.time() - 1)})
    with django_assert_num_queries(0):
        response = expired.get(cached)
    assert outcome(response) == "hit" and not response.cookies


@pytest.mark.parametrize("change", [1, 3600, -60])
def test_a_marker_whose_time_was_changed_gets_the_readers_page(editor, cached, change, django_assert_num_queries):
    """A later (or earlier) time with the hmac kept does not match: the time cannot be stretched."""
    client = Client()
    log_in(client)
    pair = kept_pair(client)
    expires = expiry_of(pair[STAFF_COOKIE])
    tampered = f"{expires + change}.{pair[STAFF_COOKIE].partition('.')[2]}"
    with django_assert_num_queries(0):
        response = reader_with(**{**pair, STAFF_COOKIE: tampered}).get(cached)
    assert outcome(response) == "hit" and not response.cookies
    assert outcome(reader_with(**pair).get(cached)) == "bypass"


def test_an_expired_marker_of_a_live_session_is_marked_again_at_the_desk(editor, article, time_machine):
    """A session made to outlast SESSION_COOKIE_AGE gets a marker that ends at SESSION_COOKIE_AGE; once it has, the
    editor reads the readers' copy until the next visit to the desk, which marks the session again."""
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=1)
    time_machine.move_to(start, tick=False)
    client = Client()
    log_in(client)
    session = client.session
    session.set_expiry(3 * settings.SESSION_COOKIE_AGE)
    session.save()
    url = article.get_absolute_url()
    later = start + timedelta(seconds=settings.SESSION_COOKIE_AGE + 1)
    time_machine.move_to(later, tick=False)
    reader_copy(url)
    assert outcome(client.get(url)) == "hit"
    client.get("/admin/")
    assert expiry_of(client.cookies[STAFF_COOKIE].value) == int(later.timestamp()) + settings.SESSION_COOKIE_AGE
    assert outcome(client.get(url)) == "bypass"


def test_the_marker_follows_the_session_cookie_when_it_is_sent_again(client, editor, settings, time_machine):
    """Sent again with the session cookie (here on every request), the marker carries the new expiry; a request that
    does not send the session cookie again leaves the marker as it is."""
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=1)
    time_machine.move_to(start, tick=False)
    log_in(client)
    time_machine.move_to(start + timedelta(hours=1), tick=False)
    response = client.get("/admin/")
    assert "sessionid" not in response.cookies and STAFF_COOKIE not in response.cookies
    settings.SESSION_SAVE_EVERY_REQUEST = True
    time_machine.move_to(start + timedelta(hours=2), tick=False)
    response = client.get("/admin/")
    expires = int((start + timedelta(hours=2)).timestamp()) + settings.SESSION_COOKIE_AGE
    assert response.cookies[STAFF_COOKIE].value == staff_marker(client.cookies["sessionid"].value, expires)
    assert response.cookies[STAFF_COOKIE]["max-age"] == response.cookies["sessionid"]["max-age"]


def test_a_browser_session_is_marked_for_session_cookie_age(client, editor, settings, time_machine):
    """A session cookie that ends with the browser carries no expiry; the server keeps the session for
    SESSION_COOKIE_AGE, and so does the marker."""
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=1)
    time_machine.move_to(start, tick=False)
    response = log_in(client)
    marker = response.cookies[STAFF_COOKIE]
    assert marker["max-age"] == "" and response.cookies["sessionid"]["max-age"] == ""
    assert expiry_of(marker.value) == int(start.timestamp()) + settings.SESSION_COOKIE_AGE


def test_staff_request_reads_the_time_at_each_request(time_machine):
    """The check is against the clock now, not when the marker was made, and the bound follows SESSION_COOKIE_AGE."""
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=1)
    time_machine.move_to(start, tick=False)
    request = RequestFactory().get("/")
    expires = int(start.timestamp()) + 10
    request.COOKIES.update({"sessionid": "abc", STAFF_COOKIE: staff_marker("abc", expires)})
    assert staff_request(request)
    time_machine.move_to(start + timedelta(seconds=9), tick=False)
    assert staff_request(request)
    time_machine.move_to(start + timedelta(seconds=10), tick=False)
    assert not staff_request(request)
    # The furthest a marker may reach: SESSION_COOKIE_AGE and a minute of clock difference.
    time_machine.move_to(start, tick=False)
    furthest = int(start.timestamp()) + settings.SESSION_COOKIE_AGE + 60
    request.COOKIES[STAFF_COOKIE] = staff_marker("abc", furthest)
    assert staff_request(request)
    request.COOKIES[STAFF_COOKIE] = staff_marker("abc", furthest + 1)
    assert not staff_request(request)
    # Digits Python's int() reads but nginx's check does not: the same time spelled in Arabic-Indic digits.
    arabic = str(expires).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    request.COOKIES[STAFF_COOKIE] = staff_marker("abc", expires).replace(str(expires), arabic)
    assert not staff_request(request)
