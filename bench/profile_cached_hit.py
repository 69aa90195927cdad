"""
Where a cached page's time goes, in process: cProfile over a few thousand page-cache hits of one article page
through Django's test client (the full middleware stack), with the cache in a Redis of the script's own. Prints
the functions that take the most time, cumulative and own. The figures in bench/README.md ("Where a cached hit's
time goes") come from this script.

Run: .venv/bin/python bench/profile_cached_hit.py --hits 3000
"""

import argparse
import cProfile
import os
import pstats
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hits", type=int, default=3000)
    parser.add_argument("--lines", type=int, default=30)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client, override_settings

    from tests.factories import make_article
    from tests.redis_server import redis_server

    call_command("migrate", verbosity=0)
    url = make_article(headline_ar="قوارب الصيد تعود إلى الفرات", body_ar="<p>فقرة.</p>" * 40).get_absolute_url()
    with tempfile.TemporaryDirectory() as directory, redis_server(Path(directory)) as redis_url:
        backend = {"BACKEND": "core.cache.SharedCache", "LOCATION": redis_url, "KEY_PREFIX": "profile"}
        with override_settings(CACHES={"default": backend}):
            reader = Client()
            for _ in range(50):
                reader.get(url)
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.hits):
                reader.get(url)
            profiler.disable()
    stats = pstats.Stats(profiler)
    print(f"{args.hits} cached hits; times are totals over all of them")
    stats.sort_stats("cumulative").print_stats(args.lines)
    stats.sort_stats("tottime").print_stats(args.lines)


if __name__ == "__main__":
    main()
