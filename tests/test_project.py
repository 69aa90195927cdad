"""Project-level guards: migrations, catalogs, every public page in both languages, production settings."""

import gettext
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override, trans_real

from tests.conftest import html_root_attributes
from tests.factories import make_article

BASE_DIR = Path(settings.BASE_DIR)
ARABIC_PLURALS = {0: "لا مقالات", 1: "مقال واحد", 2: "مقالان", 3: "3 مقالات", 11: "11 مقالًا", 100: "100 مقال"}


@pytest.mark.django_db
def test_no_pending_migrations():
    """Every model change has its migration (https://adamj.eu/tech/2024/06/23/django-test-pending-migrations/)."""
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_arabic_and_english_catalogs_translate():
    with override("ar"):
        assert _("Latest news") == "آخر الأخبار"
        assert _("Skip to content") == "انتقل إلى المحتوى"
    with override("en"):
        assert _("Latest news") == "Latest news"
    # English entries read like their source text, so check that the English catalog itself was loaded.
    assert trans_real.translation("en")._catalog["Latest news"] == "Latest news"


@pytest.mark.parametrize(("number", "expected"), ARABIC_PLURALS.items())
def test_arabic_plural_uses_all_six_forms(number, expected):
    with override("ar"):
        text = ngettext("%(counter)s article", "%(counter)s articles", number) % {"counter": number}
    assert text == expected


@pytest.mark.parametrize("language", ["ar", "en"])
def test_every_plural_entry_is_complete_and_the_compiled_catalog_is_current(language):
    """`makemessages` writes only two of Arabic's six plural forms and `compilemessages` accepts that; so does a
    stale .mo. The shipped .mo must hold exactly the .po's translations, every plural form filled."""
    po = polib.pofile(BASE_DIR / "locale" / language / "LC_MESSAGES" / "django.po")
    expected_forms = 6 if language == "ar" else 2
    assert f"nplurals={expected_forms};" in po.metadata["Plural-Forms"].replace(" ", "")
    for entry in po.translated_entries():
        if entry.msgid_plural:
            assert len(entry.msgstr_plural) == expected_forms, entry.msgid
            assert all(entry.msgstr_plural.values()), entry.msgid
    assert po.untranslated_entries() == [] and po.fuzzy_entries() == []

    with (BASE_DIR / "locale" / language / "LC_MESSAGES" / "django.mo").open("rb") as compiled:
        catalog = gettext.GNUTranslations(compiled)._catalog
    for entry in po.translated_entries():
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        if entry.msgid_plural:
            for index, text in entry.msgstr_plural.items():
                assert catalog[(key, int(index))] == text, entry.msgid
        else:
            assert catalog[key] == entry.msgstr, entry.msgid


def test_makemessages_finds_the_strings_of_the_jinja2_templates(tmp_path):
    """Django's own template reader does not know Jinja2's {% trans %} blocks: our makemessages reads them, so a
    sentence added to a reader template reaches the catalogs (with its plural forms and context)."""
    from newsroom.management.commands.makemessages import jinja2_to_python

    source = (
        "<p>{{ _('Latest news') }}</p>\n\n"
        "{% trans counter=n %}\n  {{ counter }} comment\n{% pluralize counter %}{{ counter }} comments{% endtrans %}\n"
        "{{ pgettext('byline', 'By') }}"
    )
    lines = jinja2_to_python(source).splitlines()
    assert lines[0] == "_('Latest news')"
    assert lines[2] == "ngettext('%(counter)s comment', '%(counter)s comments', n)"  # trimmed, as the site renders it
    assert lines[5] == "pgettext('byline', 'By')"


def test_every_sentence_of_the_reader_templates_is_translated():
    """Each string the Jinja2 templates translate is in the Arabic catalog, translated (a template edited without
    `make catalogs` fails here, not in front of readers)."""
    from django.template import engines

    from newsroom.management.commands.makemessages import DJANGO_TEMPLATES, JINJA2_TEMPLATES

    catalog = {(entry.msgctxt, entry.msgid) for entry in polib.pofile(BASE_DIR / "locale/ar/LC_MESSAGES/django.po")
               if entry.translated()}  # fmt: skip
    environment = engines["jinja2"].env
    found = set()
    for path in JINJA2_TEMPLATES.rglob("*.html"):
        if path.is_relative_to(DJANGO_TEMPLATES):
            continue
        for _line, function, message in environment.extract_translations(path.read_text()):
            parts = message if isinstance(message, tuple) else (message,)
            found.add((parts[0], parts[1]) if function.startswith(("pgettext", "npgettext")) else (None, parts[0]))
    assert len(found) > 100
    assert found - catalog == set()


def _argument_free_url_names(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name in ("admin", "accounts", "otp_webauthn"):
                continue  # the editors' desk and its sign-in: staff only (tests/test_second_factor.py)
            if pattern.app_name == "push":
                continue  # POST-only JSON endpoints of the alerts button (tests/test_push.py)
            nested = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _argument_free_url_names(pattern.url_patterns, nested)
        elif isinstance(pattern, URLPattern) and pattern.name and not re.search(r"[<(]", str(pattern.pattern)):
            yield f"{namespace}{pattern.name}"


# The service worker is JavaScript, and served only with Web Push on (tests/test_push.py).
PUBLIC_URL_NAMES = sorted(set(_argument_free_url_names(get_resolver().url_patterns)) - {"healthz", "push_worker"})

TEMPLATE_LINE_LIMIT = 120
# The allow-list, as a rule rather than file and line numbers that move: a line may run past the limit only for one
# long sentence of prose that is a single translatable string literal (`_("…")`, `gettext("…")`, Django's
# `{% translate "…" %}`), which cannot be broken without changing its msgid in both catalogs. With each such
# literal shortened to "…", the line must fit. Sentences in `{% trans %}` / `{% blocktranslate trimmed %}` blocks
# are wrapped like any text: trimming makes the msgid the same.
LONG_PROSE = re.compile(
    r"""(?P<call>\b_\(|gettext\(|\{% translate )(?P<quote>["'])(?:(?!(?P=quote)).){40,}(?P=quote)"""
)


def _without_prose(line):
    return LONG_PROSE.sub(r"\g<call>\g<quote>…\g<quote>", line)


def test_template_lines_fit_in_120_characters_outside_long_prose():
    """Templates are read and reviewed as markup: no line over 120 characters except a translatable sentence."""
    too_long = [
        f"{path.relative_to(BASE_DIR)}:{number}: {len(line)} characters"
        for path in sorted((BASE_DIR / "templates").rglob("*"))
        if path.is_file()
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if len(_without_prose(line)) > TEMPLATE_LINE_LIMIT
    ]
    assert not too_long, "Rewrap these template lines:\n" + "\n".join(too_long)
    assert len(_without_prose('<p>{{ _("' + "x" * 150 + '") }}</p>')) < TEMPLATE_LINE_LIMIT  # the rule's own check
    assert len(_without_prose("<p>" + "x" * 150 + "</p>")) > TEMPLATE_LINE_LIMIT


def test_the_url_walk_finds_the_public_pages():
    assert {"home", "articles:feed", "sitemap", "news_sitemap", "robots_txt"} <= set(PUBLIC_URL_NAMES)


@pytest.mark.django_db
@pytest.mark.parametrize("name", PUBLIC_URL_NAMES)
@pytest.mark.parametrize(("language", "direction"), [("ar", "rtl"), ("en", "ltr")])
def test_every_public_page_answers_in_both_languages(client, name, language, direction):
    make_article(headline_en="An English headline")
    with override(language):
        url = reverse(name)
    response = client.get(url)
    assert response.status_code == 200
    if not response["Content-Type"].startswith("text/html"):
        return  # feeds, sitemaps and robots.txt: their own tests check their content
    html = response.content.decode()
    assert html_root_attributes(html) == (language, direction)
    assert len(re.findall(r"<h1\b", html)) == 1
    assert response["Content-Language"] == language


# Production mode, in a fresh process: settings are read once, at start-up.
def _manage(*args, **environment):
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(DJANGO_ENV_FILE="", DJANGO_SETTINGS_MODULE="newsroom.settings", **environment)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )


PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "news.example.org",
    "REDIS_URL": "redis://127.0.0.1:6379/0",  # not connected to by the checks
}


def test_production_settings_pass_the_deployment_checklist():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_the_deployment_checklist_warns_when_workers_would_not_share_a_cache():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **{**PRODUCTION, "REDIS_URL": ""})
    assert result.returncode != 0
    assert "newsroom.W001" in result.stderr and "REDIS_URL is not set" in result.stderr


def test_the_deployment_checklist_warns_when_staff_sign_in_with_a_password_alone():
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING", **{**PRODUCTION, "NEWSROOM_REQUIRE_SECOND_FACTOR": "0"}
    )
    assert result.returncode != 0
    assert "accounts.W001" in result.stderr and "password alone" in result.stderr


@pytest.mark.parametrize(
    ("override_environment", "message"),
    [
        ({"DJANGO_SECRET_KEY": ""}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_SECRET_KEY": "too-short"}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_SECRET_KEY": "django-insecure-" + "x1y2z3" * 10}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_ALLOWED_HOSTS": ""}, "DJANGO_ALLOWED_HOSTS"),
        ({"DJANGO_ALLOWED_HOSTS": "*"}, "DJANGO_ALLOWED_HOSTS"),
    ],
)
def test_production_refuses_to_start_without_a_real_secret_and_hosts(override_environment, message):
    result = _manage("check", **{**PRODUCTION, **override_environment})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr


def test_production_static_files_collect_with_hashed_names(tmp_path):
    """The manifest storage fails on a stylesheet that points at a missing file (a font, an icon)."""
    result = _manage("collectstatic", "--noinput", DJANGO_STATIC_ROOT=str(tmp_path), **PRODUCTION)
    assert result.returncode == 0, result.stderr
    manifest = (tmp_path / "staticfiles.json").read_text()
    assert re.search(r'"css/site\.css": "css/site\.[0-9a-f]{12}\.css"', manifest)
    assert list(tmp_path.glob("css/site.*.css.br")) or list(tmp_path.glob("css/site.*.css.gz"))


@pytest.mark.django_db
def test_postgresql_database_uses_a_utf8_locale():
    """pg_trgm extracts no trigrams from Arabic in a database whose LC_CTYPE is plain C (research/arabic.md §1.6).
    On SQLite there is no database locale to check, so this test is for PostgreSQL runs only."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL-only: SQLite has no database locale")
    with connection.cursor() as cursor:
        cursor.execute("SELECT datctype FROM pg_database WHERE datname = current_database()")
        (ctype,) = cursor.fetchone()
    assert ctype.upper() not in {"C", "POSIX"}
    assert "UTF-8" in ctype.upper() or "UTF8" in ctype.upper()
    with connection.cursor() as cursor:
        cursor.execute("SELECT show_trgm('عربي')")  # pg_trgm (migration 0012) sees Arabic letters
        assert cursor.fetchone()[0]
