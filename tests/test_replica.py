"""The read replica: anonymous readers' GETs read from it; writes, staff and forms use the primary."""

import json
import os
import subprocess
import sys
import time

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import RequestFactory

from articles.models import Article
from core.routers import ReplicaReadsMiddleware, ReplicaRouter
from core.staff import STAFF_COOKIE, staff_marker


def read_database(request):
    """The database the router picks for a read while `request` is being answered."""
    seen = {}

    def view(request):
        seen["read"] = ReplicaRouter().db_for_read(Article)
        seen["write"] = ReplicaRouter().db_for_write(Article)
        from django.http import HttpResponse

        return HttpResponse()

    ReplicaReadsMiddleware(view)(request)
    return seen


@pytest.fixture
def with_replica(monkeypatch):
    """As if DATABASE_REPLICA_URL were set (the settings themselves are checked below, in a process of their own)."""
    monkeypatch.setattr("core.routers.replica_configured", lambda: True)


def test_anonymous_gets_read_from_the_replica(with_replica):
    assert read_database(RequestFactory().get("/")) == {"read": "replica", "write": "default"}
    assert read_database(RequestFactory().head("/en/")) == {"read": "replica", "write": "default"}


def test_posts_and_staff_use_the_primary(with_replica):
    assert read_database(RequestFactory().post("/cookies/"))["read"] == "default"
    staff = RequestFactory().get("/")
    in_an_hour = int(time.time()) + 3600
    staff.COOKIES.update({"sessionid": "abc", STAFF_COOKIE: staff_marker("abc", in_an_hour)})  # core/staff.py
    assert read_database(staff)["read"] == "default"
    # Once its time has passed, or with the time changed, the same pair is a reader's.
    staff.COOKIES[STAFF_COOKIE] = staff_marker("abc", time.time() - 1)
    assert read_database(staff)["read"] == "replica"
    staff.COOKIES[STAFF_COOKIE] = staff_marker("abc", in_an_hour).replace(str(in_an_hour), str(in_an_hour + 60))
    assert read_database(staff)["read"] == "replica"
    # Outside a request (commands, the admin's background work) too.
    assert ReplicaRouter().db_for_read(Article) == "default"


def test_without_a_replica_everything_uses_the_primary():
    assert read_database(RequestFactory().get("/"))["read"] == "default"


def test_only_the_primary_is_migrated():
    assert ReplicaRouter().allow_migrate("default", "articles") is True
    assert ReplicaRouter().allow_migrate("replica", "articles") is False


@pytest.mark.django_db
def test_just_after_a_change_pages_are_drawn_from_the_primary(with_replica, settings):
    """A lagging replica must not give the old state to a page the cache would then keep: for a while after each
    change (published, a comment approved...) readers' pages read from the primary, then from the replica again."""
    from core.pagecache import PageCacheMiddleware, pages_purge_all

    settings.NEWSROOM_REPLICA_LAG_SECONDS = 10
    seen = []

    def view(request):
        from django.http import HttpResponse

        seen.append(ReplicaRouter().db_for_read(Article))
        return HttpResponse()

    stack = PageCacheMiddleware(ReplicaReadsMiddleware(view))
    with time_machine.travel("2026-11-27 09:00:00 +0000", tick=False) as clock:
        pages_purge_all()
        clock.shift(3)
        stack(RequestFactory().get("/?first"))
        ReplicaReadsMiddleware(view)(RequestFactory().get("/"))  # with the page cache off or bypassed as well
        clock.shift(8)
        stack(RequestFactory().get("/?later"))
    assert seen == ["default", "default", "replica"]


@pytest.mark.django_db
def test_pages_are_served_with_the_router_in_place(client):
    """The router is installed in every configuration; a page read through it still works."""
    get_user_model().objects.create_user("hala", "hala@example.org", "unused password")
    assert client.get("/").status_code == 200


def test_the_settings_add_the_replica_from_the_environment():
    environment = {
        **os.environ, "DJANGO_ENV_FILE": "", "DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "k" * 40 + "0123456789abcdef",
        "DJANGO_ALLOWED_HOSTS": "news.example.org", "DATABASE_URL": "postgres://app@primary.internal:5432/news",
        "DATABASE_REPLICA_URL": "postgres://reader@replica.internal:5432/news",
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
    }  # fmt: skip
    script = (
        "import json, django; django.setup(); from django.conf import settings as s; print(json.dumps(s.DATABASES))"
    )
    output = subprocess.run([sys.executable, "-c", script], env=environment, capture_output=True, text=True, check=True)
    databases = json.loads(output.stdout.strip().splitlines()[-1])
    assert databases["replica"]["HOST"] == "replica.internal" and databases["replica"]["USER"] == "reader"
    assert databases["replica"]["TEST"]["MIRROR"] == "default" and databases["default"]["HOST"] == "primary.internal"
