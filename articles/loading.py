"""
The article page's data in few statements: its parts in one, its related articles in another.

The article page shows, besides the article row, its bylines with their authors, its tags, its corrections, its
photo's renditions, those of the photos inside its text and «قد يعجبك أيضاً». Built with the ORM
(`prefetch_related`, annotated subqueries) most of their cost on every uncached page is building and compiling
queries rather than running them (bench/README.md, "Figures behind decisions in the code"). Here each is one
hand-written statement, and the objects are built from its rows with `Model.from_db()`, as the ORM itself builds
them.

This is the one module that leaves Django's public API for speed: `_prefetched()` fills the caches
`prefetch_related` fills (`_prefetched_objects_cache`, a queryset's `_result_cache`), which no public API lets a
caller fill without querying. tests/test_loading.py holds it to what `prefetch_related` itself leaves behind, so a
Django upgrade that changes those caches fails there rather than on readers' pages.

Which article readers may see is still decided by the ORM's `published()` when the article row is read; the
related articles' statement applies the same rule (`_visible()`, tested against `published()` and
`translated()`).
"""

import json
from datetime import UTC
from functools import cache

from django.conf import settings
from django.db import connections, models
from django.utils.dateparse import parse_datetime

from .inline_photos import photo_ids
from .models import (
    Article,
    ArticleAuthor,
    Author,
    Correction,
    Rendition,
    Section,
    Tag,
    TaggedArticle,
    reader_visible_sql,
)

# How far back each of an article's tags is searched for related articles: its newest fifty visible articles (one
# backward index scan per tag, each entry checked against the article row), so a tag on a third of the archive
# costs what a rare one costs; 200 cost most of the statement's time (bench/README.md, "Figures behind decisions
# in the code").
RELATED_TAGGINGS_PER_TAG = 50


def _columns(model):
    return list(model._meta.concrete_fields)


def _json_array(vendor, model, alias, source, order):
    """SQL for a JSON array of `model` rows (every concrete column, keyed by attname) from `source`, in `order`.
    SQLite keeps the order of an ordered subquery; PostgreSQL is told the order inside the aggregate."""
    pairs = ", ".join(f"'{field.attname}', {alias}.{field.column}" for field in _columns(model))
    if vendor == "postgresql":
        return f"(SELECT coalesce(json_agg(json_build_object({pairs}) ORDER BY {order}), '[]') {source})"
    # Table and column names from the models' own metadata, never from input: nothing here can be injected.
    return f"(SELECT json_group_array(json_object({pairs})) FROM (SELECT {alias}.* {source} ORDER BY {order}) {alias})"  # noqa: S608


def _ids(vendor):
    """SQL for the ids in one parameter: a PostgreSQL array, or a JSON array for SQLite."""
    if vendor == "postgresql":
        return "SELECT unnest(%s::bigint[])"
    return "SELECT value FROM json_each(%s)"


def _ids_parameter(vendor, ids):
    return sorted(ids) if vendor == "postgresql" else json.dumps(sorted(ids))


@cache
def _statement(vendor):
    author, byline = Author._meta.db_table, ArticleAuthor._meta.db_table
    tag, tagged = Tag._meta.db_table, TaggedArticle._meta.db_table
    correction, rendition = Correction._meta.db_table, Rendition._meta.db_table
    parts = [
        _json_array(vendor, ArticleAuthor, "b", f"FROM {byline} b WHERE b.article_id = %s", "b.position, b.id"),
        # The authors of those bylines, in the same order.
        _json_array(
            vendor,
            Author,
            "w",
            f"FROM {author} w JOIN {byline} b ON b.author_id = w.id WHERE b.article_id = %s",
            "b.position, b.id",
        ),
        _json_array(
            vendor,
            Tag,
            "t",
            f"FROM {tag} t JOIN {tagged} x ON x.tag_id = t.id WHERE x.content_object_id = %s",
            "t.name, t.id",
        ),
        _json_array(vendor, Correction, "c", f"FROM {correction} c WHERE c.article_id = %s", "c.published_at, c.id"),
        _json_array(vendor, Rendition, "r", f"FROM {rendition} r WHERE r.image_id = %s", "r.width, r.format"),
        # The renditions of the photos the body shows by reference (articles/inline_photos.py), from a list of ids.
        _json_array(
            vendor,
            Rendition,
            "r",
            f"FROM {rendition} r WHERE r.image_id IN ({_ids(vendor)})",
            "r.image_id, r.width, r.format",
        ),
    ]
    return "SELECT " + ", ".join(parts)


def _aware(value):
    """A timestamp read without the ORM: PostgreSQL gives an aware datetime (or, in JSON, text with its offset);
    SQLite gives UTC without one."""
    moment = parse_datetime(value) if isinstance(value, str) else value
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _value(field, value):
    if value is not None and isinstance(field, models.DateTimeField):
        return _aware(value)
    return value


def _instances(model, rows, using):
    fields = _columns(model)
    names = [field.attname for field in fields]
    return [model.from_db(using, names, [_value(field, row[field.attname]) for field in fields]) for row in rows]


def attach_page_parts(article):
    """Fetch `article`'s bylines (with authors), tags, corrections and featured photo's renditions in one query,
    into the caches `prefetch_related` fills; and the renditions of the photos its bodies show, by photo, as
    `article.inline_photos` (what articles/inline_photos.py draws them from)."""
    using = article._state.db or "default"
    connection = connections[using]
    shown = photo_ids(*(getattr(article, f"body_{code}") for code, _name in settings.LANGUAGES))
    parameters = [article.pk] * 4 + [article.featured_image_id, _ids_parameter(connection.vendor, shown)]
    with connection.cursor() as cursor:
        cursor.execute(_statement(connection.vendor), parameters)
        row = cursor.fetchone()
    bylines, authors, tags, corrections, renditions, inline = (
        _instances(model, value if isinstance(value, list) else json.loads(value), using)
        for model, value in zip((ArticleAuthor, Author, Tag, Correction, Rendition, Rendition), row, strict=True)
    )
    article.inline_photos = {photo_id: [] for photo_id in shown}
    for rendition in inline:
        article.inline_photos[rendition.image_id].append(rendition)
    for byline, author in zip(bylines, authors, strict=True):
        byline.author = author
    _prefetched(article, bylines=bylines, tags=tags, corrections=corrections)
    if article.featured_image is not None:
        _prefetched(article.featured_image, renditions=renditions)
    return article


def _prefetched(instance, **related):
    """Put rows where `prefetch_related` puts them: each relation's own (unevaluated) queryset, its result cache
    filled, so `.all()` reads it and anything else still queries correctly."""
    cache = instance.__dict__.setdefault("_prefetched_objects_cache", {})
    for name, objects in related.items():
        queryset = getattr(instance, name).get_queryset()
        queryset._result_cache = objects
        queryset._prefetch_done = True
        cache[name] = queryset


def _visible(language):
    """SQL (on the article alias `a`) and its parameters for what readers may see in `language`: the rule of
    `Article.objects.published().translated(language)`, from its one home."""
    return reader_visible_sql("a", language=language)


RELATED_ARTICLE_FIELDS = ("id", "headline", "headline_ar", "headline_en", "slug", "section_id", "published_at")
RELATED_SECTION_FIELDS = ("id", "name", "name_ar", "name_en", "slug", "position")


def related_articles(article, *, language, limit=4, candidates=40):
    """
    «قد يعجبك أيضاً»: up to `limit` other articles readers may see in `language`, those sharing the most tags with
    `article` first, then those of its section, newest first; each with its section, and only what the list shows.

    One statement ranks a few dozen candidates: the recent visible articles of each of its tags and the newest of
    its section. On PostgreSQL it never reads a whole tag or section, so the cost does not grow with the archive;
    SQLite (one machine, a small archive) counts every visible tagging of the article's tags. It chooses among
    what readers may see, so drafts and untranslated articles cannot crowd the candidates out.
    """
    connection = connections[article._state.db or "default"]
    tagged, articles, sections = TaggedArticle._meta.db_table, Article._meta.db_table, Section._meta.db_table
    tag_ids = [tag.pk for tag in article.tags.all()]
    visible, visible_params = _visible(language)
    if connection.vendor == "postgresql":
        # The newest visible taggings of each tag: a backward walk of the (tag, article) index per tag.
        sharing = (
            "SELECT recent.id AS article, count(*) AS shared"  # noqa: S608 - our own fragments, no input
            " FROM unnest(%s::bigint[]) AS tag (id) CROSS JOIN LATERAL"
            f" (SELECT a.id FROM {tagged} t JOIN {articles} a ON a.id = t.content_object_id"
            f" WHERE t.tag_id = tag.id AND a.id <> %s AND {visible}"
            " ORDER BY t.content_object_id DESC LIMIT %s) AS recent GROUP BY recent.id"
        )
        sharing_params = [tag_ids, article.pk, *visible_params, RELATED_TAGGINGS_PER_TAG]
    else:
        marks = ", ".join(["%s"] * len(tag_ids)) or "NULL"
        sharing = (
            f"SELECT a.id AS article, count(*) AS shared FROM {tagged} t"  # noqa: S608 - as above
            f" JOIN {articles} a ON a.id = t.content_object_id"
            f" WHERE t.tag_id IN ({marks}) AND a.id <> %s AND {visible} GROUP BY a.id"
        )
        sharing_params = [*tag_ids, article.pk, *visible_params]
    columns = ", ".join(
        [*(f"a.{name}" for name in RELATED_ARTICLE_FIELDS), *(f"s.{name}" for name in RELATED_SECTION_FIELDS)]
    )
    statement = (
        f"SELECT {columns} FROM ("  # noqa: S608 - as above
        " SELECT candidate.article, max(candidate.shared) AS shared FROM ("
        f" SELECT * FROM ({sharing} ORDER BY shared DESC, article DESC LIMIT %s) AS by_tags"
        f" UNION ALL SELECT * FROM (SELECT a.id AS article, 0 AS shared FROM {articles} a"
        f" WHERE a.section_id = %s AND a.id <> %s AND {visible}"
        " ORDER BY a.published_at DESC, a.id DESC LIMIT %s) AS by_section"
        " ) AS candidate GROUP BY candidate.article"
        f") AS ranked JOIN {articles} a ON a.id = ranked.article JOIN {sections} s ON s.id = a.section_id"
        " ORDER BY ranked.shared DESC, CASE WHEN a.section_id = %s THEN 1 ELSE 0 END DESC, a.published_at DESC,"
        " a.id DESC LIMIT %s"
    )
    params = [*sharing_params, candidates, article.section_id, article.pk, *visible_params, candidates,
              article.section_id, limit]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        rows = cursor.fetchall()
    using, width = connection.alias, len(RELATED_ARTICLE_FIELDS)
    related = []
    for row in rows:
        values = list(row[:width])
        values[-1] = _aware(values[-1])
        other = Article.from_db(using, RELATED_ARTICLE_FIELDS, values)
        other.section = Section.from_db(using, RELATED_SECTION_FIELDS, row[width:])
        related.append(other)
    return related
