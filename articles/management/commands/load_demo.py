import json
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from articles.models import Article, ArticleAuthor, Author, Section

CONTENT = Path(__file__).resolve().parents[2] / "demo" / "content.json"
DEMO_USERNAME = "editor"
# A published password is acceptable only because this command refuses to run in production (DEBUG off).
DEMO_PASSWORD = "newsroom-demo-editor"  # noqa: S105


class Command(BaseCommand):
    help = "Load the demo newsroom (sections, authors, articles and an editor account) into an empty database."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Run even with DJANGO_DEBUG off (never on a public site)."
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refusing to load demo content with DJANGO_DEBUG off: it creates an account with a published "
                "password. Use --force on a private machine."
            )
        if Article.objects.exists() or Section.objects.exists() or Author.objects.exists():
            self.stdout.write("The database already has content: demo content not loaded.")
        else:
            self.load(json.loads(CONTENT.read_text(encoding="utf-8")))
        if get_user_model().objects.filter(username=DEMO_USERNAME).exists():
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo editor: log in at /{settings.ADMIN_PATH} as {DEMO_USERNAME!r} "
                    f"with the password {DEMO_PASSWORD!r}."
                )
            )

    @transaction.atomic
    def load(self, content):
        user_model = get_user_model()
        if not user_model.objects.filter(username=DEMO_USERNAME).exists():
            user_model.objects.create_superuser(DEMO_USERNAME, "editor@example.org", DEMO_PASSWORD)
        sections = {
            item["key"]: Section.objects.create(name_ar=item["name_ar"], name_en=item["name_en"], position=position)
            for position, item in enumerate(content["sections"])
        }
        authors = {
            item["key"]: Author.objects.create(**{key: value for key, value in item.items() if key != "key"})
            for item in content["authors"]
        }
        now = timezone.now()
        translated = ("headline", "standfirst", "dateline", "body")
        for item in content["articles"]:
            fields = {
                f"{name}_{language}": item[f"{name}_{language}"]
                for name in translated
                for language in ("ar", "en")
                if f"{name}_{language}" in item
            }
            for language in ("ar", "en"):
                if f"body_{language}" in fields:
                    fields[f"body_{language}"] = "\n".join(fields[f"body_{language}"])
            status = item["status"]
            article = Article.objects.create(
                section=sections[item["section"]],
                status=status,
                published_at=now - timedelta(hours=item["hours_ago"]) if status == Article.Status.PUBLISHED else None,
                **fields,
            )
            ArticleAuthor.objects.bulk_create(
                ArticleAuthor(article=article, author=authors[key], position=position)
                for position, key in enumerate(item["authors"])
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {len(sections)} sections, {len(authors)} authors and {len(content['articles'])} articles."
            )
        )
