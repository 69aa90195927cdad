"""
The article sanitiser (articles/sanitize.py): its output on a corpus of hostile and everyday HTML, kept as golden
files, and its use wherever HTML from staff is saved.

The corpus is tests/sanitizer/input/*.html; what the sanitiser must make of each is tests/sanitizer/expected/ (same
name). A change to the allow-list that changes an output fails here until the golden files are regenerated on
purpose, and the diff is reviewed like code:

    NEWSROOM_REGENERATE_GOLDEN=1 .venv/bin/pytest tests/test_sanitize.py -p no:cacheprovider
    git diff tests/sanitizer/expected/

A regenerating run writes the files and fails, so it can never pass in CI. Whatever a golden file says, every output
must also pass `_assert_harmless()`: blessing an XSS by regenerating carelessly still fails.
"""

import importlib
import os
from html import escape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.utils import translation

from articles.models import Article
from articles.sanitize import BODY_ATTRIBUTES, BODY_TAGS, DIRECTIONS, clean_body, direction, language_tag
from consent.models import PolicyVersion
from tests.factories import make_article

CORPUS = Path(__file__).parent / "sanitizer"
INPUTS = sorted((CORPUS / "input").glob("*.html"))
REGENERATE = os.environ.get("NEWSROOM_REGENERATE_GOLDEN") == "1"


@pytest.fixture(autouse=True)
def _media_url(settings):
    """The golden files name our renditions under /media/, the default."""
    settings.MEDIA_URL = "/media/"


def _expected_path(source):
    return CORPUS / "expected" / source.name


def _read(path):
    # newline="" keeps the bytes as they are: a checkout that turns line ends into CRLF must not pass silently.
    with path.open(encoding="utf-8", newline="") as file:
        return file.read()


class _Markup(HTMLParser):
    """Every start tag of a fragment with its attributes (values with entities decoded, as a browser sees them)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements, self.declarations = [], []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, attrs))

    def handle_comment(self, data):
        self.declarations.append(("comment", data))

    def handle_decl(self, decl):
        self.declarations.append(("declaration", decl))

    def handle_pi(self, data):
        self.declarations.append(("processing instruction", data))

    def unknown_decl(self, data):
        self.declarations.append(("cdata", data))


def _assert_harmless(html):
    """What no output may hold, whatever its golden file says."""
    markup = _Markup()
    markup.feed(html)
    markup.close()
    assert not markup.declarations, markup.declarations
    allowed_everywhere = BODY_ATTRIBUTES["*"]
    for tag, attributes in markup.elements:
        assert tag in BODY_TAGS, tag
        allowed = BODY_ATTRIBUTES.get(tag, set()) | allowed_everywhere
        if tag == "a":
            allowed = allowed | {"rel"}
        if tag == "img":
            allowed = allowed | {"loading", "decoding"}
        for name, value in attributes:
            assert name in allowed, (tag, name)
            value = value or ""
            if name == "href":
                scheme = urlsplit(value.strip()).scheme.lower()
                assert scheme in {"", "http", "https", "mailto"}, value
            if name == "src":
                assert value.startswith("/media/renditions/") and ".." not in value and "?" not in value, value
            if name == "dir":
                assert value in DIRECTIONS, value
            if name == "lang":
                assert language_tag(value) == value, value
            if name == "rel":
                assert value == "noopener noreferrer", value


@pytest.mark.parametrize("source", INPUTS, ids=[path.stem for path in INPUTS])
def test_the_sanitiser_output_matches_its_golden_file(source):
    output = clean_body(_read(source))
    expected_path = _expected_path(source)
    if REGENERATE:
        expected_path.parent.mkdir(exist_ok=True)
        with expected_path.open("w", encoding="utf-8", newline="") as file:
            file.write(output)
        pytest.fail(f"Regenerated {expected_path.relative_to(CORPUS.parent.parent)}: review it with git diff.")
    assert expected_path.exists(), f"No golden file for {source.name}: see this module's docstring."
    assert output == _read(expected_path)


def test_every_golden_file_has_its_input():
    """A golden file whose input was renamed or removed would never be checked again."""
    assert {path.name for path in (CORPUS / "expected").glob("*.html")} == {path.name for path in INPUTS}


@pytest.mark.parametrize("source", INPUTS, ids=[path.stem for path in INPUTS])
def test_every_output_is_harmless_and_stable(source):
    """The article page sanitises stored HTML again, and an article is saved many times: a second pass must change
    nothing."""
    output = clean_body(_read(source))
    _assert_harmless(output)
    assert clean_body(output) == output


def test_the_corpus_keeps_the_text_readers_need():
    """Guards against a sanitiser that is "safe" because it drops everything."""
    arabic = clean_body(_read(CORPUS / "input" / "arabic_mixed_directions.html"))
    assert "<bdi>Médecins Sans Frontières</bdi>" in arabic
    assert '<p dir="ltr" lang="en">The ferry crosses the Euphrates' in arabic
    assert "الْعَرَبِيَّةُ" in arabic
    editor = _read(CORPUS / "input" / "editor_output.html")
    # The editor's own markup comes out as it went in, bar the lazy loading every inline photo gets.
    assert clean_body(editor) == editor.replace('height="640">', 'height="640" loading="lazy" decoding="async">')


@pytest.mark.parametrize(("value", "kept"), [("rtl", "rtl"), ("LTR", "ltr"), ("Auto", "auto"), ("rTl", "rtl")])
def test_dir_is_kept_as_one_of_the_three_directions_in_lower_case(value, kept):
    assert direction(value) == kept
    assert clean_body(f'<p dir="{value}">نص</p>') == f'<p dir="{kept}">نص</p>'


@pytest.mark.parametrize("value", ["evil", "", " rtl", "rtl ", "rtl;", "right", "\u0280tl", "ltr auto"])
def test_any_other_dir_is_dropped_and_the_element_kept(value):
    assert direction(value) is None
    assert clean_body(f'<p dir="{escape(value)}">نص</p>') == "<p>نص</p>"


@pytest.mark.parametrize(
    ("value", "kept"),
    [
        ("ar", "ar"),
        ("en-GB", "en-GB"),
        ("ar-SY", "ar-SY"),
        ("zh-Hant-TW", "zh-Hant-TW"),
        ("AR-sy", "ar-SY"),
        ("sr-latn-rs", "sr-Latn-RS"),
        ("es-419", "es-419"),
        ("de-CH-1901", "de-CH-1901"),
        ("zh-yue-HK", "zh-yue-HK"),
        ("en-US-u-ca-islamic", "en-US-u-ca-islamic"),
        ("ar-x-Syria", "ar-x-syria"),
        ("x-newsroom", "x-newsroom"),
    ],
)
def test_lang_is_kept_as_a_well_formed_language_tag(value, kept):
    assert language_tag(value) == kept
    assert clean_body(f'<p lang="{value}">نص</p>') == f'<p lang="{kept}">نص</p>'


@pytest.mark.parametrize(
    "value",
    [
        "",
        "e",
        "english",
        "english-language",
        "en_GB",
        "en-",
        "-en",
        "en--GB",
        "ar SY",
        "ar\n",
        'ar"',
        "ar'><script>alert(1)</script>",
        "javascript:alert(1)",
        "i-klingon",
        "en-GB-x",
        "١٢",
        "عربي",
        "ar-SY-" + "-".join(["abcde"] * 6),  # well-formed, but over-long
    ],
)
def test_any_other_lang_is_dropped_and_the_element_kept(value):
    assert language_tag(value) is None
    assert clean_body(f'<h2 lang="{escape(value)}">عنوان</h2>') == "<h2>عنوان</h2>"


def _stored(article, *columns):
    return Article.objects.filter(pk=article.pk).values(*columns).get()


DIRTY = '<p onclick="steal()" dir="evil">نص</p><script>alert(1)</script><img src="https://tracker.example/p.gif">'
CLEAN = '<p>نص</p><img loading="lazy" decoding="async">'


@pytest.mark.django_db
def test_a_plain_orm_save_stores_every_translated_body_sanitised():
    article = make_article(headline_en="Ferries", body_ar=DIRTY, body_en=DIRTY.replace("نص", "Text"))
    assert _stored(article, "body_ar", "body_en", "body") == {
        "body_ar": CLEAN,
        "body_en": CLEAN.replace("نص", "Text"),
        "body": CLEAN,  # modeltranslation's untranslated column, from the language active when saving (Arabic)
    }
    assert "alert" not in Article.objects.get(pk=article.pk).search_text


@pytest.mark.django_db
def test_a_save_limited_to_other_fields_leaves_the_bodies_alone():
    article = make_article()
    Article.objects.filter(pk=article.pk).update(body_ar=DIRTY)  # as a row stored before sanitising on save
    loaded = Article.objects.get(pk=article.pk)
    loaded.headline_ar = "عنوان جديد"
    loaded.save(update_fields=["headline_ar"])
    assert loaded.body_ar == DIRTY  # not read through the sanitiser either
    assert _stored(article, "headline_ar", "body_ar") == {"headline_ar": "عنوان جديد", "body_ar": DIRTY}


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "column"), [("ar", "body_ar"), ("en", "body_en")])
def test_a_save_limited_to_a_body_sanitises_the_body_it_writes(language, column):
    article = make_article(headline_en="Ferries")
    with translation.override(language):
        article.body = DIRTY  # the current language's column, through modeltranslation
        article.save(update_fields=["body"])
    assert _stored(article, column)[column] == CLEAN
    article.body_ar = DIRTY
    article.save(update_fields=["body_ar", "status"])
    assert _stored(article, "body_ar")["body_ar"] == CLEAN


@pytest.mark.django_db
def test_a_privacy_policy_saved_through_the_orm_is_sanitised():
    policy = PolicyVersion.objects.create(
        number=99, title_ar="سياسة", body_ar='<h2 onclick="x">عنوان</h2><script>alert(1)</script><p>نص</p>'
    )
    assert PolicyVersion.objects.filter(pk=policy.pk).values_list("body_ar", flat=True).get() == (
        "<h2>عنوان</h2><p>نص</p>"
    )


@pytest.mark.django_db
def test_the_data_migration_sanitises_stored_bodies_without_touching_version_or_time():
    article = make_article()
    Article.objects.filter(pk=article.pk).update(body_ar=DIRTY, body=DIRTY, body_en=None)
    before = _stored(article, "version", "updated_at")
    migration = importlib.import_module("articles.migrations.0016_sanitize_stored_bodies")
    migration.sanitize_stored_bodies(apps, None)
    after = _stored(article, "body_ar", "body", "body_en", "version", "updated_at")
    assert after == {"body_ar": CLEAN, "body": CLEAN, "body_en": None, **before}
