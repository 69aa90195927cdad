"""/healthz tells a load balancer whether this worker can serve, and monitoring what is degraded."""

from unittest import mock

import pytest
from django.db import OperationalError, connection


@pytest.mark.django_db
def test_healthy(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["database"]["vendor"] == connection.vendor
    assert body["cache"]["ok"] is True


@pytest.mark.django_db
def test_a_dead_cache_is_reported_as_degraded_not_down(client, settings):
    """Nothing listens on port 9 of the loopback: a real Redis client meets a real refused connection.
    (Changing CACHES through the settings fixture makes Django rebuild its cache handler.)"""
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.SharedCache",
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    # The page cache met the refusal first, in the same request, and opened the breaker (core/cache.py).
    assert body["cache"] == {"ok": False, "backend": "SharedCache", "error": "CacheUnavailable"}


@pytest.mark.django_db
def test_a_dead_database_answers_503(client):
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("connection refused")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == {"ok": False, "vendor": connection.vendor, "error": "OperationalError"}
