"""A real PostgreSQL outage: the server drops the site's connection and refuses new ones for a while. Readers get
the cached pages that exist and an Arabic 503 for the rest; once the database accepts connections again the site
serves pages with no restart. (tests/test_page_cache.py simulates the same on every database.)"""

import urllib.error
import urllib.request

import psycopg
import pytest
from django.db import connection

from tests.factories import make_article

pytestmark = pytest.mark.django_db(transaction=True)


def admin_connection():
    settings = connection.settings_dict
    return psycopg.connect(
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )


def get(url):
    """Status and body of a GET, as a browser would receive them (urllib raises on a 503)."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_the_site_survives_a_database_outage_and_recovers_by_itself(live_server):
    """Served by a real server thread, whose connection Django checks and replaces between requests as gunicorn's
    workers do (the test client keeps one connection for the whole test, so it could not show the recovery)."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL-only: a SQLite database file cannot go down (test_page_cache.py covers the code)")
    article = make_article(headline_ar="انقطاع قصير")
    cached = live_server.url + article.get_absolute_url()
    section = live_server.url + article.section.get_absolute_url()
    assert get(cached)[0] == 200  # now in the page cache
    name = connection.settings_dict["NAME"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        ours = cursor.fetchone()[0]
    with admin_connection() as admin:
        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        try:
            # The server's connections are cut, and new ones refused.
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> %s",
                [name, ours],
            )
            status, body = get(section)
            assert status == 503 and "لا يستطيع الموقع الوصول إلى قاعدة بياناته الآن" in body
            assert "Traceback" not in body
            assert get(section)[0] == 503  # and again while it lasts: never a 500
            assert get(cached)[0] == 200  # what is cached is still served
        finally:
            admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
    status, body = get(section)
    assert status == 200 and "انقطاع قصير" in body  # no restart
