"""The job queue (core/jobs.py, core/mail.py): mail leaves the request, survives a mail server that refuses or
hangs, goes out once; failed jobs back off, are kept, and are retried from the admin; a stopped worker's job runs
again; /healthz shows the queue."""

import io
import json
from datetime import timedelta
from email.header import decode_header, make_header

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from comments.models import Comment
from core.jobs import WORKER_STOPPED, jobs_recover, retry_delay
from core.models import JobWorker, SentMail
from tests import job_tasks
from tests.factories import make_article, make_staff, run_jobs, sign_in
from tests.smtp_server import silent_server, smtp_server

pytestmark = pytest.mark.django_db
NOW = timezone.now().replace(microsecond=0)


def _comment_form(client, article):
    from comments.forms import form_token

    with time_machine.travel(timezone.now() - timedelta(seconds=60), tick=False):
        token = form_token(article.pk)
    data = {"name": "سلمى", "email": "salma@example.org", "body": "تعليق جديد", "consent": "on", "token": token,
            "website": "", "parent": ""}  # fmt: skip
    return client.post(f"/comments/post/{article.pk}/", data)


def _the_job():
    return DBTaskResult.objects.get()


def _come_due(job):
    """The job's retry time has come (the clock moved on)."""
    DBTaskResult.objects.filter(pk=job.pk).update(run_after=timezone.now())


@pytest.fixture
def moderator(settings):
    settings.NEWSROOM_COMMENT_NOTIFY_MODERATORS = True
    return make_staff("munir", "moderator")


def test_moderators_mail_waits_for_a_refusing_server_and_goes_out_once(client, settings, moderator):
    """The mail server is down when a reader comments: the reader's request never touches it; the job fails,
    waits and is tried again; once the server is back the moderators get the mail, once, even if the job is run
    again (a worker killed after sending)."""
    article = make_article()
    with smtp_server() as server:
        for name, value in server.settings().items():
            setattr(settings, name, value)
        server.stop()
        response = _comment_form(client, article)
        assert response.status_code == 302 and Comment.objects.count() == 1

        run_jobs()
        job = _the_job()
        assert (job.status, len(job.worker_ids)) == ("READY", 1)
        assert "ConnectionRefusedError" in job.traceback
        assert timedelta(seconds=14) < job.run_after - timezone.now() <= retry_delay(1)

        server.start()
        _come_due(job)
        run_jobs()
        job.refresh_from_db()
        assert job.status == "SUCCESSFUL" and len(job.worker_ids) == 2
        [message] = server.messages
        assert message["To"] == "munir@example.org"
        assert str(make_header(decode_header(message["Subject"]))) == "ينتظر تعليق المراجعة"

        DBTaskResult.objects.filter(pk=job.pk).update(status="READY", run_after=timezone.now())  # run again
        run_jobs()
        assert len(server.messages) == 1 and SentMail.objects.count() == 1


def test_a_hanging_mail_server_is_never_waited_for_by_a_reader(client, settings, moderator):
    """A mail server that accepts and never answers: the comment POST does not connect to it at all; the job's
    attempt gives up after EMAIL_TIMEOUT and is tried again later."""
    article = make_article()
    with silent_server() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", server.port, 1
        assert _comment_form(client, article).status_code == 302
        assert _the_job().status == "READY" and not _the_job().worker_ids  # nothing tried in the request
        assert server.connections() == 0
        run_jobs()
        assert server.connections() == 1
    job = _the_job()
    assert job.status == "READY" and len(job.worker_ids) == 1 and "timed out" in job.traceback.lower()


def test_a_job_that_keeps_failing_backs_off_then_is_kept_with_its_error(settings):
    settings.NEWSROOM_JOB_ATTEMPTS = 3
    job_tasks.always_fails.enqueue()
    waits = []
    for _attempt in range(3):
        run_jobs()
        job = _the_job()
        if job.status == "READY":
            waits.append(round((job.run_after - timezone.now()).total_seconds()))
            _come_due(job)
    job = _the_job()
    assert job.status == "FAILED" and len(job.worker_ids) == 3
    assert waits == [15, 30]  # doubling
    assert job.exception_class_path == "tests.job_tasks.Refused" and "the far end said no" in job.traceback
    assert retry_delay(20) == timedelta(seconds=settings.NEWSROOM_JOB_RETRY_MAX_SECONDS)


def test_administrators_see_failed_jobs_in_arabic_and_retry_them(client, settings):
    settings.NEWSROOM_JOB_ATTEMPTS = 1
    job_tasks.always_fails.enqueue()
    run_jobs()
    sign_in(client, make_staff("boss", is_superuser=True))
    page = client.get("/admin/django_tasks_database/dbtaskresult/?status__exact=FAILED").content.decode()
    assert "always_fails" in page and "Refused" in page and "آخر خطأ" in page
    detail = client.get(f"/admin/django_tasks_database/dbtaskresult/{_the_job().pk}/change/").content.decode()
    assert "the far end said no" in detail
    response = client.post(
        "/admin/django_tasks_database/dbtaskresult/", {"action": "retry_selected", "_selected_action": [_the_job().pk]}
    )
    assert response.status_code == 302
    job = _the_job()
    assert (job.status, job.worker_ids) == ("READY", [])
    # Moderators and editors do not see the queue.
    sign_in(client, make_staff("munir", "moderator"))
    assert client.get("/admin/django_tasks_database/dbtaskresult/").status_code == 403


def test_a_job_left_running_by_a_stopped_worker_runs_again(settings):
    """Recovered: a job whose worker has been silent longer than the timeout. Left alone: one whose worker is alive,
    and one claimed just now by a worker whose heartbeat is not in yet."""
    settings.NEWSROOM_JOB_WORKER_TIMEOUT_SECONDS = 60
    left, busy, fresh = (job_tasks.always_fails.enqueue() for _ in range(3))
    earlier = timezone.now() - timedelta(minutes=2)
    DBTaskResult.objects.filter(pk=left.id).update(status="RUNNING", worker_ids=["gone"], started_at=earlier)
    DBTaskResult.objects.filter(pk=busy.id).update(status="RUNNING", worker_ids=["alive"], started_at=earlier)
    DBTaskResult.objects.filter(pk=fresh.id).update(status="RUNNING", worker_ids=["new"], started_at=timezone.now())
    JobWorker.objects.create(worker_id="gone", seen_at=timezone.now() - timedelta(seconds=61))
    JobWorker.objects.create(worker_id="alive", seen_at=timezone.now())
    assert jobs_recover() == 1
    recovered = DBTaskResult.objects.get(pk=left.id)
    assert recovered.status == "READY" and recovered.traceback == WORKER_STOPPED
    assert recovered.run_after > timezone.now()
    running = DBTaskResult.objects.filter(status="RUNNING").values_list("worker_ids", flat=True)
    assert sorted(workers[-1] for workers in running) == ["alive", "new"]


def test_each_worker_process_has_an_id_of_its_own():
    """A worker restarted under the same --worker-id (systemd's Restart=always) must not pass for the one killed."""
    from core.management.commands.run_jobs import Worker

    options = {"queue_names": ["*"], "interval": 0, "batch": True, "backend_name": "default", "startup_delay": False,
               "max_tasks": None, "excluded_queue_names": []}  # fmt: skip
    first, second = Worker(worker_id="host-1", **options), Worker(worker_id="host-1", **options)
    assert first.worker_id != second.worker_id and first.worker_id.startswith("host-1.")


def test_an_attempt_taken_for_stopped_does_not_overwrite_the_one_that_replaced_it():
    """The job's worker was slow, not dead: meanwhile its job was given to another worker. When the slow attempt
    ends, it records nothing: the row stays the new attempt's."""
    job = job_tasks.hands_itself_over.enqueue()
    run_jobs()
    row = DBTaskResult.objects.get(pk=job.id)
    assert (row.status, row.worker_ids[-1]) == ("RUNNING", "another-worker")


def test_healthz_reports_the_queue(client):
    with time_machine.travel(NOW - timedelta(minutes=5), tick=False):
        job_tasks.always_fails.enqueue()
    job_tasks.always_fails.enqueue()
    later = job_tasks.always_fails.using(run_after=NOW + timedelta(hours=1)).enqueue()
    with time_machine.travel(NOW, tick=False):
        state = json.loads(client.get("/healthz").content)["jobs"]
    assert state == {"waiting": 2, "oldest_waiting_seconds": 300.0, "failed": 0}
    assert DBTaskResult.objects.filter(pk=later.id, status="READY").exists()


def test_check_deploy_warns_of_an_in_process_backend(settings):
    from core.checks import job_backend

    assert job_backend(None) == []
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    assert [message.id for message in job_backend(None)] == ["newsroom.W002"]


def test_retention_removes_finished_jobs_and_old_mail_records(settings):
    settings.NEWSROOM_JOB_ATTEMPTS = 1
    with time_machine.travel(NOW - timedelta(days=2), tick=False):
        job_tasks.always_fails.enqueue()
        done = job_tasks.marks_and_sleeps.enqueue(path="/dev/null", seconds=0)
        run_jobs()
        SentMail.objects.create(key="old")
    waiting = job_tasks.always_fails.using(run_after=NOW + timedelta(hours=1)).enqueue()
    SentMail.objects.create(key="new")
    call_command("apply_retention", stdout=io.StringIO())
    # Successful after a day; failed kept for 30 days (an administrator may still retry it); waiting untouched.
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"FAILED", "READY"}
    assert not DBTaskResult.objects.filter(pk=done.id).exists() and DBTaskResult.objects.filter(pk=waiting.id).exists()
    assert list(SentMail.objects.values_list("key", flat=True)) == ["old", "new"]  # 30 days for these too
    with time_machine.travel(NOW + timedelta(days=31), tick=False):
        call_command("apply_retention", stdout=io.StringIO())
    assert [str(pk) for pk in DBTaskResult.objects.values_list("pk", flat=True)] == [waiting.id]
    assert not SentMail.objects.exists()
