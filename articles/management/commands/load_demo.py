import json
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from articles.models import Article, ArticleAuthor, Author, Section
from articles.services.articles import article_publish
from core.demo import DemoCommand
from core.pagecache import pages_purge_all

CONTENT = Path(__file__).resolve().parents[2] / "demo" / "content.json"
# Demo accounts: (username, group, the demo author they write as: everyone who writes or publishes has a byline,
# which publishing needs). Published passwords are acceptable only because this command refuses to run in
# production (core.demo.DemoCommand: debug off, unless --force on a private machine).
DEMO_ACCOUNTS = [
    ("editor", "editor", "omar"),
    ("reporter", "reporter", "layla"),
    ("moderator", "moderator", None),
    ("chief", "chief", "nader"),
]
DEMO_PASSWORD = "newsroom-demo-password"  # noqa: S105


class Command(DemoCommand):
    help = (
        "Load the demo newsroom (sections, authors, articles; an editor, a reporter, a moderator and an "
        "editor-in-chief) into an empty database."
    )

    def handle(self, *args, **options):
        if Article.objects.exists() or Section.objects.exists() or Author.objects.exists():
            self.stdout.write("The database already has content: demo content not loaded.")
        else:
            self.load(json.loads(CONTENT.read_text(encoding="utf-8")))
        for username, group, _author in DEMO_ACCOUNTS:
            if get_user_model().objects.filter(username=username).exists():
                self.stdout.write(
                    self.style.SUCCESS(
                        f"Demo {group}: log in at /{settings.ADMIN_PATH} as {username!r} "
                        f"with the password {DEMO_PASSWORD!r}."
                    )
                )
        if settings.NEWSROOM_REQUIRE_SECOND_FACTOR:
            self.stdout.write(
                "A second factor is required: the first sign-in of each account asks you to add one (a passkey or "
                "an authenticator app), and later ones ask for it."
            )
        else:
            self.stdout.write(
                "No second factor is asked for on this machine (NEWSROOM_REQUIRE_SECOND_FACTOR is off); "
                "NEWSROOM_REQUIRE_SECOND_FACTOR=1 make run asks for one as production does."
            )

    @transaction.atomic
    def load(self, content):
        sections = {
            item["key"]: Section.objects.create(name_ar=item["name_ar"], name_en=item["name_en"], position=position)
            for position, item in enumerate(content["sections"])
        }
        authors = {
            item["key"]: Author.objects.create(**{key: value for key, value in item.items() if key != "key"})
            for item in content["authors"]
        }
        users = {}
        for username, group, author_key in DEMO_ACCOUNTS:
            user = get_user_model().objects.create_user(
                username, f"{username}@example.org", DEMO_PASSWORD, is_staff=True
            )
            user.groups.add(Group.objects.get(name=group))
            if author_key:
                authors[author_key].user = user
                authors[author_key].save(update_fields=["user"])
                users[author_key] = user
        now = timezone.now()
        publisher = get_user_model().objects.get(username="editor")
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
            article = Article.objects.create(
                created_by=users.get(item["authors"][0]), section=sections[item["section"]], **fields
            )
            article.tags.add(*item.get("tags", []))
            ArticleAuthor.objects.bulk_create(
                ArticleAuthor(article=article, author=authors[key], position=position)
                for position, key in enumerate(item["authors"])
            )
            if item["status"] == Article.Status.PUBLISHED:
                # Published by the demo editor through the workflow, as on a real desk (the step is in its log),
                # at the time the story says; written then and not edited since: no «last updated» line.
                published_at = now - timedelta(hours=item["hours_ago"])
                article_publish(article=article, by=publisher, at=published_at)
                Article.objects.filter(pk=article.pk).update(updated_at=published_at)
        # Bylines and dates went in without signals: no cached page may predate them.
        transaction.on_commit(pages_purge_all)
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {len(sections)} sections, {len(authors)} authors and {len(content['articles'])} articles."
            )
        )
