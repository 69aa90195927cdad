"""The article page's anatomy: dates, tags, share links, related stories, structured data."""

import json
import re
from datetime import UTC, date, datetime, timedelta
from urllib.parse import unquote

import pytest
import time_machine
from django.template import Context, Template, engines
from django.utils import dateformat, timezone
from django.utils.translation import override

from articles.models import Article
from tests.factories import make_article, make_author, make_section

MARCH_23_2019 = timezone.make_aware(datetime(2019, 3, 23, 17, 5))  # noqa: DTZ001 - made aware here


@pytest.mark.django_db
def test_dual_date_in_arabic_and_english(client):
    url = make_article(headline_en="Ferries", published_at=MARCH_23_2019).get_absolute_url()
    arabic, english = client.get(url).content.decode(), client.get(f"/en{url}").content.decode()
    assert "السبت 16 رجب 1440 هـ الموافق 23 مارس 2019 م" in arabic
    assert "Saturday 16 Rajab 1440 AH, 23 March 2019" in english


@pytest.mark.django_db
def test_the_hijri_date_follows_the_newsrooms_midnight(client, settings):
    """22:30 UTC on 23 March 2019 is already the 24th in Damascus, and so 17 Rajab."""
    late = datetime(2019, 3, 23, 22, 30, tzinfo=UTC)
    html = client.get(make_article(published_at=late).get_absolute_url()).content.decode()
    assert "الأحد 17 رجب 1440 هـ الموافق 24 مارس 2019 م" in html


@pytest.mark.django_db
def test_arabic_indic_digits_are_a_display_setting(client, settings):
    settings.NEWSROOM_ARABIC_INDIC_DIGITS = True
    article = make_article(published_at=MARCH_23_2019, headline_en="Ferries")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "السبت ١٦ رجب ١٤٤٠ هـ الموافق ٢٣ مارس ٢٠١٩ م" in html
    assert 'datetime="2019-03-23T' in html  # machine-readable dates keep Western digits
    assert f"/news/{article.pk}/" in html  # and so do addresses
    assert "Saturday 16 Rajab 1440 AH" in client.get(f"/en{article.get_absolute_url()}").content.decode()


@pytest.mark.django_db
def test_last_updated_appears_only_after_a_later_change(client):
    with time_machine.travel(MARCH_23_2019, tick=False):
        article = make_article(published_at=MARCH_23_2019)
    assert "آخر تحديث" not in client.get(article.get_absolute_url()).content.decode()
    with time_machine.travel(MARCH_23_2019 + timedelta(hours=3), tick=False):
        article.save()
    assert "آخر تحديث" in client.get(article.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_tags_link_to_their_pages_and_share_links_are_plain_links(client):
    article = make_article()
    article.tags.add("دير الزور")
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'href="/tag/%D8%AF%D9%8A%D8%B1-%D8%A7%D9%84%D8%B2%D9%88%D8%B1/" dir="auto">دير الزور</a>' in html
    shares = re.findall(r'<a href="([^"]+)" rel="noopener noreferrer nofollow">', html)
    assert [share.split("?")[0] for share in shares] == [
        "https://t.me/share/url",
        "https://wa.me/",
        "https://x.com/intent/post",
        "https://www.facebook.com/sharer/sharer.php",
        "mailto:",
    ]
    assert "http%3A%2F%2Ftestserver%2Fnews%2F" in shares[0]
    scripts = re.findall(r'<script src="([^"]+)"', html)
    assert all(src.startswith("/static/") for src in scripts), scripts  # our own scripts only


@pytest.mark.django_db
def test_related_articles_prefer_shared_tags_then_the_section(client):
    section, elsewhere = make_section(), make_section()
    article = make_article(section=section)
    article.tags.add("الرقة", "الخبز")
    two_tags = make_article(section=elsewhere, headline_ar="يشارك وسمين")
    two_tags.tags.add("الرقة", "الخبز")
    one_tag = make_article(section=elsewhere, headline_ar="يشارك وسماً")
    one_tag.tags.add("الرقة")
    same_section = make_article(section=section, headline_ar="من القسم نفسه")
    make_article(section=elsewhere, headline_ar="لا علاقة له")
    make_article(section=section, headline_ar="مسودة من القسم", status=Article.Status.DRAFT)
    html = client.get(article.get_absolute_url()).content.decode()
    related = html[html.index('id="related-heading"') :]
    order = [related.index(headline) for headline in ("يشارك وسمين", "يشارك وسماً", "من القسم نفسه")]
    assert order == sorted(order)
    assert "لا علاقة له" not in related and "مسودة من القسم" not in related
    assert article.headline_ar not in related and same_section.headline_ar in related


@pytest.mark.django_db
def test_drafts_and_untranslated_articles_do_not_crowd_out_related_ones(client, settings):
    """Candidates are chosen among what readers may see: fifty newer drafts sharing both tags, and (in English)
    fifty newer articles with no English text, leave room for the published, translated one with one tag."""
    elsewhere = make_section()
    article = make_article(headline_en="Bread in Raqqa")
    article.tags.add("الرقة", "الخبز")
    shown = make_article(section=elsewhere, headline_ar="يشارك وسماً", headline_en="Shares a tag")
    shown.tags.add("الرقة")
    for number in range(50):
        make_article(section=elsewhere, headline_ar=f"مسودة {number}", status=Article.Status.DRAFT).tags.add(
            "الرقة", "الخبز"
        )
        make_article(section=elsewhere, headline_ar=f"بالعربية فقط {number}").tags.add("الرقة", "الخبز")
    arabic = client.get(article.get_absolute_url()).content.decode()
    related = arabic[arabic.index('id="related-heading"') : arabic.index("</aside>")]
    assert "مسودة" not in related and related.count("<li>") == 4
    english = client.get(f"/en{article.get_absolute_url()}").content.decode()
    related = english[english.index('id="related-heading"') : english.index("</aside>")]
    assert "Shares a tag" in related and related.count("<li>") == 1


@pytest.mark.django_db
def test_related_articles_stop_at_four(client):
    section = make_section()
    article = make_article(section=section)
    for _ in range(6):
        make_article(section=section)
    html = client.get(article.get_absolute_url()).content.decode()
    related = html[html.index('id="related-heading"') : html.index("</aside>")]
    assert related.count("<li>") == 4


@pytest.mark.django_db
def test_json_ld_and_open_graph_describe_the_article(client):
    author = make_author(name_ar="ليلى الحسن")
    article = make_article(headline_ar="عودة العبارات", standfirst_ar="موجز", authors=[author])
    article.tags.add("الميادين")
    html = client.get(article.get_absolute_url()).content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL).group(1)
    data = json.loads(block)
    assert data["@type"] == "NewsArticle" and data["headline"] == "عودة العبارات"
    assert data["author"] == [
        {"@type": "Person", "name": "ليلى الحسن", "url": f"http://testserver{author.get_absolute_url()}"}
    ]
    assert data["inLanguage"] == "ar" and data["keywords"] == ["الميادين"]
    assert datetime.fromisoformat(data["datePublished"]) == article.published_at
    assert unquote(data["mainEntityOfPage"]).endswith(f"/news/{article.pk}/{article.slug}/")
    assert '<meta property="og:title" content="عودة العبارات">' in html
    assert '<meta property="og:locale" content="ar_AR">' in html
    assert f'<link rel="canonical" href="http://testserver{article.get_absolute_url()}">' in html


@pytest.mark.django_db
def test_json_ld_cannot_be_broken_out_of(client):
    article = make_article(headline_ar="عنوان </script><script>alert(1)</script>")
    html = client.get(article.get_absolute_url()).content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL).group(1)
    assert json.loads(block)["headline"].startswith("عنوان </script>")
    assert "<script>alert(1)" not in html


@pytest.mark.django_db
def test_arabic_indic_digits_reach_the_cards_on_the_home_page(client, settings):
    settings.NEWSROOM_ARABIC_INDIC_DIGITS = True
    section = make_section(name_ar="اقتصاد")
    for _ in range(3):
        make_article(section=section, published_at=MARCH_23_2019)
    html = client.get("/").content.decode()
    assert "٢٣ مارس ٢٠١٩" in html
    assert 'datetime="2019-03-23' in html
    # The sections are listed without counting their articles (a count reads the whole archive on every visit).
    assert "٣ مقالات" not in html and 'class="section-list__name"' in html


# Django's own list of date format characters: the character class of the expression its `DateFormat.format()`
# splits formats on, which newsroom/date_filter.py reuses. Read from Django, so a character added by an upgrade is
# tested the day it arrives.
FORMAT_CHARACTERS = re.fullmatch(r"\(\?<!\\\\\)\(\[(\w+)\]\)", dateformat.re_formatchars.pattern).group(1)


def test_djangos_list_of_format_characters_is_the_one_its_formatter_knows():
    assert len(FORMAT_CHARACTERS) >= 38 and all(hasattr(dateformat.DateFormat, c) for c in FORMAT_CHARACTERS)


@pytest.mark.parametrize("language", ["ar", "en"])
@pytest.mark.parametrize("format_name", [
    "DATE_FORMAT", "DATETIME_FORMAT", "SHORT_DATE_FORMAT", "SHORT_DATETIME_FORMAT", "TIME_FORMAT",
    "YEAR_MONTH_FORMAT", "MONTH_DAY_FORMAT", r"j \o\f F", r"\\Y \Y: Y", "",
    *FORMAT_CHARACTERS, FORMAT_CHARACTERS, None,
])  # fmt: skip
@pytest.mark.parametrize("value", [
    datetime(2019, 3, 23, 23, 30, tzinfo=UTC),  # the next day in Damascus
    datetime(2026, 11, 25, 6, 0, 0, 123456, tzinfo=UTC),
    datetime(2026, 7, 1, 12, 0, tzinfo=timezone.get_fixed_timezone(-4 * 60)),
    datetime(2026, 11, 25, 6, 0, 0, 123456),  # noqa: DTZ001 - naive: formatted as it is, as Django's filter does
    datetime(2024, 2, 29, 0, 5),  # noqa: DTZ001
    date(2024, 2, 29),
    None,
])  # fmt: skip
def test_the_date_filter_gives_what_djangos_gives(value, format_name, language, settings):
    """The reader templates' `date` (its format parsed once, newsroom/date_filter.py) writes what Django's `date`
    filter writes, for every format character Django has, alone and all together; where Django's refuses (a time
    format for a date), it writes nothing rather than fail a reader's page."""
    settings.TIME_ZONE = "Asia/Damascus"
    argument = ":name" if format_name is not None else ""  # a variable: no template-literal escaping in between
    with override(language):
        mine = engines["jinja2"].from_string("{{ value|date(name) }}").render({"value": value, "name": format_name})
        try:
            django = Template(f"{{{{ value|date{argument} }}}}").render(Context({"value": value, "name": format_name}))
        except TypeError:
            django = ""
    assert mine == django


# What a `<time datetime>` accepts (HTML's valid global date and time string, local date and time string and date
# string): at most three digits of a second's fraction, an offset in whole minutes.
HTML_DATETIME = re.compile(r"\d{4}-\d\d-\d\d(T\d\d:\d\d(:\d\d(\.\d{1,3})?)?(Z|[+-]\d\d:\d\d)?)?")


@pytest.mark.parametrize("zone", ["Asia/Damascus", "UTC", "America/St_Johns", "Asia/Kathmandu", "Pacific/Chatham"])
@pytest.mark.parametrize("value", [
    datetime(2019, 3, 23, 23, 30, tzinfo=UTC),  # the next day in Damascus
    datetime(2026, 11, 25, 6, 0, 0, 123456, tzinfo=UTC),
    datetime(2026, 12, 2, 2, 44, 6, 999999, tzinfo=UTC),  # truncated by timespec, never rounded up
    datetime(2026, 7, 1, 12, 0, 0, 500, tzinfo=timezone.get_fixed_timezone(-4 * 60)),
    datetime(2026, 11, 25, 6, 0, 0, 123456),  # noqa: DTZ001 - naive: written as it is, with no offset
    date(2024, 2, 29),
    None,
    "",
])  # fmt: skip
def test_isoformat_gives_what_the_date_filter_gives_to_the_second(value, zone, settings):
    """`isoformat` writes what `date:"c"` writes without the microseconds (which no `<time datetime>` accepts):
    the newsroom's local time, seconds kept, offset in hours and minutes."""
    settings.TIME_ZONE = zone
    mine = engines["jinja2"].from_string("{{ value|isoformat }}").render({"value": value})
    django = Template("{{ value|date:'c' }}").render(Context({"value": value}))
    assert mine == re.sub(r"\.\d+", "", django)
    if value in (None, ""):
        assert mine == ""
    else:
        assert HTML_DATETIME.fullmatch(mine), mine
    if isinstance(value, datetime) and timezone.is_aware(value):
        assert mine == timezone.localtime(value).isoformat(timespec="seconds")
        assert datetime.fromisoformat(mine) == value.replace(microsecond=0)


def test_isoformat_writes_a_local_mean_time_in_utc(settings):
    """Before 1920 Damascus kept its local mean time, 2:25:12 ahead of UTC: HTML has no seconds in an offset, so the
    same instant is written in UTC."""
    settings.TIME_ZONE = "Asia/Damascus"
    value = datetime(1919, 6, 1, 9, 0, 0, 250000, tzinfo=UTC)
    mine = engines["jinja2"].from_string("{{ value|isoformat }}").render({"value": value})
    assert timezone.localtime(value).utcoffset() == timedelta(hours=2, minutes=25, seconds=12)
    assert mine == "1919-06-01T09:00:00+00:00"
    assert HTML_DATETIME.fullmatch(mine)


@pytest.mark.django_db
@pytest.mark.parametrize("bylined", [True, False])
def test_the_dateline_follows_the_byline_and_stands_alone_without_one(client, bylined):
    """An article from before bylines were required has none: its dateline is not left behind a stray «·»."""
    authors = [make_author(name_ar="ليلى الحسن")] if bylined else ()
    page = client.get(make_article(dateline_ar="دير الزور", authors=authors).get_absolute_url()).content.decode()
    meta = re.search(r'<p class="story__meta">(.*?)</p>', page, re.DOTALL).group(1)
    assert ('<span aria-hidden="true">·</span>' in meta) is bylined
    assert '<span class="dateline">دير الزور</span>' in meta
