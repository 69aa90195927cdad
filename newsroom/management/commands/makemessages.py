"""
Django's makemessages, reading the reader site's Jinja2 templates too.

Django turns a template into Python for xgettext with its own template lexer, which does not know Jinja2's
`{% trans %}` blocks. For the Jinja2 templates (templates/, except the admin's in templates/django/) the strings
are found by Jinja2 itself, with the site's own i18n settings (trimmed blocks), and written out as the matching
gettext calls on the lines they came from, so the catalogs point at the right template lines.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.commands import makemessages
from jinja2 import Environment

from newsroom.templating import EXTENSIONS, POLICIES

JINJA2_TEMPLATES = Path(settings.BASE_DIR, "templates").resolve()
DJANGO_TEMPLATES = JINJA2_TEMPLATES / "django"


def is_jinja2_template(path):
    path = Path(path).resolve()
    return path.suffix != ".py" and path.is_relative_to(JINJA2_TEMPLATES) and not path.is_relative_to(DJANGO_TEMPLATES)


def jinja2_to_python(source):
    """The gettext calls of a Jinja2 template as Python source, each on its template line."""
    environment = Environment(extensions=EXTENSIONS, autoescape=True)
    environment.policies.update(POLICIES)
    lines = {}
    for lineno, function, message in environment.extract_translations(source):
        strings = [repr(part) for part in (message if isinstance(message, tuple) else (message,)) if part is not None]
        if function in {"ngettext", "npgettext"}:
            strings.append("n")
        lines.setdefault(lineno, []).append(f"{function}({', '.join(strings)})")
    last = max(lines, default=0)
    return "\n".join("; ".join(lines.get(number, [])) for number in range(1, last + 1)) + "\n"


class BuildFile(makemessages.BuildFile):
    def preprocess(self):
        if not (self.is_templatized and is_jinja2_template(self.path)):
            return super().preprocess()
        with open(self.path, encoding="utf-8") as template:
            content = jinja2_to_python(template.read())
        with open(self.work_path, "w", encoding="utf-8") as output:
            output.write(content)


class Command(makemessages.Command):
    build_file_class = BuildFile
