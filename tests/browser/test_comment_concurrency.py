"""Many readers posting at once: every valid comment is stored once, and a flood past the limit stores nothing."""

import http.cookiejar
import json
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from comments.forms import form_token
from comments.models import Comment
from tests.factories import make_article

pytestmark = pytest.mark.django_db(transaction=True)


def _reader(live_server, article, number, token):
    """One reader: open the article, fetch a form token as comments.js does (which sets the CSRF cookie), then
    send a comment."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(live_server.url + article.get_absolute_url()).read()
    csrf = json.loads(opener.open(f"{live_server.url}/comments/token/").read())["csrf"]
    data = urllib.parse.urlencode({
        "csrfmiddlewaretoken": csrf, "name": f"قارئ {number}", "email": f"reader{number}@example.org",
        "body": f"تعليق القارئ رقم {number}", "consent": "on", "token": token, "website": "", "parent": "",
    }).encode()  # fmt: skip
    request = urllib.request.Request(
        f"{live_server.url}/comments/post/{article.pk}/", data=data, headers={"Referer": live_server.url + "/"}
    )
    try:
        return opener.open(request).status
    except urllib.error.HTTPError as refused:
        return refused.code


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite's in-memory test database is one shared connection"
)
def test_sixty_concurrent_posts_with_a_limit_of_fifty_store_exactly_fifty(live_server, settings):
    settings.NEWSROOM_COMMENT_RATE_PER_ADDRESS = 50  # all readers come from 127.0.0.1 here
    article = make_article()
    with time_machine.travel(timezone.now() - timedelta(minutes=1), tick=False):
        token = form_token(article.pk)
    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(lambda number: _reader(live_server, article, number, token), range(60)))
    assert statuses.count(200) == 50  # followed the redirect back to the article
    assert statuses.count(429) == 10
    assert Comment.objects.filter(article=article, status=Comment.Status.PENDING).count() == 50
    assert Comment.objects.values("email").distinct().count() == 50
