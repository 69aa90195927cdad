"""
Requests that are not UTF-8 are refused (core.middleware.RequestEncodingMiddleware): a 400 page in the URL's
language, and nothing stored. Django alone would read them as Latin-1, or with U+FFFD where the bytes were, and go
on: a comment, a search or a login made of text nobody typed.
"""

from datetime import timedelta
from urllib.parse import quote, urlencode

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from comments.forms import form_token
from comments.models import Comment
from core.middleware import RequestEncodingMiddleware
from tests.conftest import html_root_attributes
from tests.factories import make_article

ARABIC_MESSAGE = "تعذّرت علينا قراءة ما أُرسل: لم يكن نصاً بترميز UTF-8. لم يُحفظ شيء."
ENGLISH_MESSAGE = "We could not read what was sent: it was not UTF-8 text. Nothing was saved."
URLENCODED = "application/x-www-form-urlencoded"
BOUNDARY = "----newsroom-boundary"

# Each a value as it travels in a form body or a query string: not UTF-8 as raw bytes, or once its escapes are
# decoded.
NOT_UTF_8 = {
    "latin-1 bytes": b"caf\xe9 \xe0 la cr\xe8me",
    "latin-1 escaped": b"caf%E9",
    "invalid escaped sequence": b"%D8%A8%D8",  # «ب» and the first byte of another letter
    "overlong slash": b"%C0%AF",
    "overlong raw": b"\xc0\xaf",
    "overlong three bytes": b"%E0%80%AF",
    "lone surrogate (CESU-8)": b"%ED%A0%80",
    "surrogate pair (CESU-8)": b"\xed\xa0\xbd\xed\xb8\x80",
    "beyond U+10FFFF": b"%F4%90%80%80",
}


@pytest.fixture
def article(db):
    return make_article(headline_ar="عودة العبارات", headline_en="Ferries")


def _comment_fields(article):
    with time_machine.travel(timezone.now() - timedelta(seconds=60), tick=False):
        token = form_token(article.pk)
    return {"name": "سلمى", "email": "salma@example.org", "body": "شكراً على هذا التقرير.", "consent": "on",
            "token": token, "website": "", "parent": ""}  # fmt: skip


def _urlencoded(fields, **raw):
    """`fields` URL-encoded as UTF-8, with the values in `raw` put in as the bytes given."""
    encoded = urlencode({name: value for name, value in fields.items() if name not in raw}).encode()
    return b"&".join([encoded, *(name.encode() + b"=" + value for name, value in raw.items())])


def _multipart(fields, **raw):
    """A multipart/form-data body: `fields` as UTF-8, the values in `raw` as the bytes given; a (file name, bytes)
    tuple is a file."""
    parts = []
    for name, value in {**fields, **raw}.items():
        if isinstance(value, tuple):
            filename, content = value
            head = f'Content-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            head += "Content-Type: application/octet-stream\r\n"
        else:
            head, content = f'Content-Disposition: form-data; name="{name}"\r\n', value
            content = content if isinstance(content, bytes) else content.encode()
        parts.append(f"--{BOUNDARY}\r\n{head}\r\n".encode() + content + b"\r\n")
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


def _post(client, path, body, content_type=URLENCODED, **extra):
    # generic(), not post(): post() re-encodes a body to the charset its content type names.
    return client.generic("POST", path, body, content_type=content_type, **extra)


def _post_comment(client, article, body, content_type=URLENCODED, prefix=""):
    return _post(client, f"{prefix}/comments/post/{article.pk}/", body, content_type, REMOTE_ADDR="203.0.113.9")


def _assert_refused(response, message=ARABIC_MESSAGE, language="ar"):
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert html_root_attributes(html)[0] == language
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
@pytest.mark.parametrize("value", NOT_UTF_8.values(), ids=NOT_UTF_8.keys())
def test_a_comment_posted_as_a_form_that_is_not_utf_8_is_refused(client, article, value):
    _assert_refused(_post_comment(client, article, _urlencoded(_comment_fields(article), body=value)))
    assert not Comment.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("value", NOT_UTF_8.values(), ids=NOT_UTF_8.keys())
def test_a_comment_posted_as_multipart_that_is_not_utf_8_is_refused(client, article, value):
    body = _multipart(_comment_fields(article), name=value.replace(b"%", b"\xe9"))  # raw bytes: no escapes here
    response = _post_comment(client, article, body, content_type=f"multipart/form-data; boundary={BOUNDARY}")
    _assert_refused(response)
    assert not Comment.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content_type",
    [
        f"{URLENCODED}; charset=iso-8859-1",
        f"{URLENCODED}; charset=windows-1256",
        f"{URLENCODED}; charset=no-such-charset",
        f"multipart/form-data; boundary={BOUNDARY}; charset=iso-8859-1",
    ],
)
def test_a_comment_declared_in_another_charset_is_refused(client, article, content_type):
    fields = _comment_fields(article) | {"body": "Merci"}  # ASCII: the same bytes in every charset named
    body = _multipart(fields) if content_type.startswith("multipart") else _urlencoded(fields)
    _assert_refused(_post_comment(client, article, body, content_type=content_type))
    assert not Comment.objects.exists()


@pytest.mark.django_db
def test_the_english_site_refuses_in_english(client, article):
    response = _post_comment(client, article, _urlencoded(_comment_fields(article), body=b"caf\xe9"), prefix="/en")
    _assert_refused(response, ENGLISH_MESSAGE, "en")
    assert not Comment.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content_type",
    [
        URLENCODED,
        f"{URLENCODED}; charset=UTF-8",
        f"{URLENCODED}; charset=utf8",
        f"multipart/form-data; boundary={BOUNDARY}",
    ],
)
def test_an_arabic_comment_in_utf_8_is_taken(client, article, content_type):
    fields = _comment_fields(article) | {"body": "الْعَرَبِيَّةُ 😀 ١٢٣ «تقرير»"}
    body = _multipart(fields) if content_type.startswith("multipart") else _urlencoded(fields)
    response = _post_comment(client, article, body, content_type=content_type)
    assert response.status_code == 302
    assert Comment.objects.get().body == fields["body"]


@pytest.mark.django_db
def test_a_multipart_file_is_not_text_and_still_streams_to_disk(settings):
    """File contents are bytes, not text: a photo is never refused for holding bytes that are not UTF-8. The check
    parses the form the one time Django would, so a large file goes to a temporary file through the upload handlers,
    and the body is never read into memory."""
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    photo = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 20
    body = _multipart({"alt": "صورة"}, photo=("صورة.jpg", photo))
    request = RequestFactory().generic("POST", "/upload/", body, f"multipart/form-data; boundary={BOUNDARY}")
    seen = {}

    def view(request):
        seen["alt"], seen["file"] = request.POST["alt"], request.FILES["photo"]
        seen["read_into_memory"] = hasattr(request, "_body")
        return HttpResponse("ok")

    assert RequestEncodingMiddleware(view)(request).status_code == 200
    assert seen["alt"] == "صورة" and seen["file"].name == "صورة.jpg"
    assert isinstance(seen["file"], TemporaryUploadedFile) and seen["file"].read() == photo
    assert seen["read_into_memory"] is False


@pytest.mark.django_db
@pytest.mark.parametrize("value", NOT_UTF_8.values(), ids=NOT_UTF_8.keys())
def test_a_search_whose_query_string_is_not_utf_8_is_refused(client, value):
    _assert_refused(client.get("/search/", QUERY_STRING=(b"q=" + value).decode("iso-8859-1")))


@pytest.mark.django_db
def test_a_search_in_english_is_refused_in_english(client):
    _assert_refused(client.get("/en/search/?q=caf%E9"), ENGLISH_MESSAGE, "en")


@pytest.mark.django_db
def test_a_search_declared_in_another_charset_is_refused(client):
    _assert_refused(client.get("/search/?q=x", CONTENT_TYPE="text/plain; charset=iso-8859-1"))


@pytest.mark.django_db
def test_an_arabic_search_in_utf_8_is_answered(client, article):
    for query_string in (f"q={quote('العبارات')}", "q=العبارات".encode().decode("iso-8859-1")):
        response = client.get("/search/", QUERY_STRING=query_string)
        assert response.status_code == 200
        assert f'href="{article.get_absolute_url()}"' in response.content.decode()


@pytest.mark.django_db
def test_a_page_without_a_query_string_is_never_looked_at(client):
    """No query string, no form: nothing to decode, whatever the headers claim (the middleware returns at once)."""
    assert client.get("/", CONTENT_TYPE="text/plain; charset=iso-8859-1").status_code == 200


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_user("salma", password="café", is_staff=True)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "content_type"),
    [
        (b"caf\xe9", URLENCODED),  # Django alone reads it as Latin-1: "café", and logs the editor in
        (b"caf%E9", URLENCODED),
        (b"caf%C3%A9%C0%AF", URLENCODED),
        (b"caf%C3%A9%ED%A0%80", URLENCODED),
        (b"caf%C3%A9", f"{URLENCODED}; charset=iso-8859-1"),
    ],
    ids=["latin-1 bytes", "latin-1 escaped", "overlong", "lone surrogate", "charset=iso-8859-1"],
)
def test_an_admin_login_that_is_not_utf_8_is_refused(client, editor, password, content_type):
    response = _post(client, "/admin/login/", b"username=salma&password=" + password, content_type)
    _assert_refused(response)
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_an_admin_login_in_utf_8_is_read_as_sent(client, editor):
    response = _post(client, "/admin/login/", b"username=salma&password=caf%C3%A9")
    assert response.status_code != 400
    assert ARABIC_MESSAGE not in response.content.decode()
