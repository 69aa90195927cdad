"""Publishing the privacy policy goes through consent/services/policy_versions.py: the next number, who wrote it,
and never two versions under one number, even when two editors publish at the same moment."""

import threading
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.utils import timezone

from consent.models import PolicyVersion
from consent.services.policy_versions import (
    policy_version_publish,
    policy_version_revise,
    policy_version_withdraw,
)
from consent.state import current_policy_version
from tests.factories import make_staff


def _draft(title="سياسة معدّلة", **fields):
    fields.setdefault("effective_at", timezone.now() + timedelta(days=1))
    return PolicyVersion(title_ar=title, body_ar="<p>نص.</p>", **fields)


@pytest.mark.django_db
def test_publishing_gives_the_next_number_and_records_who(privacy_policy):
    hala = make_staff("hala")
    version = policy_version_publish(version=_draft(), by=hala)
    version.refresh_from_db()
    assert (version.number, version.created_by) == (2, hala)
    assert policy_version_publish(version=_draft(), by=None).number == 3


@pytest.mark.django_db
def test_the_database_refuses_a_second_version_under_one_number(privacy_policy):
    """What stands behind the service's lock when there is nothing to lock yet."""
    with pytest.raises(IntegrityError), transaction.atomic():
        PolicyVersion.objects.create(number=1, title_ar="نسخة ثانية برقم مأخوذ", body_ar="<p>نص.</p>")
    assert PolicyVersion.objects.filter(number=1).count() == 1


@pytest.mark.django_db
def test_a_version_not_yet_in_effect_is_revised_or_withdrawn_and_every_worker_hears(privacy_policy):
    version = policy_version_publish(version=_draft(effective_at=timezone.now()), by=None)
    assert current_policy_version() == 2  # the cached number was forgotten when it was published
    version.title_ar = "عنوان مصحّح"
    policy_version_revise(version=version)
    assert PolicyVersion.objects.get(number=2).title_ar == "عنوان مصحّح"
    policy_version_withdraw(version=version)
    assert current_policy_version() == 1


@pytest.mark.django_db(transaction=True)
def test_two_editors_publishing_at_once_get_two_numbers(privacy_policy):
    """The second waits for the first's lock on the newest version, then counts from the number the first took."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite lets one writer in at a time: two publishing transactions cannot overlap there")
    hala, omar = make_staff("hala"), make_staff("omar")
    second = {}

    def publish_meanwhile():
        try:
            second["number"] = policy_version_publish(version=_draft("نسخة عمر"), by=omar).number
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            second["error"] = error
        finally:
            connections.close_all()

    with transaction.atomic():
        first = policy_version_publish(version=_draft("نسخة هالة"), by=hala)
        thread = threading.Thread(target=publish_meanwhile)
        thread.start()
        thread.join(timeout=1)
        assert thread.is_alive(), "the second editor did not wait for the first"
    thread.join(timeout=10)
    assert second == {"number": 3} and first.number == 2
    assert sorted(PolicyVersion.objects.values_list("number", "created_by__username")) == [
        (1, None),
        (2, "hala"),
        (3, "omar"),
    ]
