"""
A realistic newsroom for the benchmarks: sections, ~500 authors, ~2,000 tags, a dozen photos with renditions, and
10,000 (or 100,000) articles of varied Arabic news prose, most with an English translation, with bylines and tags;
the benchmarked articles get ~20 approved comments and a correction.

The prose is generated from our own word lists: sentence patterns filled with places, people, institutions, verbs
and numbers, so words recur the way they do in a regional newsroom («دير الزور» in many reports, a village's name
in a few) and search meets realistic term frequencies. Rows go in with bulk_create, computing what save() would
(slugs, search text, tag keys); Django's signals do not run, so the page cache is purged at the end.

Used by bench/served.py; importable once Django is set up.
"""

import multiprocessing
import os
import random
import sys
import time
from datetime import timedelta

PLACES = (
    "دير الزور الميادين البوكمال الرقة الحسكة القامشلي هجين الشحيل الباغوز الصور البصيرة ذيبان العشارة "
    "الطيانة موحسن الكسرة معدان الطبقة عين عيسى تل أبيض الشدادي مركدة الهول البوليل الجرذي غرانيج"
).split()
PLACE_NAMES = [
    "دير الزور", "الميادين", "البوكمال", "الرقة", "الحسكة", "القامشلي", "هجين", "الشحيل", "الباغوز", "الصور",
    "البصيرة", "ذيبان", "العشارة", "الطيانة", "موحسن", "الكسرة", "معدان", "الطبقة", "عين عيسى", "تل أبيض",
    "الشدادي", "مركدة", "الهول", "البوليل", "الجرذي", "غرانيج", "السوسة", "أبو حمام", "الجلاء", "الخريطة",
]  # fmt: skip
SUBJECTS = [
    "المجلس المحلي", "أهالي القرية", "مديرية الصحة", "لجنة الزراعة", "فرق الدفاع المدني", "المعلمون",
    "تجار السوق", "منظمة إغاثية", "الأطباء في المستشفى الوطني", "سائقو الشاحنات", "الصيادون", "المزارعون",
    "طلاب الجامعة", "عمال الكهرباء", "لجنة المياه", "النساء العاملات في الخياطة", "أصحاب الأفران",
]  # fmt: skip
VERBS = [
    "أعلن", "افتتح", "طالب", "أكد", "نفى", "بدأ", "أنهى", "استأنف", "علّق", "وزّع", "رمّم", "أغلق", "نظّم",
    "استقبل", "حذّر من", "اشتكى من", "رحّب بـ", "أطلق",
]  # fmt: skip
OBJECTS = [
    "مشروعاً لإصلاح شبكة المياه", "حملة لتلقيح الأطفال", "سوقاً شعبية جديدة", "توزيع الطحين على الأفران",
    "إعادة فتح الجسر المعلّق", "ارتفاع أسعار المازوت", "نقص الأدوية المزمنة", "تأخر رواتب المعلمين",
    "موسم حصاد القمح", "انقطاع الكهرباء لساعات طويلة", "عودة العبّارات النهرية", "ترميم المدرسة الابتدائية",
    "دورات لتعليم الخياطة", "فتح طريق زراعي بين القرى", "تشغيل مضخات الري", "إزالة الألغام من الحقول",
    "ورشة لإصلاح الهواتف", "مبادرة لتنظيف ضفة النهر", "خطة لاستقبال النازحين قبل الشتاء",
]  # fmt: skip
TIMES = ["صباح الأحد", "مساء السبت", "خلال الأسبوع الماضي", "منذ مطلع الشهر", "يوم الخميس", "هذا الموسم",
         "بعد أشهر من الانتظار", "للمرة الأولى منذ سنوات"]  # fmt: skip
DETAILS = [
    "وقال أحد السكان إن الناس ينتظرون نتائج ملموسة قبل الحكم على المشروع",
    "وأوضح مسؤول محلي أن العمل سيستمر رغم نقص التمويل",
    "وأشار المزارعون إلى أن كلفة الوقود تلتهم معظم أرباحهم",
    "ولم يصدر تعليق رسمي حتى ساعة كتابة هذا التقرير",
    "وتحدث شهود عن ازدحام كبير أمام المراكز منذ ساعات الفجر",
    "ويقدّر ناشطون عدد المستفيدين بنحو %(number)s عائلة",
    "وبلغ سعر الكيلوغرام %(number)s ليرة في السوق المحلية",
    "وتأمل العائلات أن تعود الحياة إلى طبيعتها قبل حلول الشتاء",
    "وشارك في العمل أكثر من %(number)s متطوع من أبناء المنطقة",
]  # fmt: skip
FIRST_NAMES = "أحمد محمد عمر خالد ياسر ليلى سلمى هالة رنا نور فراس مازن جود لين سامر رهف بشار آية حسن زينب".split()
LAST_NAMES = "الحسن العلي الخطيب الأحمد الشيخ العبدالله الجاسم الصالح المحمد الفرحان الدندل الرجب العيسى".split()
LATIN_FIRST = "Ahmad Mohammad Omar Khaled Yaser Layla Salma Hala Rana Nour Firas Mazen Joud Leen Samer Rahaf " \
    "Bashar Aya Hasan Zainab".split()  # fmt: skip
LATIN_LAST = "al-Hasan al-Ali al-Khatib al-Ahmad al-Sheikh al-Abdullah al-Jasem al-Saleh al-Mohammad al-Farhan " \
    "al-Dandal al-Rajab al-Issa".split()  # fmt: skip
SECTIONS = [("أخبار محلية", "Local news"), ("اقتصاد", "Economy"), ("صحة", "Health"), ("تعليم", "Education"),
            ("مجتمع", "Society"), ("تقارير ميدانية", "Field reports")]  # fmt: skip
TAG_STEMS = ["سوق", "مدرسة", "مستشفى", "جسر", "مخيم", "مجلس", "نهر", "طريق", "مزرعة", "فرن"]


class Progress:
    """One line on stderr, rewritten in place: what is being made, how far, and how long so far."""

    def __init__(self, label, total):
        self.label, self.total, self.started, self.shown, self.done = label, total, time.perf_counter(), -1, 0

    def update(self, done):
        self.done = done
        percent = done * 100 // max(self.total, 1)
        if percent != self.shown:
            self.shown = percent
            bar = "#" * (percent // 4)
            elapsed = time.perf_counter() - self.started
            sys.stderr.write(f"\r  {self.label:<10} [{bar:<25}] {done:>7,}/{self.total:,}  {elapsed:5.1f} s")
            sys.stderr.flush()

    def close(self):
        self.update(self.total)
        sys.stderr.write("\n")


def sentence(rng):
    detail = rng.choice(DETAILS) % {"number": rng.randint(12, 4800)}
    return (
        f"{rng.choice(VERBS)} {rng.choice(SUBJECTS)} في {rng.choice(PLACE_NAMES)} {rng.choice(TIMES)} "
        f"{rng.choice(OBJECTS)}، {detail}."
    )


def headline(rng):
    return f"{rng.choice(PLACE_NAMES)}: {rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}"


def english_paragraph(rng, place):
    return (
        f"<p>Residents of {place} describe {rng.choice(['a slow', 'a hopeful', 'an uneven', 'a difficult'])} "
        f"{rng.choice(['season', 'week', 'month', 'recovery'])}: prices of fuel and bread, the state of the river "
        f"crossings and the schools are what people talk about, {rng.randint(3, 40)} days into the work.</p>"
    )


CHUNK = 1000


def _article_rows(chunk):
    """Generate `count` articles from number `start` on (in a worker process): their text fields, computed search
    columns, and which section, photo, authors and tags they get (as indexes into the lists the caller holds)."""
    from core.arabic import index_document, normalize_arabic, unicode_slug

    start, count, total, seed_value, tag_count = chunk
    rng = random.Random(seed_value)  # noqa: S311 - generated test data, not secrets
    weights = [1 / (rank + 1) for rank in range(tag_count)]  # a few tags on many articles, most on few
    rows = []
    for number in range(start, start + count):
        title = headline(rng)
        paragraphs = [" ".join(sentence(rng) for _ in range(rng.randint(2, 4))) for _ in range(rng.randint(4, 8))]
        body_ar = "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
        standfirst = sentence(rng)
        english = rng.random() < 0.6
        place = rng.choice(PLACE_NAMES)
        headline_en = f"{rng.choice(['Life returns to', 'Prices climb in', 'Schools reopen in', 'Water back in'])} " \
            f"{place}" if english else None  # fmt: skip
        body_en = "".join(english_paragraph(rng, place) for _ in range(3)) if english else None
        text = " ".join(part for part in (title, standfirst, body_ar, headline_en or "", body_en or ""))
        plain = text.replace("<p>", " ").replace("</p>", " ")
        rows.append(
            {
                "fields": {
                    "headline": title, "headline_ar": title, "headline_en": headline_en,
                    "standfirst": standfirst, "standfirst_ar": standfirst,
                    "body": body_ar, "body_ar": body_ar, "body_en": body_en,
                    "dateline": place, "dateline_ar": place,
                    "slug": f"{unicode_slug(title, 70)}-{number}",
                    "search_text": normalize_arabic(plain),
                    "search_index": f" {index_document(plain)} ",
                },
                "section": rng.randrange(len(SECTIONS)),
                "image": rng.randrange(12) if rng.random() < 0.6 else None,
                "authors": rng.sample(range(500), rng.choice((1, 1, 1, 2))),
                "tags": sorted(set(rng.choices(range(tag_count), weights=weights, k=rng.randint(2, 5)))),
                "age_minutes": total - number,
            }
        )  # fmt: skip
    return rows


def seed(*, articles, rng=None, progress=True):
    """Fill an empty, migrated database. Returns the articles the benchmarks load (the newest, with comments)."""
    from django.contrib.auth import get_user_model
    from django.db import connection, connections
    from django.utils import timezone

    from articles.models import Article, ArticleAuthor, Author, Correction, Image, Section, Tag, TaggedArticle
    from articles.services.images import image_store
    from comments.models import Comment
    from core.arabic import normalize_arabic, tag_key, unicode_slug
    from core.pagecache import pages_purge_all
    from tests import photos

    rng = rng or random.Random(2026)  # noqa: S311 - generated test data, not secrets
    now = timezone.now()
    started = time.perf_counter()
    editor = get_user_model().objects.create_user("bench-editor", "bench@example.org", None, is_staff=True)

    sections = [
        Section.objects.create(name_ar=arabic, name_en=english, name=arabic, slug=unicode_slug(arabic, 80))
        for arabic, english in SECTIONS
    ]
    authors = []
    for number in range(500):
        first, last = rng.randrange(len(FIRST_NAMES)), rng.randrange(len(LAST_NAMES))
        name = f"{FIRST_NAMES[first]} {LAST_NAMES[last]}"
        authors.append(
            Author(
                name=name, name_ar=name, name_en=f"{LATIN_FIRST[first]} {LATIN_LAST[last]}",
                slug=f"{unicode_slug(name, 60)}-{number}", search_name=normalize_arabic(name),
            )
        )  # fmt: skip
    authors = Author.objects.bulk_create(authors)

    names = list(dict.fromkeys(PLACE_NAMES))
    while len(names) < 2000:
        names.append(f"{rng.choice(TAG_STEMS)} {rng.choice(PLACE_NAMES)} {len(names)}")
    seen, tags = set(), []
    for name in names:
        key = tag_key(name)
        if key and key not in seen:
            seen.add(key)
            tags.append(Tag(name=name, slug=f"{unicode_slug(name, 70)}-{len(tags)}", normalized=key))
    tags = Tag.objects.bulk_create(tags)

    pictures = Progress("photos", 12) if progress else None
    images = []
    for number in range(12):
        image = Image(alt_ar=f"مشهد من {PLACE_NAMES[number]}", credit_ar="مراسلنا", caption_ar=PLACE_NAMES[number])
        images.append(image_store(image=image, upload=photos.camera_jpeg(1600, 1067), by=editor))
        if pictures:
            pictures.update(number + 1)
    if pictures:
        pictures.close()

    made = Progress("articles", articles) if progress else None
    chunks = [(start, min(CHUNK, articles - start), articles, rng.randrange(2**32), len(tags))
              for start in range(0, articles, CHUNK)]  # fmt: skip
    # The prose (and its search text) is made by one process per core while this one inserts what is ready. No
    # database connection may be shared with the workers: this process opens a new one after the fork.
    connections.close_all()
    with multiprocessing.get_context("fork").Pool(os.cpu_count()) as pool:
        for rows in pool.imap(_article_rows, chunks):
            batch = [
                Article(
                    **row["fields"],
                    section=sections[row["section"]],
                    featured_image=images[row["image"]] if row["image"] is not None else None,
                    status=Article.Status.PUBLISHED,
                    published_at=now - timedelta(minutes=row["age_minutes"]),
                    created_by=editor,
                )
                for row in rows
            ]
            created = Article.objects.bulk_create(batch)
            bylines, taggings = [], []
            for article, row in zip(created, rows, strict=True):
                for position, author in enumerate(row["authors"]):
                    bylines.append(ArticleAuthor(article=article, author=authors[author], position=position))
                taggings.extend(TaggedArticle(content_object=article, tag=tags[tag]) for tag in row["tags"])
            ArticleAuthor.objects.bulk_create(bylines)
            TaggedArticle.objects.bulk_create(taggings)
            if made:
                made.update(made.done + len(rows))
    if made:
        made.close()

    benchmarked = list(Article.objects.published().order_by("-published_at")[:5])
    comments = []
    for article in benchmarked:
        Correction.objects.create(article=article, text_ar="صُحّح عدد المستفيدين الوارد في الفقرة الثالثة.")
        for number in range(20):
            comments.append(
                Comment(
                    article=article, name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                    email=f"reader{number}@example.org", body=sentence(rng), status=Comment.Status.APPROVED,
                    consent_at=now, consent_version="bench",
                )
            )  # fmt: skip
    Comment.objects.bulk_create(comments)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # What autovacuum does on a live server soon after such a load: statistics, and the visibility map that
            # index-only scans need.
            cursor.execute("VACUUM ANALYZE")
    pages_purge_all()
    return benchmarked, time.perf_counter() - started
