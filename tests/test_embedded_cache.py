"""The embedded default (no REDIS_URL) keeps its cache in the site's database, so every process agrees: two
gunicorn workers, `manage.py purge_pages` and the shell. Before, each process had a cache of its own: the command
said "stale" while the server kept serving the old page, and an article published from the shell did not appear.
With Redis too, where each worker keeps copies of pages and tag versions that Redis tells it to drop (KeyMirror)."""

import contextlib
import signal
import sys

import pytest

from tests import processes
from tests.redis_server import redis_server

pytestmark = pytest.mark.django_db(transaction=True)
NEWSROOM = (
    "from django.contrib.auth.models import Group; from tests.factories import make_article, make_staff; "
    "editor = make_staff('hala', 'editor'); make_article(headline_ar='خبر منشور من قبل'); "
    "print(make_article(status='draft', headline_ar='بيان عاجل من دير الزور').pk)"
)
PUBLISH = (
    "from articles.models import Article; from django.contrib.auth import get_user_model; "
    "from articles.services.articles import article_publish; "
    "article_publish(article=Article.objects.get(pk={pk}), by=get_user_model().objects.get(username='hala'))"
)


@pytest.mark.parametrize("shared_cache", ["database", "redis"])
def test_every_process_sees_the_same_page_cache(tmp_path, editorial_groups, shared_cache):
    with contextlib.ExitStack() as stack:
        extra = {"NEWSROOM_TEST_KEEP_CACHES": "1"}
        if shared_cache == "redis":  # a server of this test's own
            extra["NEWSROOM_TEST_REDIS_URL"] = stack.enter_context(redis_server(tmp_path))
        environment = processes.environment(tmp_path, **extra)
        _every_process_agrees(tmp_path, environment)


def _every_process_agrees(tmp_path, environment):
    processes.prepare(environment)
    draft = processes.manage(environment, "shell", "-c", NEWSROOM)
    port = processes.free_port()
    home = f"http://127.0.0.1:{port}/"
    server = [sys.executable, "-m", "gunicorn", "newsroom.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}"]
    with (tmp_path / "gunicorn.log").open("w") as log:
        web = processes.start(environment, server, log)
        try:
            processes.wait_for(lambda: processes.get(home)[0] == 200, 60, "gunicorn to serve the home page")
            pages = [processes.get(home) for _ in range(8)]
            assert all(status == 200 and "بيان عاجل" not in body for status, _headers, body in pages)
            assert "hit" in {headers["X-Page-Cache"] for _status, headers, _body in pages}

            processes.manage(environment, "shell", "-c", PUBLISH.format(pk=draft))
            # Both workers, at once: no page from before the publication.
            assert all("بيان عاجل من دير الزور" in processes.get(home)[2] for _ in range(8))

            outcomes = {processes.get(home)[1]["X-Page-Cache"] for _ in range(4)}
            assert outcomes == {"hit"}
            assert processes.manage(environment, "purge_pages") == "Every cached page is stale now."
            assert processes.get(home)[1]["X-Page-Cache"] == "miss"
        finally:
            web.send_signal(signal.SIGTERM)
            web.wait(timeout=30)
