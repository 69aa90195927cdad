"""
Reads of article pages, stored: the counts core/reads.py hands over, added to each article's hour, and counts
older than the retention period deleted.

The addition is one hand-written statement, kept here alone (STYLE habit 20): Django's
`bulk_create(update_conflicts=True)` can only overwrite a conflicting row's columns with the new values, not add
to them, and reading each row before writing it would lose counts when two workers flush the same hour at once.
`INSERT … ON CONFLICT (article_id, hour) DO UPDATE SET reads = <table>.reads + excluded.reads` is the same SQL on
SQLite (3.24 and later) and PostgreSQL (which wants the existing row's column named through its table: unqualified,
`reads` would be ambiguous with `excluded.reads`). tests/test_most_read.py holds it to the plain ORM version,
`reads_add_plainly()`.
"""

from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from ..models import Article, ArticleReads


def _upsert_sql():
    quote = connection.ops.quote_name
    table = quote(ArticleReads._meta.db_table)
    article, hour, reads = (quote(ArticleReads._meta.get_field(name).column) for name in ("article", "hour", "reads"))
    # Names from our own model's metadata, never from a request; the values travel as parameters.
    return (
        f"INSERT INTO {table} ({article}, {hour}, {reads}) VALUES (%s, %s, %s) "  # noqa: S608
        f"ON CONFLICT ({article}, {hour}) DO UPDATE SET {reads} = {table}.{reads} + excluded.{reads}"
    )


def _existing(counts):
    """`counts` without the articles deleted since their page was read (one query)."""
    ids = {pk for pk, _hour in counts}
    kept = set(Article.objects.filter(pk__in=ids).values_list("pk", flat=True))
    return {(pk, hour): reads for (pk, hour), reads in counts.items() if pk in kept and reads > 0}


def reads_add(counts) -> int:
    """Add `counts` ({(article pk, hour): reads}, each hour an aware datetime on the hour) to the stored reads:
    the sink core/reads.py flushes the article pages' counts into. Reads of articles that no longer exist are
    skipped. Returns how many rows were written."""
    counts = _existing(counts)
    if not counts:
        return 0
    adapt = connection.ops.adapt_datetimefield_value
    rows = [(pk, adapt(hour), reads) for (pk, hour), reads in sorted(counts.items())]
    # In the order of the unique key, so two workers flushing the same hours take the rows' locks in one order.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(_upsert_sql(), rows)
    return len(rows)


def reads_add_plainly(counts) -> int:
    """What `reads_add()` does, through the ORM, a row at a time: its parity test's reference. Not for production
    (it races between workers, and costs two queries per row)."""
    counts = _existing(counts)
    with transaction.atomic():
        for (pk, hour), reads in counts.items():
            row, created = ArticleReads.objects.get_or_create(article_id=pk, hour=hour, defaults={"reads": reads})
            if not created:
                ArticleReads.objects.filter(pk=row.pk).update(reads=F("reads") + reads)
    return len(counts)


def reads_prune(*, now=None, dry_run=False) -> int:
    """Delete the counts of hours older than NEWSROOM_READS_RETENTION_DAYS (`manage.py apply_retention`):
    idempotent, and safe to run concurrently. Returns how many hourly rows were (or, with `dry_run`, would be)
    deleted."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.NEWSROOM_READS_RETENTION_DAYS)
    old = ArticleReads.objects.filter(hour__lt=cutoff)
    if dry_run:
        return old.count()
    deleted, _by_model = old.delete()
    return deleted
