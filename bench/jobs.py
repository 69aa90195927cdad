"""
Background jobs, in process, in one run:

1. Comment POST latency (p50/p99) through Django's test client, as bench/comment_post.py drives it, with
   NEWSROOM_COMMENT_NOTIFY_MODERATORS on and a moderator with an address, so each POST enqueues a mail job:
   (a) the mail server answering (aiosmtpd on loopback, tests/smtp_server.py), (b) the mail server hanging (a port
   that accepts and never answers, EMAIL_TIMEOUT 5), and (c) the reference, the design before jobs: the request
   sends the mail itself (no job; `send_mail()` timed right after the POST, to the answering server). The three
   take turns post by post, so the machine's other work weighs on each alike. (a) and (b) should be equal within
   noise: the request only inserts the job and never talks to the mail server. Against a hanging server (c) waits
   EMAIL_TIMEOUT on every request: a few synchronous sends to the silent port with EMAIL_TIMEOUT 2 show it.
2. Jobs per second one worker runs: N `core.mail.mail_send` jobs (distinct keys) to the answering server, drained
   by one in-process worker in batch mode (core/management/commands/run_jobs.py); then N that send nothing (an
   empty `to`, which returns at once), the queue's own cost per job.

Uses a scratch database: SQLite in a temporary file by default, or the PostgreSQL server DATABASE_URL names (a
scratch database on it, dropped at the end).

Run: make bench-jobs   (or: .venv/bin/python bench/jobs.py --posts 1000 --jobs 1000)
"""

import argparse
import json
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.scratch import scratch_database  # noqa: E402 - after the path is set

CONDITIONS = ("answering", "hanging", "in_request")
LABELS = {
    "answering": "(a) job enqueued, mail server answering",
    "hanging": "(b) job enqueued, mail server hanging",
    "in_request": "(c) mail sent in the request, answering",
}


def _ms(durations, quantile):
    if quantile == 0.5:
        return round(statistics.median(durations) * 1000, 2)
    return round(sorted(durations)[int(len(durations) * quantile) - 1] * 1000, 2)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=1000, help="timed POSTs in each condition")
    parser.add_argument("--jobs", type=int, default=1000, help="jobs enqueued for each worker run")
    parser.add_argument("--hanging-sends", type=int, default=3, help="synchronous sends to the hanging server")
    args = parser.parse_args()
    if min(args.posts, args.jobs) < 1:
        parser.error("--posts and --jobs must be at least 1")

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    # Warnings only: the worker logs each job, the SMTP server each command, at INFO.
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    with scratch_database("newsroom_bench_jobs"):
        run(args)


def run(args):
    import django

    django.setup()
    import time_machine
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.mail import send_mail
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.utils import timezone
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from articles.models import Article, Section
    from comments.forms import form_token
    from comments.models import Comment
    from core.mail import mail_send
    from core.management.commands.run_jobs import Worker
    from core.models import SentMail
    from tests.smtp_server import silent_server, smtp_server

    call_command("migrate", verbosity=0)
    settings.NEWSROOM_COMMENT_RATE_PER_ADDRESS = 3 * args.posts + 100
    settings.NEWSROOM_COMMENT_AUTO_APPROVE_KNOWN = False
    section = Section.objects.create(name_ar="تقارير")
    article = Article.objects.create(
        headline_ar="مقال للتعليق", body_ar="<p>نص</p>", section=section,
        status=Article.Status.PUBLISHED, published_at=timezone.now() - timedelta(hours=1),
    )  # fmt: skip
    moderator = get_user_model().objects.create_user("munir", "munir@example.org", None, is_staff=True)
    moderator.groups.add(Group.objects.get(name="moderator"))
    with time_machine.travel(timezone.now() - timedelta(minutes=1), tick=False):
        token = form_token(article.pk)
    client = Client()
    url = f"/comments/post/{article.pk}/"
    numbers = iter(range(10**9))

    def post():
        number = next(numbers)
        data = {"name": f"قارئ {number}", "email": f"r{number}@example.org", "body": f"تعليق رقم {number}",
                "consent": "on", "token": token, "website": "", "parent": ""}  # fmt: skip
        response = client.post(url, data, REMOTE_ADDR="203.0.113.9")
        if response.status_code != 302:
            raise SystemExit(f"post {number} answered {response.status_code}")

    with smtp_server() as smtp, silent_server() as silent:
        answering = {**smtp.settings(), "EMAIL_TIMEOUT": 5}
        hanging = {**smtp.settings(), "EMAIL_PORT": silent.port, "EMAIL_TIMEOUT": 5}

        def configure(values, *, notify):
            for name, value in values.items():
                setattr(settings, name, value)
            settings.NEWSROOM_COMMENT_NOTIFY_MODERATORS = notify

        # 1. POST latency, the three conditions taking turns (the order rotating), after a few untimed posts.
        configure(answering, notify=True)
        for _ in range(10):
            post()
        durations = {condition: [] for condition in CONDITIONS}
        for number in range(args.posts):
            for turn in range(3):
                condition = CONDITIONS[(number + turn) % 3]
                configure(hanging if condition == "hanging" else answering, notify=condition != "in_request")
                started = time.perf_counter()
                post()
                if condition == "in_request":
                    send_mail("A comment is waiting for moderation", "A comment waits.", None, [moderator.email])
                durations[condition].append(time.perf_counter() - started)
        jobs_enqueued = DBTaskResult.objects.filter(task_path="comments.jobs.moderators_notify").count()
        if jobs_enqueued != 2 * args.posts + 10:
            raise SystemExit(f"expected {2 * args.posts + 10} moderator jobs, found {jobs_enqueued}")
        if len(smtp.messages) != args.posts:
            raise SystemExit(f"expected {args.posts} messages sent in the request, received {len(smtp.messages)}")

        configure({**hanging, "EMAIL_TIMEOUT": 2}, notify=True)
        hanging_sends = []
        for _ in range(args.hanging_sends):
            started = time.perf_counter()
            try:
                send_mail("A comment is waiting for moderation", "A comment waits.", None, [moderator.email])
            except OSError:  # the timeout (socket.timeout is an OSError, as are smtplib's errors)
                hanging_sends.append(time.perf_counter() - started)
            else:
                raise SystemExit("the hanging server accepted a message")

        # 2. Jobs per second, one worker in batch mode, on a queue holding only the jobs measured.
        configure(answering, notify=True)
        DBTaskResult.objects.all().delete()
        smtp.messages.clear()
        throughput = {}
        for kind, to in (("mail_send", [moderator.email]), ("mail_send_no_recipient", [])):
            started = time.perf_counter()
            with transaction.atomic():
                for number in range(args.jobs):
                    mail_send.enqueue(key=f"bench-{kind}:{number}", subject="Bench", body=f"Message {number}", to=to)
            enqueued = time.perf_counter() - started
            worker = Worker(queue_names=["*"], interval=0, batch=True, backend_name="default", startup_delay=False,
                            max_tasks=None, worker_id=f"bench-{kind}"[:64], excluded_queue_names=[])  # fmt: skip
            started = time.perf_counter()
            worker.run()
            drained = time.perf_counter() - started
            succeeded = DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL, task_path="core.mail.mail_send")
            if succeeded.count() != args.jobs or DBTaskResult.objects.exclude(pk__in=succeeded).exists():
                raise SystemExit(f"{kind}: {succeeded.count()} of {args.jobs} jobs succeeded")
            throughput[kind] = {
                "jobs": args.jobs,
                "enqueue_per_second": round(args.jobs / enqueued, 1),
                "jobs_per_second": round(args.jobs / drained, 1),
                "ms_per_job": round(drained / args.jobs * 1000, 2),
            }
            DBTaskResult.objects.all().delete()
        if len(smtp.messages) != args.jobs or SentMail.objects.filter(key__startswith="bench-").count() != args.jobs:
            raise SystemExit(f"expected {args.jobs} messages from the jobs, received {len(smtp.messages)}")

    result = {
        "benchmark": "jobs",
        "database": connection.vendor,
        "posts": args.posts,
        "stored": Comment.objects.count(),
        "comment_post": {
            condition: {
                "condition": LABELS[condition],
                "posts": len(durations[condition]),
                "posts_per_second": round(len(durations[condition]) / sum(durations[condition]), 1),
                "median_ms": _ms(durations[condition], 0.5),
                "p99_ms": _ms(durations[condition], 0.99),
            }
            for condition in CONDITIONS
        },
        "in_request_hanging_send": {
            "email_timeout_seconds": 2,
            "sends": len(hanging_sends),
            "seconds": [round(seconds, 2) for seconds in hanging_sends],
        },
        "worker": throughput,
    }
    print(f"{'comment POST (' + connection.vendor + ')':<44} {'p50 ms':>8} {'p99 ms':>8} {'posts/s':>8}")
    for condition, figures in result["comment_post"].items():
        print(
            f"{LABELS[condition]:<44} {figures['median_ms']:>8} {figures['p99_ms']:>8} {figures['posts_per_second']:>8}"
        )
    seconds = ", ".join(f"{s:.2f}" for s in hanging_sends)
    print(f"(c) against the hanging server, EMAIL_TIMEOUT=2: {seconds} s per send")
    print(f"\n{'one worker, batch mode':<44} {'jobs/s':>8} {'ms/job':>8} {'enq/s':>8}")
    for kind, figures in throughput.items():
        print(
            f"{kind:<44} {figures['jobs_per_second']:>8} {figures['ms_per_job']:>8} {figures['enqueue_per_second']:>8}"
        )
    out = ROOT / "bench" / "results" / f"jobs_{connection.vendor}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"\nWrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
