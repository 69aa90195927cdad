"""Static assets: one stylesheet for both directions, self-hosted fonts with their licence."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from tests.factories import make_article

STATIC = Path(settings.BASE_DIR) / "static"
# Physical (left/right) properties and values; their logical equivalents work in both directions.
PHYSICAL = re.compile(
    r"(?<![-\w])(margin|padding|border)-(left|right)\b"
    r"|(?<![-\w])(left|right)\s*:"
    r"|text-align\s*:\s*(left|right)"
    r"|float\s*:\s*(left|right)"
    r"|letter-spacing"
)


def _without_comments(css):
    """Blank out /* comments */ (keeping their line breaks, so line numbers stay right)."""
    return re.sub(r"/\*.*?\*/", lambda comment: "\n" * comment.group().count("\n"), css, flags=re.DOTALL)


def test_stylesheets_use_logical_properties_only():
    offences = [
        f"{path.name}:{number}: {line.strip()}"
        for path in STATIC.rglob("*.css")
        for number, line in enumerate(_without_comments(path.read_text()).splitlines(), 1)
        if PHYSICAL.search(line)
    ]
    assert offences == []


def test_fonts_are_self_hosted_woff2_with_their_licence():
    stylesheet = (STATIC / "css" / "site.css").read_text()
    sources = re.findall(r"url\(\"?([^\")]+)\"?\)", stylesheet)
    fonts = [source for source in sources if "fonts/" in source]
    assert fonts and all(source.startswith("../fonts/") and source.endswith(".woff2") for source in fonts)
    for source in fonts:
        assert (STATIC / "css" / source).resolve().is_file(), source
    assert "SIL Open Font License" in (STATIC / "fonts" / "noto-naskh-arabic" / "OFL.txt").read_text()
    assert not re.search(r"https?://", stylesheet)


@pytest.mark.django_db
def test_pages_render_with_the_production_static_storage(client, settings, tmp_path):
    """Production serves hashed file names from a manifest, and a `{% static %}` path missing from it is an error
    on every page that uses it: render the pages with that storage after a real `collectstatic`."""
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    url = make_article(headline_en="Ferries return").get_absolute_url()
    for path in ["/", "/en/", url, f"/en{url}", "/no-such-page/", "/admin/login/"]:
        response = client.get(path)
        assert response.status_code in (200, 404), path
        assert re.search(r'href="/static/(css/site|admin/css/base)\.[0-9a-f]{12}\.css"', response.content.decode()), (
            path
        )
