"""
Comment POST throughput, in process: the Django stack (middleware, the form with its signed token and screening,
rate limits in the cache, the INSERT), driven by Django's test client one request after another. The test client
skips the CSRF check and the network; the served figure under gunicorn comes with the load harness (issue 7).

It measures what one worker process can accept; bench/README.md says how to read it. Uses a scratch database:
SQLite in a temporary file by default, or the PostgreSQL server DATABASE_URL names (a scratch database on it).

Run: make bench-comments   (or: .venv/bin/python bench/comment_post.py --posts 1000)
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


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=1000)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    with scratch_database("newsroom_bench_comments"):
        measure(args)


def measure(args):
    import django

    django.setup()
    import time_machine
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from articles.models import Article, Section
    from comments.forms import form_token
    from comments.models import Comment

    try:
        call_command("migrate", verbosity=0)
        settings.NEWSROOM_COMMENT_RATE_PER_ADDRESS = args.posts + 1
        settings.NEWSROOM_COMMENT_NOTIFY_MODERATORS = False
        section = Section.objects.create(name_ar="تقارير")
        article = Article.objects.create(
            headline_ar="مقال للتعليق", body_ar="<p>نص</p>", section=section,
            status=Article.Status.PUBLISHED, published_at=timezone.now() - timedelta(hours=1),
        )  # fmt: skip
        with time_machine.travel(timezone.now() - timedelta(minutes=1), tick=False):
            token = form_token(article.pk)
        client = Client()
        url = f"/comments/post/{article.pk}/"
        durations = []
        for number in range(args.posts):
            data = {"name": f"قارئ {number}", "email": f"r{number}@example.org", "body": f"تعليق رقم {number}",
                    "consent": "on", "token": token, "website": "", "parent": ""}  # fmt: skip
            started = time.perf_counter()
            response = client.post(url, data, REMOTE_ADDR="203.0.113.9")
            durations.append(time.perf_counter() - started)
            if response.status_code != 302:
                raise SystemExit(f"post {number} answered {response.status_code}")
        stored = Comment.objects.count()
        total = sum(durations)
        result = {
            "benchmark": "comment_post",
            "database": connection.vendor,
            "posts": args.posts,
            "stored": stored,
            "posts_per_second": round(args.posts / total, 1),
            "median_ms": round(statistics.median(durations) * 1000, 2),
            "p99_ms": round(sorted(durations)[int(len(durations) * 0.99) - 1] * 1000, 2),
        }
        print(json.dumps(result, indent=2))
        out = ROOT / "bench" / "results" / f"comment_post_{connection.vendor}.json"
        out.write_text(json.dumps(result, indent=2) + "\n")
    finally:
        connection.close()


if __name__ == "__main__":
    main()
