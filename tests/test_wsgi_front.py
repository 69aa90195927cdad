"""The page cache in front of Django's handler (core.pagecache.PageCacheApplication, newsroom/wsgi.py): a reader's
cached page is answered before Django handles the request, with exactly the bytes and headers Django's own path
answers it with; everything else goes on to Django unchanged."""

import io
import sys
from urllib.parse import unquote_to_bytes, urlsplit

import pytest
from django.core.signals import request_started
from django.test import Client

from core.staff import STAFF_COOKIE
from newsroom.wsgi import application
from tests.factories import make_article

# Django's handler closes the database connection around each request (the test client switches that off): the
# tests commit what the requests are to see, instead of keeping it in a transaction the handler would close.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _policy(privacy_policy):
    """The pages need a privacy policy in force (a transactional test empties the table its migration filled)."""


def wsgi_get(path, method="GET", **headers):
    """(status line, headers, body) of `application` for a request as gunicorn hands it over."""
    address = urlsplit(path)
    environ = {
        "REQUEST_METHOD": method, "SCRIPT_NAME": "", "QUERY_STRING": address.query, "SERVER_PROTOCOL": "HTTP/1.1",
        # PEP 3333: the path's bytes, each as one character.
        "PATH_INFO": unquote_to_bytes(address.path).decode("latin-1"),
        "SERVER_NAME": "testserver", "SERVER_PORT": "80", "REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": "testserver",
        "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(b""), "wsgi.errors": sys.stderr, "wsgi.version": (1, 0),
        "wsgi.multithread": False, "wsgi.multiprocess": True, "wsgi.run_once": False,
    }  # fmt: skip
    environ.update({f"HTTP_{name.upper()}": value for name, value in headers.items()})
    answered = {}

    def start_response(status, response_headers, exc_info=None):
        answered["status"], answered["headers"] = status, dict(response_headers)

    result = application(environ, start_response)
    try:
        body = b"".join(result)
    finally:
        if hasattr(result, "close"):
            result.close()
    return answered["status"], answered["headers"], body


@pytest.fixture
def article():
    return make_article(headline_ar="قوارب الصيد تعود إلى الفرات")


@pytest.fixture
def handled():
    """How many requests reached Django's handler."""
    started = []

    def count(**kwargs):
        started.append(1)

    request_started.connect(count, dispatch_uid="tests.wsgi_front")
    yield started
    request_started.disconnect(dispatch_uid="tests.wsgi_front")


def test_a_cached_page_is_answered_before_django_with_the_same_bytes_and_headers(article, handled, settings):
    url = article.get_absolute_url()
    status, drawn_headers, drawn = wsgi_get(url)  # an Arabic address, drawn by Django
    assert status.startswith("200") and drawn_headers["X-Page-Cache"] == "miss" and len(handled) == 1
    status, headers, body = wsgi_get(url)
    assert status == "200 OK" and headers["X-Page-Cache"] == "hit" and len(handled) == 1  # Django never asked
    assert body == drawn and headers["Content-Length"] == str(len(body))
    # The same answer as Django's own path gives from the cache, header for header.
    through_django = Client().get(url)
    assert through_django["X-Page-Cache"] == "hit" and through_django.content == body
    django_headers = {name: value for name, value in through_django.items() if name != "Date"}
    assert {name: value for name, value in headers.items() if name != "Content-Length"} == django_headers
    for name in ("Content-Security-Policy", "Strict-Transport-Security", "Vary", "ETag", "Surrogate-Key"):
        if name in drawn_headers:
            assert headers[name] == drawn_headers[name], name


def test_a_purge_sends_the_next_reader_to_django(article, handled):
    url = article.get_absolute_url()
    wsgi_get(url)
    article.headline_ar = "عنوان مصحّح"
    article.save()
    _, headers, body = wsgi_get(url)
    assert headers["X-Page-Cache"] == "miss" and "عنوان مصحّح" in body.decode() and len(handled) == 2


@pytest.mark.parametrize(
    "method, headers",
    [("HEAD", {}), ("GET", {"If-None-Match": "*"}), ("GET", {"If-Match": '"another"'}),
     ("GET", {"If-Unmodified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"})],
    ids=["head", "if-none-match", "if-match", "if-unmodified-since"],
)  # fmt: skip
def test_what_is_not_a_plain_cached_get_goes_to_django(article, handled, method, headers):
    url = article.get_absolute_url()
    wsgi_get(url)
    wsgi_get(url, method=method, **{name.replace("-", "_"): value for name, value in headers.items()})
    assert len(handled) == 2


def test_a_staff_session_goes_to_django_and_a_forged_one_is_a_readers(article, handled, staff_cookies):
    url = article.get_absolute_url()
    wsgi_get(url)
    handled.clear()
    session_key, marker = staff_cookies
    _, headers, _ = wsgi_get(url, Cookie=f"sessionid={session_key}; {STAFF_COOKIE}={marker}")
    assert headers["X-Page-Cache"] == "bypass" and len(handled) == 1
    tampered = marker[:-1] + ("1" if marker[-1] == "0" else "0")
    _, headers, _ = wsgi_get(url, Cookie=f"sessionid={session_key}; {STAFF_COOKIE}={tampered}")
    assert headers["X-Page-Cache"] == "hit" and len(handled) == 1


def test_a_conditional_get_of_a_cached_page_gets_djangos_304(article):
    url = article.get_absolute_url()
    _, headers, _ = wsgi_get(url)
    status, again, body = wsgi_get(url, If_None_Match=headers["ETag"])
    assert status.startswith("304") and body == b"" and again["X-Page-Cache"] == "hit"


def test_a_request_for_another_host_gets_djangos_400(article, handled):
    url = article.get_absolute_url()
    wsgi_get(url)
    status, _, _ = wsgi_get(url, Host="attacker.example")
    assert status.startswith("400") and len(handled) == 2
