"""
Newsletters: messages per second sending one digest to N confirmed subscribers (10,000 by default), in process:
`newsletters.services.mailings.digest_create()` renders the digest once and enqueues one job per
NEWSROOM_NEWSLETTER_BATCH_SIZE recipients (timed: "make"); then one worker in batch mode
(core/management/commands/run_jobs.py) drains the queue, each job sending its batch over one SMTP connection, one
message per recipient with its own unsubscribe link and headers, recording a Delivery row after each (timed:
"send"), to an aiosmtpd sink on loopback (tests/smtp_server.py) in the same process. Checks that the sink
received exactly N messages, to N distinct addresses.

Uses a scratch database: SQLite in a temporary file by default, or the PostgreSQL server DATABASE_URL names (a
scratch database on it, dropped at the end).

Run: make bench-newsletters   (or: .venv/bin/python bench/newsletters.py --subscribers 10000 --batch 100)
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.scratch import scratch_database  # noqa: E402 - after the path is set


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--subscribers", type=int, default=10_000, help="confirmed subscribers of the digest")
    parser.add_argument("--batch", type=int, default=100, help="recipients per job (NEWSROOM_NEWSLETTER_BATCH_SIZE)")
    args = parser.parse_args()
    if min(args.subscribers, args.batch) < 1:
        parser.error("--subscribers and --batch must be at least 1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    with scratch_database("newsroom_bench_newsletters"):
        run(args)


def run(args):
    import django

    django.setup()
    from datetime import timedelta

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from articles.models import Article, Section
    from core.management.commands.run_jobs import Worker
    from newsletters.models import Delivery, Subscriber
    from newsletters.services.mailings import digest_create
    from tests.smtp_server import smtp_server

    call_command("migrate", verbosity=0)
    settings.NEWSROOM_NEWSLETTER_BATCH_SIZE = args.batch
    settings.NEWSROOM_SITE_URL = "https://news.example.org"
    section = Section.objects.create(name_ar="تقارير", name_en="Reports")
    now = timezone.now()
    Article.objects.bulk_create(
        Article(headline_ar=f"خبر رقم {number} من دير الزور", standfirst_ar="موجز الخبر في جملة واحدة.",
                body_ar="<p>نص الخبر.</p>", slug=f"story-{number}", section=section,
                status=Article.Status.PUBLISHED, published_at=now - timedelta(minutes=number))
        for number in range(20)
    )  # fmt: skip
    Subscriber.objects.bulk_create(
        Subscriber(email=f"reader{number}@example.org", digest=True, language="ar", status="confirmed",
                   confirmed_at=now, consent_at=now, consent_version=1, key=f"bench-key-{number:08d}")
        for number in range(args.subscribers)
    )  # fmt: skip
    with smtp_server() as sink:
        for name, value in sink.settings().items():
            setattr(settings, name, value)
        started = time.perf_counter()
        [mailing] = digest_create()
        made = time.perf_counter() - started
        jobs = DBTaskResult.objects.filter(task_path="newsletters.jobs.mailing_send_batch").count()
        worker = Worker(queue_names=["*"], interval=0, batch=True, backend_name="default", startup_delay=False,
                        max_tasks=None, worker_id="bench-newsletters", excluded_queue_names=[])  # fmt: skip
        started = time.perf_counter()
        worker.run()
        sent = time.perf_counter() - started
        received = [message["To"] for message in sink.messages]
        sample = sink.messages[0].as_bytes() if sink.messages else b""
    failed = DBTaskResult.objects.exclude(status=TaskResultStatus.SUCCESSFUL).count()
    if len(received) != args.subscribers or len(set(received)) != args.subscribers or failed:
        raise SystemExit(f"expected {args.subscribers} messages, received {len(received)} ({failed} jobs not done)")
    if Delivery.objects.count() != args.subscribers:
        raise SystemExit("deliveries recorded do not match the messages received")
    result = {
        "benchmark": "newsletters",
        "database": connection.vendor,
        "subscribers": args.subscribers,
        "batch": args.batch,
        "jobs": jobs,
        "make_seconds": round(made, 2),
        "send_seconds": round(sent, 2),
        "messages_per_second": round(args.subscribers / sent, 1),
        "ms_per_message": round(sent / args.subscribers * 1000, 3),
        "html_bytes": len(mailing.html.encode()),
        "message_bytes": len(sample),
    }
    print(f"{'newsletters (' + connection.vendor + ')':<36} {'value':>10}")
    for name in ("subscribers", "batch", "jobs", "make_seconds", "send_seconds", "messages_per_second",
                 "ms_per_message", "html_bytes", "message_bytes"):  # fmt: skip
        print(f"{name:<36} {result[name]:>10}")
    out = ROOT / "bench" / "results" / f"newsletters_{connection.vendor}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"\nWrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
