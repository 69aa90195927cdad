"""
Search time on a newsroom of 10,000 articles (100,000 with --articles 100000), on PostgreSQL.

Creates a scratch database (UTF-8 locale) on the server DATABASE_URL points at, migrates it, fills it with
generated Arabic articles, then times Article.objects.published().search() for a few queries (median of 20
runs each, the page's first 20 results) and checks with EXPLAIN that the GIN index is used. Drops the database.

Run: make bench-search   (DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/postgres)
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SERVER = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
SCRATCH = "newsroom_bench_search"

# Words of the kind this newsroom writes with, each used in a few per cent of articles, amid a long tail of
# made-up words (drawn with a Zipf-like skew), so that a query matches a realistic share of the articles.
WORDS = (
    "قوات محلية مدينة الرقة دير الزور الميادين البوكمال الحسكة نهر الفرات العبارات المزارعون القمح المياه "
    "الكهرباء المستشفى الوطني المدرسة الأطفال السوق الخبز الأسعار المجلس المحلي الانتخابات الطريق الجسر "
    "العائلات النازحين المخيم الشتاء الصيف الحصاد المضخات الوقود المازوت الطحين الأفران المعلمون الطلاب "
    "الأطباء الممرضات الدواء الصيادلة الشاحنات القرى الأرياف الضفة الشرقية الغربية أحمد محمد ليلى سلمى عمر "
    "قال أكد أعلن افتتح عاد انتشر وصل غادر بدأ انتهى استمر ارتفع انخفض تحسن تراجع يوم أسبوع شهر عام"
).split()


LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"


def make_vocabulary(rng, size=30_000):
    return ["".join(rng.choice(LETTERS) for _ in range(rng.randint(3, 7))) for _ in range(size)]


def make_text(rng, vocabulary, words):
    text = []
    for _ in range(words):
        if rng.random() < 0.03:
            text.append(rng.choice(WORDS))
        else:
            text.append(vocabulary[min(int(rng.paretovariate(1.1)) - 1, len(vocabulary) - 1)])
    return " ".join(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=10_000)
    args = parser.parse_args()

    with psycopg.connect(SERVER, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {SCRATCH}")
        admin.execute(f"CREATE DATABASE {SCRATCH} TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8'")
    try:
        os.environ["DATABASE_URL"] = SERVER.rsplit("/", 1)[0] + f"/{SCRATCH}"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection
        from django.utils import timezone

        from articles.models import Article, Section
        from core.arabic import index_document, normalize_arabic

        call_command("migrate", verbosity=0)
        section = Section.objects.create(name_ar="تقارير")
        rng = random.Random(7)  # noqa: S311 - test data, not secrets
        vocabulary = make_vocabulary(rng)
        now = timezone.now()
        started = time.perf_counter()
        batch = []
        for number in range(args.articles):
            headline, body = make_text(rng, vocabulary, 9), make_text(rng, vocabulary, 180)
            batch.append(
                Article(
                    headline=headline,
                    headline_ar=headline,
                    body_ar=f"<p>{body}</p>",
                    slug=f"a-{number}",
                    section=section,
                    status=Article.Status.PUBLISHED,
                    published_at=now - timedelta(minutes=number),
                    search_text=normalize_arabic(f"{headline} {body}"),
                    search_index=f" {index_document(f'{headline} {body}')} ",
                )
            )
            if len(batch) == 1000:
                Article.objects.bulk_create(batch)
                batch.clear()
                print(f"\r{number + 1:,} articles", end="", flush=True)
        Article.objects.bulk_create(batch)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE articles_article")
        print(f"\r{args.articles:,} articles made in {time.perf_counter() - started:.1f} s")

        results = {}
        for query in ("احمد", "مدينه الرقة", "والقوات المحلية", "المستشفى الوطني الأطباء", "كلمةغيرموجودة"):
            queryset = Article.objects.published().search(query)
            times = []
            for _ in range(20):
                started = time.perf_counter()
                page = list(queryset[:20])
                count = queryset.count()
                times.append(time.perf_counter() - started)
            plan = queryset[:20].explain()
            results[query] = {
                "matches": count,
                "median_ms": round(statistics.median(times) * 1000, 2),
                "uses_gin_index": "article_search_vector_gin" in plan,
                "first_page": len(page),
            }
            found = results[query]
            print(f"  {query:<28} {count:>6} matches  {found['median_ms']:7.2f} ms  index: {found['uses_gin_index']}")
        out = ROOT / "bench" / "results" / "search.json"
        out.write_text(
            json.dumps(
                {"benchmark": "search", "articles": args.articles, "queries": results}, ensure_ascii=False, indent=2
            )
            + "\n"
        )
        print(f"Written to {out}")
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(SERVER, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {SCRATCH}")


if __name__ == "__main__":
    main()
