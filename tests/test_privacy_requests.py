"""Commenters' export and erasure requests, confirmed by a signed link sent to their address."""

import json
import re

import pytest
from django.contrib.auth import get_user_model
from django_tasks_db.models import DBTaskResult

from comments.models import Comment, PrivacyRequest
from comments.privacy import email_digest, request_link_token
from comments.services import comments as comment_services
from comments.services.commenters import commenter_erase
from tests.factories import make_article, run_jobs, sign_in
from tests.processes import free_port


@pytest.fixture
def comments(db):
    article = make_article(headline_ar="عودة العبارات")
    mine = [
        comment_services.comment_submit(article=article, name="سلمى", email="Salma@example.org", body="أول",
                                ip_address="203.0.113.9", user_agent="Phone"),
        comment_services.comment_submit(article=article, name="سلمى", email="salma@example.org", body="ثانٍ"),
    ]  # fmt: skip
    comment_services.comments_approve(comments=Comment.objects.filter(pk=mine[0].pk), by=None)
    other = comment_services.comment_submit(article=article, name="عمر", email="omar@example.org", body="لغيرها")
    return {"mine": mine, "other": other}


def _link_from(mailoutbox):
    run_jobs()
    return re.search(r"http://testserver(/\S+)", mailoutbox[-1].body).group(1)


@pytest.mark.django_db
def test_export_by_confirmed_link_includes_pending_comments_and_consent(client, comments, mailoutbox):
    response = client.post("/comments/my-data/", {"email": "salma@example.org", "kind": "export"})
    assert "أرسلنا إليه رابطاً" in response.content.decode()
    link = _link_from(mailoutbox)
    assert mailoutbox[-1].to == ["salma@example.org"]
    assert "نزّل نسخة" in client.get(link).content.decode()  # opening the link changes nothing yet
    download = client.post(link)
    assert download["Content-Disposition"] == 'attachment; filename="my-comments.json"'
    data = json.loads(download.content)
    assert [c["comment"] for c in data["comments"]] == ["أول", "ثانٍ"]
    assert {c["status"] for c in data["comments"]} == {"approved", "pending"}
    assert all(c["consent"]["text_version"] for c in data["comments"])
    assert "لغيرها" not in download.content.decode()
    log = PrivacyRequest.objects.get()
    assert (log.kind, log.comments_affected, log.email_digest) == ("export", 2, email_digest("salma@example.org"))


@pytest.mark.django_db
def test_erasure_by_confirmed_link(client, comments, mailoutbox):
    client.post("/comments/my-data/", {"email": "salma@example.org", "kind": "erase"})
    response = client.post(_link_from(mailoutbox))
    assert "مُحي اسمك وبياناتك من تعليقين" in response.content.decode()
    for comment in comments["mine"]:
        comment.refresh_from_db()
        assert (comment.name, comment.email, comment.ip_address, comment.user_agent) == ("مجهول", "", None, "")
    comments["other"].refresh_from_db()
    assert comments["other"].name == "عمر"
    assert PrivacyRequest.objects.get().kind == "erase"
    assert "salma" not in str(PrivacyRequest.objects.values_list())  # the log keeps no address


@pytest.mark.django_db
def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, comments, mailoutbox):
    """The page does the same work for a known and an unknown address, one job each (so it answers in the same
    time); the job sends the link only to an address that has comments."""
    DBTaskResult.objects.all().delete()  # the fixture's comments' notices to moderators
    known = client.post("/comments/my-data/", {"email": "salma@example.org", "kind": "erase"})
    unknown = client.post("/comments/my-data/", {"email": "nobody@example.org", "kind": "erase"})
    assert known.content == unknown.content and "أرسلنا إليه رابطاً" in unknown.content.decode()
    assert [job.task_path for job in DBTaskResult.objects.order_by("enqueued_at")] == [
        "comments.jobs.privacy_link_send",
        "comments.jobs.privacy_link_send",
    ]
    assert run_jobs() == 2
    assert [message.to for message in mailoutbox] == [["salma@example.org"]]


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["forged", "eyJlbWFpbCI6ImEifQ:bad:sig"])
def test_a_forged_link_changes_nothing(client, comments, token):
    response = client.post(f"/comments/my-data/{token}/")
    assert response.status_code == 400 and "هذا الرابط غير صالح" in response.content.decode()
    assert Comment.objects.filter(name="مجهول").count() == 0


@pytest.mark.django_db
def test_a_link_for_export_cannot_erase(client, comments):
    token = request_link_token(email="salma@example.org", kind="export")
    client.post(f"/comments/my-data/{token}/")
    assert not Comment.objects.filter(name="مجهول").exists()


@pytest.mark.django_db
def test_moderators_export_and_erase_from_the_admin(client, comments):
    admin_user = get_user_model().objects.create_superuser("root", "root@example.org", "unused")
    sign_in(client, admin_user)
    pks = [comments["mine"][0].pk]
    export = client.post("/admin/comments/comment/", {"action": "export_commenters", "_selected_action": pks})
    assert [c["comment"] for c in json.loads(export.content)[0]["comments"]] == ["أول", "ثانٍ"]
    client.post("/admin/comments/comment/", {"action": "erase_commenters", "_selected_action": pks})
    assert Comment.objects.filter(name="مجهول").count() == 2
    assert list(PrivacyRequest.objects.values_list("kind", "handled_by")) == [
        ("erase", admin_user.pk),
        ("export", admin_user.pk),
    ]


@pytest.mark.django_db
def test_the_jobs_holding_an_address_do_not_outlive_their_use(client, comments, settings):
    """The link's job is deleted once it succeeded; one kept for retrying (the mail server refused) goes with an
    erasure of that address."""
    DBTaskResult.objects.all().delete()
    client.post("/comments/my-data/", {"email": "salma@example.org", "kind": "export"})
    assert run_jobs() == 1
    assert not DBTaskResult.objects.filter(task_path="comments.jobs.privacy_link_send").exists()

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nothing listens: refused
    client.post("/comments/my-data/", {"email": "Salma@Example.org", "kind": "erase"})
    run_jobs()
    assert DBTaskResult.objects.get(task_path="comments.jobs.privacy_link_send").status == "READY"  # to retry
    commenter_erase(email="salma@example.org")
    assert not DBTaskResult.objects.filter(task_path="comments.jobs.privacy_link_send").exists()
