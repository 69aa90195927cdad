"""Only a real staff session bypasses the page cache and the read replica: a session cookie alone, or a forged
marker, is an anonymous reader's request, answered from the cache without SQL (newsroom/staff.py)."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client, RequestFactory
from django_otp.plugins.otp_totp.models import TOTPDevice

from articles.models import Article
from newsroom.routers import ReplicaReadsMiddleware, ReplicaRouter
from newsroom.staff import STAFF_COOKIE, staff_marker
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
        {"sessionid": "x", STAFF_COOKIE: staff_marker("another-session")},  # a real marker, of another session
        {STAFF_COOKIE: staff_marker("x")},  # a marker without its session
    ],
    ids=["bare session", "forged marker", "borrowed marker", "marker alone"],
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
    forger = reader_with(sessionid="k" * 32, **{STAFF_COOKIE: staff_marker("another-session")})
    with page_queries(5):  # the article page's own, as for any reader (tests/test_article_detail.py)
        forged = forger.get(url)
    assert outcome(forged) == "miss" and not forged.cookies
    reader = Client().get(url)
    assert outcome(reader) == "hit" and reader.content == forged.content


def test_logging_in_marks_the_session_with_a_cookie_like_the_session_cookie(client, editor):
    response = log_in(client)
    marker = response.cookies[STAFF_COOKIE]
    assert marker.value == staff_marker(client.cookies[settings.SESSION_COOKIE_NAME].value)
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
    assert client.cookies[STAFF_COOKIE].value == staff_marker(client.cookies["sessionid"].value)
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
    marker = middleware.index("newsroom.staff.StaffMarkerMiddleware")
    assert marker > middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware")
    assert marker > max(middleware.index(name) for name in middleware if "otp" in name.lower() or "Factor" in name)
    assert marker < middleware.index("django.contrib.messages.middleware.MessageMiddleware")


@pytest.fixture
def with_replica(monkeypatch):
    monkeypatch.setattr("newsroom.routers.replica_configured", lambda: True)


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
    assert read_database({"sessionid": "x", STAFF_COOKIE: staff_marker("another-session")}) == "replica"
    log_in(client)
    staff = {name: client.cookies[name].value for name in ("sessionid", STAFF_COOKIE)}
    assert read_database(staff) == "default"


def test_the_policy_lists_the_marker_as_strictly_necessary(client):
    html = client.get("/privacy/").content.decode()
    assert f'<code dir="ltr">{STAFF_COOKIE}</code>' in html
    assert "يُعلم ذاكرة الصفحات المؤقتة" in html
    assert "Tells our page cache" in client.get("/en/privacy/").content.decode()
