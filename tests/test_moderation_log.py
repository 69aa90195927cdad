"""The moderation log: one row per comment per act (who, when, from which status), kept after the comment is
deleted, read-only in the admin, shown as each comment's history; moderation costs no query per comment."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.utils import timezone

from comments.models import Comment, ModerationEvent
from comments.services import comments as comment_services
from comments.services.commenters import commenter_erase
from consent.state import current_policy_version
from tests.factories import make_article, make_staff, run_jobs, sign_in

START = timezone.now().replace(microsecond=0)
SIZES = [2, 5]


@pytest.fixture
def article(db):
    return make_article(headline_ar="عودة العبارات")


@pytest.fixture
def munir(db):
    return make_staff("munir", "moderator")


def _comment(article, email="salma@example.org", body="نص"):
    return comment_services.comment_submit(article=article, name="سلمى", email=email, body=body)


def _log():
    return list(
        ModerationEvent.objects.order_by("at", "id").values_list(
            "comment_id", "comment_number", "action", "status_before", "by__username", "at"
        )
    )


@pytest.mark.parametrize(
    ("act", "action"),
    [
        (comment_services.comments_approve, "approved"),
        (comment_services.comments_reject, "rejected"),
        (comment_services.comments_mark_spam, "spam"),
    ],
)
def test_each_moderation_act_logs_who_when_from_which_status_for_each_comment(article, munir, act, action):
    first, second = _comment(article), _comment(article, body="آخر")
    untouched = _comment(article, body="لم يُختر")
    with time_machine.travel(START, tick=False):
        assert act(comments=Comment.objects.filter(pk__in=[first.pk, second.pk]), by=munir) == 2
    assert _log() == [
        (first.pk, first.pk, action, "pending", "munir", START),
        (second.pk, second.pk, action, "pending", "munir", START),
    ]
    assert not untouched.moderation_events.exists()


def test_two_acts_on_one_comment_keep_both_and_the_comment_shows_the_last(article, munir):
    hala = make_staff("hala", "moderator")
    comment = _comment(article)
    with time_machine.travel(START, tick=False):
        comment_services.comments_approve(comments=Comment.objects.filter(pk=comment.pk), by=munir)
    with time_machine.travel(START + timedelta(hours=2), tick=False):
        comment_services.comments_mark_spam(comments=Comment.objects.filter(pk=comment.pk), by=hala)
    assert _log() == [
        (comment.pk, comment.pk, "approved", "pending", "munir", START),
        (comment.pk, comment.pk, "spam", "approved", "hala", START + timedelta(hours=2)),
    ]
    comment.refresh_from_db()
    assert (comment.moderated_by, comment.moderated_at) == (hala, START + timedelta(hours=2))


def test_an_act_that_changes_nothing_logs_nothing(article, munir):
    comment = _comment(article)
    comment_services.comments_approve(comments=Comment.objects.filter(pk=comment.pk), by=munir)
    assert comment_services.comments_approve(comments=Comment.objects.filter(pk=comment.pk), by=munir) == 0
    assert ModerationEvent.objects.count() == 1


def test_an_erasure_logs_one_event_per_comment_changed(article, munir):
    pending, approved = _comment(article), _comment(article, email="Salma@example.org", body="ثانٍ")
    other = _comment(article, email="omar@example.org")
    comment_services.comments_approve(comments=Comment.objects.filter(pk=approved.pk), by=None)
    ModerationEvent.objects.all().delete()
    with time_machine.travel(START, tick=False):
        assert commenter_erase(email="salma@example.org", by=munir) == 2
    assert _log() == [
        (pending.pk, pending.pk, "erased", "pending", "munir", START),
        (approved.pk, approved.pk, "erased", "approved", "munir", START),
    ]
    assert not other.moderation_events.exists()


def test_an_erasure_confirmed_by_the_commenter_is_logged_without_a_moderator(client, article, mailoutbox):
    comment = _comment(article)
    client.post("/comments/my-data/", {"email": "salma@example.org", "kind": "erase"})
    run_jobs()
    link = mailoutbox[-1].body.split("http://testserver", 1)[1].split()[0]
    client.post(link)
    assert [(e[0], e[2], e[4]) for e in _log()] == [(comment.pk, "erased", None)]


def test_the_log_outlives_the_comment_deleted_by_retention(article, munir, settings):
    settings.NEWSROOM_COMMENT_SPAM_RETENTION_DAYS = 30
    with time_machine.travel(START, tick=False):
        spam = _comment(article)
        comment_services.comments_mark_spam(comments=Comment.objects.filter(pk=spam.pk), by=munir)
    with time_machine.travel(START + timedelta(days=31), tick=False):
        call_command("apply_retention")
    assert not Comment.objects.filter(pk=spam.pk).exists()
    assert _log() == [
        (None, spam.pk, "spam", "pending", "munir", START),
        (None, spam.pk, "deleted", "spam", None, START + timedelta(days=31)),  # by retention: nobody
    ]


def test_a_moderator_deleting_a_comment_logs_it_and_its_replies(client, article, munir):
    """Deleted from the comment's page or as a bulk action: each comment that goes (replies go with the comment
    they answer) is in the log with the status it had, the moderator and the time; the comment's page no longer
    shows it."""
    shown = _comment(article, body="تعليق منشور")
    comment_services.comments_approve(comments=Comment.objects.filter(pk=shown.pk), by=munir)
    reply = comment_services.comment_submit(
        article=article, name="هدى", email="huda@example.org", body="رد", parent=shown
    )
    other, untouched = _comment(article, body="رسالة مزعجة"), _comment(article, body="يبقى")
    sign_in(client, munir)
    with time_machine.travel(START + timedelta(hours=1), tick=False):
        response = client.post(f"/admin/comments/comment/{shown.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    with time_machine.travel(START + timedelta(hours=2), tick=False):
        client.post(
            "/admin/comments/comment/", {"action": "delete_selected", "_selected_action": [other.pk], "post": "yes"}
        )
    assert list(Comment.objects.values_list("pk", flat=True)) == [untouched.pk]
    deleted = [event for event in _log() if event[2] == "deleted"]
    assert deleted == [
        (None, shown.pk, "deleted", "approved", "munir", START + timedelta(hours=1)),
        (None, reply.pk, "deleted", "pending", "munir", START + timedelta(hours=1)),
        (None, other.pk, "deleted", "pending", "munir", START + timedelta(hours=2)),
    ]
    page = client.get(article.get_absolute_url()).content.decode()
    assert "تعليق منشور" not in page


def test_the_database_refuses_an_unknown_action(article):
    from django.db import IntegrityError, transaction

    comment = _comment(article)
    with pytest.raises(IntegrityError), transaction.atomic():
        ModerationEvent.objects.create(
            comment=comment, comment_number=comment.pk, action="hidden", status_before="pending"
        )


@pytest.mark.parametrize(("group", "status"), [("reporter", 403), ("editor", 403), ("moderator", 200)])
def test_the_log_is_for_moderators(client, article, group, status):
    sign_in(client, make_staff("someone", group))
    assert client.get("/admin/comments/moderationevent/").status_code == status


def test_a_moderator_reads_the_log_and_cannot_add_change_or_delete(client, article, munir):
    comment = _comment(article, body="تعليق جديد")
    sign_in(client, munir)
    client.post("/admin/comments/comment/", {"action": "reject_selected", "_selected_action": [comment.pk]})
    event = ModerationEvent.objects.get()
    assert (event.action, event.by, event.comment) == ("rejected", munir, comment)
    page = client.get("/admin/comments/moderationevent/").content.decode()
    assert "سجلّ الإشراف" in page and f"#{comment.pk}</a>" in page and "مرفوض" in page
    assert client.get("/admin/comments/moderationevent/add/").status_code == 403
    detail = client.get(f"/admin/comments/moderationevent/{event.pk}/change/")
    assert detail.status_code == 200 and 'name="_save"' not in detail.content.decode()  # a view, not a form
    client.post(f"/admin/comments/moderationevent/{event.pk}/change/", {"action": "approved"})
    assert client.get(f"/admin/comments/moderationevent/{event.pk}/delete/").status_code == 403
    event.refresh_from_db()
    assert event.action == "rejected"
    assert "delete_selected" not in page


def test_the_comment_page_shows_its_history(client, article, munir):
    comment = _comment(article)
    comment_services.comments_approve(comments=Comment.objects.filter(pk=comment.pk), by=munir)
    comment_services.comments_reject(comments=Comment.objects.filter(pk=comment.pk), by=None)
    sign_in(client, munir)
    page = client.get(f"/admin/comments/comment/{comment.pk}/change/").content.decode()
    history = page[page.index("سجلّ الإشراف على التعليق") :]
    approved, rejected = history.index("موافق عليه"), history.index("مرفوض")
    assert approved < rejected  # oldest first
    assert "<bdi>munir</bdi>" in history and "بانتظار المراجعة" in history


def test_the_admin_export_is_recorded_and_changes_no_comment(client, article, munir):
    comment = _comment(article)
    sign_in(client, munir)
    export = client.post("/admin/comments/comment/", {"action": "export_commenters", "_selected_action": [comment.pk]})
    assert [c["comment"] for c in json.loads(export.content)[0]["comments"]] == ["نص"]
    assert not ModerationEvent.objects.exists()


def _pending(article, count):
    return [_comment(article, email=f"r{number}@example.org", body=f"تعليق {number}").pk for number in range(count)]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("act", ["approve_selected", "reject_selected", "mark_selected_as_spam"])
def test_a_moderation_action_costs_the_same_for_more_comments(
    client, article, munir, django_assert_num_queries, size, act
):
    """Twelve queries whatever the number of comments: the session, the user, their OTP device, their own and
    their groups' permissions, the change list's two counts, a savepoint, the selected comments' ids and statuses
    (locked), one UPDATE, one INSERT into the log, the release. Approving purges the articles' pages with no query
    (their ids come with the lock), and, when writers are told, enqueues the one job that tells them."""
    pks = _pending(article, size)
    sign_in(client, munir)
    with django_assert_num_queries(12):
        response = client.post("/admin/comments/comment/", {"action": act, "_selected_action": pks})
    assert response.status_code == 302
    assert ModerationEvent.objects.count() == size


@pytest.mark.parametrize("size", SIZES)
def test_the_comment_page_costs_the_same_with_a_longer_history(client, article, munir, django_assert_num_queries, size):
    """Ten queries however long the history: the session, the user, their OTP device, their own and their groups'
    permissions, the comment, its content type (the admin's history link), its article and last moderator (read-only
    fields), and the history with who did each act."""
    comment = _comment(article)
    for _number in range(size):
        comment_services.comments_approve(comments=Comment.objects.filter(pk=comment.pk), by=munir)
        comment_services.comments_reject(comments=Comment.objects.filter(pk=comment.pk), by=munir)
    sign_in(client, munir)
    current_policy_version()  # a warm worker's: the page cache asks it of a session without the staff marker
    ContentType.objects.clear_cache()  # counted, whichever test ran before in this process
    with django_assert_num_queries(10):
        response = client.get(f"/admin/comments/comment/{comment.pk}/change/")
    assert response.status_code == 200


def test_deleting_an_article_logs_the_comments_that_go_with_it(client, article):
    shown = _comment(article, body="تعليق منشور")
    comment_services.comments_approve(comments=Comment.objects.filter(pk=shown.pk), by=None)
    waiting = _comment(article, body="بانتظار المراجعة")
    sign_in(client, make_staff("hala", is_superuser=True))
    response = client.post(f"/admin/articles/article/{article.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302 and not Comment.objects.exists()
    deleted = [(e[0], e[1], e[3], e[4]) for e in _log() if e[2] == "deleted"]
    assert deleted == [(None, shown.pk, "approved", None), (None, waiting.pk, "pending", None)]
