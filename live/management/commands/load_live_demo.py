import json
from datetime import timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from articles.models import Article, ArticleAuthor, Section
from articles.services.articles import article_publish
from core.demo import DemoCommand
from core.pagecache import pages_purge_all

from ...models import LiveEntry, UrgentAlert
from ...services.alerts import alert_publish
from ...services.coverage import coverage_start
from ...services.entries import entry_mark_key_point, entry_pin, entry_post

CONTENT = Path(__file__).resolve().parents[2] / "demo" / "live.json"


class Command(DemoCommand):
    help = (
        "Add the demo live page (a dozen entries, key points, a pinned entry) and an urgent alert pointing at it to "
        "the demo newsroom (`load_demo` first). Run again, it brings the alert back once it has expired."
    )

    def handle(self, *args, **options):
        users = get_user_model().objects.filter(username__in=["editor", "reporter"]).in_bulk(field_name="username")
        if len(users) < 2:
            self.stdout.write("No demo accounts (run load_demo first): the live demo is not loaded.")
            return
        content = json.loads(CONTENT.read_text(encoding="utf-8"))
        page = Article.objects.filter(headline_ar=content["article"]["headline_ar"]).first()
        if page is None:
            if Article.objects.filter(live_started_at__isnull=False).exists():
                self.stdout.write("The newsroom already covers a story live: the live demo is not loaded.")
                return
            page = self.load(content, editor=users["editor"], reporter=users["reporter"])
            self.stdout.write(self.style.SUCCESS(f"Loaded the live page with {page.entries.count()} entries."))
        if not UrgentAlert.objects.showing().exists():
            alert = content["alert"]
            alert_publish(
                text_ar=alert["text_ar"], text_en=alert["text_en"], article=page, by=users["editor"],
                expires_at=timezone.now() + timedelta(hours=alert["hours"]),
            )  # fmt: skip
            self.stdout.write(self.style.SUCCESS("Published the urgent alert on every page."))

    @transaction.atomic
    def load(self, content, *, editor, reporter):
        item = content["article"]
        now = timezone.now()
        fields = {key: value for key, value in item.items() if key.endswith(("_ar", "_en")) and key != "section_ar"}
        fields["body_ar"], fields["body_en"] = "\n".join(item["body_ar"]), "\n".join(item["body_en"])
        section = Section.objects.filter(name_ar=item["section_ar"]).first() or Section.objects.first()
        page = Article.objects.create(created_by=reporter, section=section, **fields)
        page.tags.add(*item["tags"])
        author = getattr(reporter, "author_profile", None)
        if author is not None:
            ArticleAuthor.objects.create(article=page, author=author)
        started = now - timedelta(hours=item["started_hours_ago"])
        article_publish(article=page, by=editor, at=started)
        page = coverage_start(article=page, by=editor)
        for entry_item in content["entries"]:
            entry = entry_post(
                article=page, by=reporter, text=entry_item.get("text", ""), title=entry_item.get("title", ""),
                quote=entry_item.get("quote", ""), quote_by=entry_item.get("quote_by", ""),
                language=entry_item.get("language", "ar"),
            )  # fmt: skip
            posted = now - timedelta(minutes=entry_item["minutes_ago"])
            changes = {"published_at": posted, "created_at": posted}
            if "correction" in entry_item:
                correction = entry_item["correction"]
                changes |= {
                    "corrected_at": posted + timedelta(minutes=correction["minutes_after"]),
                    "correction": correction["note"],
                    "version": 2,
                }
            LiveEntry.objects.filter(pk=entry.pk).update(**changes)
            if entry_item.get("key_point"):
                entry_mark_key_point(entry=entry, by=editor)
            if entry_item.get("pinned"):
                entry_pin(entry=entry, by=editor)
        # The story as the desk left it: started hours ago, last updated by the newest entry.
        newest = now - timedelta(minutes=min(entry_item["minutes_ago"] for entry_item in content["entries"]))
        Article.objects.filter(pk=page.pk).update(live_started_at=started, updated_at=newest)
        transaction.on_commit(pages_purge_all)
        return page
