"""
What a cached page costs on each cache backend, in process: the same article page asked for again and again by an
anonymous reader through Django's test client, every answer a page-cache hit, with the cache in
- local memory (the embedded default until issue 15: fast, but each process had a cache of its own, so a purge in
  one process left the others serving stale pages),
- the site's database (today's embedded default, without REDIS_URL: every process sees the same cache),
- Redis (production; a server of the benchmark's own on a free loopback port).
The database is SQLite in a temporary file, or a scratch database on the PostgreSQL server DATABASE_URL names.

Run: make bench-cache   (or: .venv/bin/python bench/cache_backends.py --hits 2000)
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.scratch import scratch_database  # noqa: E402 - after the path is set


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hits", type=int, default=2000)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    with scratch_database("newsroom_bench_cache"):
        measure(args)


def measure(args):
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client, override_settings

    from tests.factories import make_article
    from tests.redis_server import redis_server

    results = {}
    try:
        call_command("migrate", verbosity=0)
        article = make_article(headline_ar="قوارب الصيد تعود إلى الفرات", body_ar="<p>فقرة من التقرير.</p>" * 40)
        url = article.get_absolute_url()
        with tempfile.TemporaryDirectory() as redis_dir, redis_server(Path(redis_dir)) as redis_url:
            backends = {
                "local memory (one process only)": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
                "database (the embedded default)": {
                    "BACKEND": "django.core.cache.backends.db.DatabaseCache",
                    "LOCATION": "newsroom_cache",
                    "OPTIONS": {"MAX_ENTRIES": 20000, "CULL_FREQUENCY": 4},
                },
                "Redis": {"BACKEND": "core.cache.SharedCache", "LOCATION": redis_url, "KEY_PREFIX": "bench"},
            }
            for name, backend in backends.items():
                with override_settings(CACHES={"default": backend}):
                    reader = Client()
                    for _ in range(20):  # the first stores the page; the rest warm the process
                        reader.get(url)
                    samples = []
                    for _ in range(args.hits):
                        started = time.perf_counter()
                        response = reader.get(url)
                        samples.append(time.perf_counter() - started)
                        if response["X-Page-Cache"] != "hit":
                            raise RuntimeError(f"{name}: a {response['X-Page-Cache']}, not a hit")
                    samples.sort()
                    results[name] = {
                        "median_ms": round(statistics.median(samples) * 1000, 3),
                        "p99_ms": round(samples[int(len(samples) * 0.99) - 1] * 1000, 3),
                    }
        database = connection.vendor
    finally:
        connection.close()

    print(f"A cached article page, in process ({database}, {args.hits} hits each)")
    print(f"{'cache':38} {'median ms':>10} {'p99 ms':>8}")
    for name, figures in results.items():
        print(f"{name:38} {figures['median_ms']:>10} {figures['p99_ms']:>8}")
    out = ROOT / "bench" / "results" / f"cache_backends_{database}.json"
    out.write_text(json.dumps({"database": database, "hits": args.hits, "results": results}, indent=2) + "\n")
    print(f"Wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
