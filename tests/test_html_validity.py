"""
Every reader page type, in Arabic and in English, is valid HTML by the W3C's Nu HTML Checker (vnu.jar, from the
npm package vnu-jar that `make test` installs in .tools/vnu/, run on the machine's Java). The checker takes a few
seconds to start, so every page is written to one folder and checked in one run.
"""

import json
import os
import re
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from articles.models import Article, AuthorLink, Image
from articles.services.images import image_store
from comments.forms import form_token
from comments.models import Comment
from comments.services import comments as comment_services
from consent.embeds import PROVIDERS
from tests import photos
from tests.factories import make_article, make_author, make_section

VNU_JAR = Path(__file__).resolve().parents[1] / ".tools/vnu/node_modules/vnu-jar/build/dist/vnu.jar"

BODY_AR = (
    "<p>عادت العبّارات إلى العمل بين ضفتي <strong>الفرات</strong> بعد أشهر من التوقف، وفق "
    '<a href="https://example.org/report">تقرير المجلس المحلي</a>.</p>'
    "<h2>ماذا تغيّر</h2><ul><li>ثلاث عبّارات</li><li>رحلة كل ساعة</li></ul>"
    "<blockquote><p>«كنا ننتظر هذا اليوم»، قال أحد الركاب.</p></blockquote>"
    "<table><thead><tr><th>الخط</th><th>الرحلات</th></tr></thead><tbody><tr><td>الميادين</td><td>12</td></tr>"
    "</tbody></table>"
    "<p>https://www.youtube.com/watch?v=dQw4w9WgXcQ</p>"
)
BODY_EN = (
    "<p>Ferries are back on the <strong>Euphrates</strong> after months, says "
    '<a href="https://example.org/report">the local council</a>.</p><h2>What changed</h2>'
    "<ol><li>Three ferries</li><li>One crossing an hour</li></ol><p>https://vimeo.com/76979871</p>"
)


def _checker():
    """The `java` command and vnu.jar, or a skip (a failure under CI, where a missing checker must not pass)."""
    java = shutil.which("java")
    missing = None
    if not java:
        missing = "Java is not installed (`make test` installs default-jre-headless when run as root)"
    elif not VNU_JAR.is_file():
        missing = f"{VNU_JAR} is missing (`make test` installs the npm package vnu-jar there)"
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(missing, pytrace=False)
        pytest.skip(missing)
    return java


def _newsroom():
    """A newsroom as readers see it: a featured article in both languages with a photo, tags, a correction and an
    update, an approved comment with an approved reply, embedded media; an author with a photo, a profile and a
    link; enough articles in one section for a second page of every list."""
    section = make_section(name_ar="تقارير ميدانية", name_en="Field reports")
    portrait = image_store(image=Image(alt_ar="ليلى الحسن", alt_en="Layla al-Hassan"), upload=photos.png(400, 400))
    author = make_author(
        name_ar="ليلى الحسن",
        name_en="Layla al-Hassan",
        bio_ar="تغطي ريف دير الزور منذ 2019.",
        bio_en="Covers rural Deir ez-Zor since 2019.",
        photo=portrait,
    )
    AuthorLink.objects.create(author=author, kind="x", url="https://x.example/layla")
    # Enough for a second page of the home page and the section's (the top of each takes five).
    for number in range(30):
        make_article(
            section=section,
            authors=[author],
            headline_ar=f"العبّارات تنقل الركاب، اليوم {number}",
            headline_en=f"Ferries carry passengers, day {number}",
            published_at=timezone.now() - timedelta(days=number + 1),
        ).tags.add("الميادين")
    photo = image_store(
        image=Image(
            alt_ar="عبّارة على الفرات",
            alt_en="A ferry on the Euphrates",
            caption_ar="العبّارة الأولى صباح الأحد",
            caption_en="The first ferry on Sunday morning",
            credit_ar="ليلى الحسن",
            credit_en="Layla al-Hassan",
        ),
        upload=photos.camera_jpeg(1200, 800),
    )
    article = make_article(
        section=section,
        authors=[author, make_author(name_ar="سامر يوسف", name_en="Samer Youssef")],
        headline_ar="عودة العبّارات إلى الميادين بدعم من UNDP بعد أشهر من التوقف",
        headline_en="Ferries return to al-Mayadin after months",
        standfirst_ar="ثلاث عبّارات تعمل من جديد بين ضفتي النهر.",
        standfirst_en="Three ferries cross the river again.",
        # A photo inside the text too, placed as editors do (by its address) and drawn as a <picture>.
        body_ar=f'{BODY_AR}<figure><img src="{photo.rendition(960, "webp").file.url}" alt="الرصيف"><figcaption>'
        "الرصيف الجديد</figcaption></figure>",
        body_en=BODY_EN,
        dateline="الميادين",
        featured_image=photo,
        published_at=timezone.now() - timedelta(hours=3),
    )
    article.tags.add("الميادين", "النقل النهري")
    article.corrections.create(text_ar="صُحّح عدد الركاب إلى عشرين.", text_en="The number of passengers was corrected.")
    article.corrections.create(kind="update", text_ar="عادت العبّارة الثانية إلى العمل.", text_en="A ferry is back.")
    first = comment_services.comment_submit(
        article=article, name="أبو محمد", email="reader@example.org", body="خبر سار.\nشكراً للتغطية."
    )
    comment_services.comment_submit(
        article=article, name="Sara", email="sara@example.org", body="Agreed, good news.", parent=first
    )
    comment_services.comments_approve(comments=Comment.objects.all(), by=None)
    _live_coverage(section, photo)
    # Readers' reads, for the «الأكثر قراءة» box on the article pages.
    from articles.models import Article, ArticleReads

    hour = timezone.now().replace(minute=0, second=0, microsecond=0)
    for reads, shown in enumerate(Article.objects.published().order_by("-published_at")[:6], start=1):
        ArticleReads.objects.create(article=shown, hour=hour - timedelta(hours=reads * 7), reads=reads * 10)
    return article, first, author


def _live_coverage(section, photo):
    """A live page with every kind of entry and more than one part, one whose coverage ended, and an urgent alert
    (on every page) pointing at the first."""
    from live.services.alerts import alert_publish
    from live.services.coverage import coverage_end, coverage_start
    from live.services.entries import entry_correct, entry_mark_key_point, entry_pin, entry_post, entry_withdraw
    from tests.factories import make_staff

    editor = make_staff("html-live-editor", "editor")
    page = coverage_start(
        article=make_article(section=section, headline_ar="مباشر: فيضان الفرات", headline_en="Live: the flood"),
        by=editor,
    )
    for number in range(22):
        entry_post(article=page, by=editor, text=f"تحديث رقم {number} من الضفة.")
    quote = entry_post(article=page, by=editor, text="", quote="لن نغادر", quote_by="أحد السكان", title="شاهد")
    entry_post(article=page, by=editor, text="", photo=photo)
    entry_post(article=page, by=editor, text="Water is still rising.\n\nhttps://youtu.be/dQw4w9WgXcQ", language="en")
    corrected = entry_post(article=page, by=editor, text="خمسة بيوت غمرتها المياه.")
    entry_correct(entry=corrected, by=editor, note="ثلاثة لا خمسة", body_html="<p>ثلاثة بيوت غمرتها المياه.</p>")
    entry_withdraw(entry=entry_post(article=page, by=editor, text="خبر لم يتأكد."), by=editor)
    entry_mark_key_point(entry=quote, by=editor)
    entry_pin(entry=corrected, by=editor)
    ended = coverage_start(article=make_article(section=section, headline_ar="تغطية انتهت"), by=editor)
    entry_post(article=ended, by=editor, text="آخر تحديث.")
    coverage_end(article=ended, by=editor)
    alert_publish(text_ar="عاجل: إغلاق المعابر", text_en="Crossings closed", article=page,
                  expires_at=timezone.now() + timedelta(hours=1), by=editor)  # fmt: skip
    # The home page arranged around the live page: its latest updates, and a package with its title.
    from articles.models import Arrangement

    ferries = list(Article.objects.filter(headline_ar__startswith="العبّارات").order_by("-published_at")[5:8])
    arrangement = Arrangement.objects.create(live_page=page, package_title_ar="العبّارات", package_title_en="Ferries")
    for position, story in enumerate(ferries):
        arrangement.stories.create(article=story, place="package", position=position)


# Pages that answer with an error status; every other page is a 200.
ERROR_STATUS = {
    "404": 404,
    "400": 400,
    "403": 403,
    "403, form expired": 403,
    "500": 500,
    "comment form with errors": 400,
    "my comments' data, errors": 400,
    "my comments' data, bad link": 400,
}


def _pages(article, comment, author, language):
    """(name, response) for each reader page in `language`."""
    with override(language):
        home, search, article_url = reverse("home"), reverse("articles:search"), article.get_absolute_url()
        section, author_url = article.section.get_absolute_url(), author.get_absolute_url()
        tag = article.tags.get(name="الميادين").get_absolute_url()
        privacy, cookies = reverse("consent:policy"), reverse("consent:settings")
        my_data = reverse("comments:privacy_request")
        bad_link = reverse("comments:privacy_confirm", args=["not-a-token"])
        comment_post = reverse("comments:comment_post", args=[article.pk])
    query, no_match = ("العبارات", "زلزال") if language == "ar" else ("ferries", "earthquake")
    live_page = Article.objects.get(live_started_at__isnull=False, live_ended_at__isnull=True)
    with override(language):
        live_url = live_page.get_absolute_url()
        ended_url = Article.objects.get(live_ended_at__isnull=False).get_absolute_url()
    reader = Client()
    pages = {
        "live page": reader.get(live_url),
        "live page, earlier part": reader.get(live_url, {"part": 1}),
        "live page, ended": reader.get(ended_url) if language == "ar" else reader.get(live_url, {"part": 2}),
        "home": reader.get(home),
        "home, page 2": reader.get(home, {"page": 2}),
        "article": reader.get(article_url),
        "article, comment sent": reader.get(article_url, {"comment": "pending"}),
        "article, replying": reader.get(article_url, {"reply_to": comment.pk}),
        "section": reader.get(section),
        "section, page 2": reader.get(section, {"page": 2}),
        "tag": reader.get(tag),
        "author": reader.get(author_url),
        "author, page 2": reader.get(author_url, {"page": 2}),
        "search with results": reader.get(search, {"q": query}),
        "search, page 2": reader.get(search, {"q": query, "page": 2}),
        "search with none": reader.get(search, {"q": no_match}),
        "search, empty": reader.get(search),
        "privacy policy": reader.get(privacy),
        "cookie settings": reader.get(cookies),
        "404": reader.get(f"{home}no-such-page/"),
        "my comments' data": reader.get(my_data),
        "my comments' data, errors": reader.post(my_data, {"email": "not an address"}),
        "my comments' data, bad link": reader.get(bad_link),
        "400": reader.get(home, HTTP_HOST="evil.example"),
    }
    with time_machine.travel(timezone.now() - timedelta(seconds=60), tick=False):
        token = form_token(article.pk)
    bad_comment = {"name": "", "email": "not an address", "body": "", "token": token, "website": ""}
    pages["comment form with errors"] = reader.post(comment_post, bad_comment)
    consented = Client()
    consented.cookies[settings.NEWSROOM_CONSENT_COOKIE] = "1:analytics+embeds"
    pages["article, media allowed"] = consented.get(article_url)
    pages["home, cookies chosen"] = consented.get(home)
    pages["403, form expired"] = Client(enforce_csrf_checks=True).post(my_data, {"email": "reader@example.org"})
    with override_settings(ROOT_URLCONF="tests.urls_errors"):
        failing = Client(raise_request_exception=False)
        pages["403"] = failing.get(f"{home}forbid/")
        pages["500"] = failing.get(f"{home}fail/")
    return pages


# vnu rejects a sandbox that allows both scripts and the frame's own origin, after the HTML spec's warning that a
# page *of the same origin* as ours could then lift its own sandbox. Our players come from the providers' origins
# (the page's CSP allows no other in a frame), which need both to play; the other sandbox flags (no navigating the
# reader's tab, no forms, no dialogs) still hold there, so the players keep them rather than drop the sandbox.
CROSS_ORIGIN_SANDBOX = re.compile(
    r"^Bad value “allow-scripts allow-same-origin allow-presentation allow-popups” for attribute “sandbox” on "
    r"element “iframe”: Setting both “allow-scripts” and “allow-same-origin” is not recommended"
)


def _tolerated(message):
    extract = message.get("extract", "")
    return bool(CROSS_ORIGIN_SANDBOX.match(message["message"])) and any(
        f'src="{provider.origin}/' in extract for provider in PROVIDERS
    )


def _errors(report):
    """vnu's errors per file name, a file it could not read included."""
    errors = {}
    for message in report["messages"]:
        if _tolerated(message):
            continue
        if message["type"] in ("error", "non-document-error"):
            name = Path(message.get("url", "").removeprefix("file:")).name
            line = f"line {message.get('lastLine', '?')}: {message['message']}"
            if message.get("extract"):
                line += f"\n      …{message['extract']}…"
            errors.setdefault(name, []).append(line)
    return errors


@pytest.mark.django_db
def test_every_reader_page_is_valid_html_in_both_languages(privacy_policy, tmp_path):
    java = _checker()
    article, comment, author = _newsroom()
    files = {}
    for language in ("ar", "en"):
        for name, response in _pages(article, comment, author, language).items():
            assert response.status_code == ERROR_STATUS.get(name, 200), (language, name, response.status_code)
            assert response["Content-Type"].startswith("text/html"), (language, name, response["Content-Type"])
            file_name = f"{language}-{re.sub(r'[^a-z0-9]+', '-', name).strip('-')}.html"
            (tmp_path / file_name).write_bytes(response.content)
            files[file_name] = f"{name} ({language}, {response.status_code})"
    # What each page must show, so a page that lost its content cannot pass as valid.
    article_html = (tmp_path / "ar-article.html").read_text()
    assert "<time datetime=" in article_html and "comment-list--replies" in article_html
    assert "<picture" in article_html and "corrections-heading" in article_html
    assert "embed__placeholder" in article_html
    assert 'class="field-error"' in (tmp_path / "en-comment-form-with-errors.html").read_text()
    live_html = (tmp_path / "ar-live-page.html").read_text()
    assert "live__key-points" in live_html and "live__pinned" in live_html and "live-entry--withdrawn" in live_html
    assert "<blockquote>" in live_html and 'lang="en"' in live_html and "data-live-poll" in live_html
    assert "انتهت التغطية" in (tmp_path / "ar-live-page-ended.html").read_text()
    for name in ("ar-home.html", "en-home.html", "ar-404.html", "en-search-with-none.html"):
        assert 'class="urgent"' in (tmp_path / name).read_text(), name
    author_html = (tmp_path / "en-author.html").read_text()
    assert "Covers rural Deir ez-Zor" in author_html and 'href="https://x.example/layla"' in author_html
    assert "<img" in author_html
    for language in ("ar", "en"):
        assert '<article class="story' in (tmp_path / f"{language}-search-with-results.html").read_text()
        assert '<article class="story' not in (tmp_path / f"{language}-search-with-none.html").read_text()

    completed = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *sorted(files)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    try:
        report = json.loads(completed.stderr)  # vnu writes its report on standard error
    except json.JSONDecodeError:
        pytest.fail(f"vnu gave no report (exit {completed.returncode}):\n{completed.stderr}{completed.stdout}")
    errors = _errors(report)
    assert not errors, "Invalid HTML:\n" + "\n".join(
        f"  {files.get(name, name)}:\n" + "\n".join(f"    {line}" for line in lines) for name, lines in errors.items()
    )
