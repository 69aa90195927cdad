import json
from datetime import datetime, time, timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from articles.models import Article, Section
from articles.services.articles import article_submit
from core.demo import DemoCommand

from ...models import PlannedStory
from ...services.stories import story_draft_start, story_plan

CONTENT = Path(__file__).resolve().parents[2] / "demo" / "planning.json"


def _deadline(now, item):
    """`now` moved by the story's hours; a story due today stays today (between 00:05 and 23:55, local time), so
    the day's plan has it whatever the hour the demo is loaded."""
    deadline = now + timedelta(hours=item["hours"])
    if item.get("same_day"):
        today = timezone.localdate(now)
        earliest = timezone.make_aware(datetime.combine(today, time(0, 5)))
        latest = timezone.make_aware(datetime.combine(today, time(23, 55)))
        deadline = min(max(deadline, earliest), latest)
    return deadline


class Command(DemoCommand):
    help = (
        "Add planned stories to the demo newsroom (`load_demo` first): the demo editor plans them, most for the demo "
        "reporter, due from earlier today to the next few days (three of them today, whatever the hour); one draft "
        "started, one filed. Run again, it adds nothing."
    )

    def handle(self, *args, **options):
        users = get_user_model().objects.filter(username__in=["editor", "reporter"]).in_bulk(field_name="username")
        if len(users) < 2 or not Section.objects.exists():
            self.stdout.write("No demo newsroom (run load_demo first): the planning demo is not loaded.")
            return
        content = json.loads(CONTENT.read_text(encoding="utf-8"))
        if PlannedStory.objects.filter(headline=content["stories"][0]["headline"]).exists():
            return  # loaded on an earlier start
        self.load(content, editor=users["editor"], reporter=users["reporter"])
        self.stdout.write(self.style.SUCCESS(f"Planned {len(content['stories'])} stories for the demo desk."))

    @transaction.atomic
    def load(self, content, *, editor, reporter):
        now = timezone.now()
        for item in content["stories"]:
            section = Section.objects.filter(name_ar=item["section_ar"]).first() or Section.objects.first()
            story = story_plan(
                story=PlannedStory(
                    headline=item["headline"], section=section, deadline=_deadline(now, item), notes=item["notes"],
                    assignee=reporter if item["assignee"] == "reporter" else None,
                ),
                by=editor,
            )  # fmt: skip
            if item.get("draft"):
                draft = story_draft_start(story=story, by=reporter)
                if item.get("submitted"):
                    article_submit(article=Article.objects.get(pk=draft.pk), by=reporter)
