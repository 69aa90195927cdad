import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from core.demo import DemoCommand

from ...models import ArrangedSection, ArrangedStory, Arrangement, Article, Section, StoryPlace

CONTENT = Path(__file__).resolve().parents[2] / "demo"


class Command(DemoCommand):
    help = (
        "Arrange the demo home page as an editor would on the day of the flood: the live page leads with its latest "
        "updates, four featured stories, a package of stories about life on the river and the sections in the "
        "desk's order (`load_demo` and `load_live_demo` first). Does nothing once the home page has an arrangement."
    )

    def handle(self, *args, **options):
        if Arrangement.objects.for_page(None).exists():
            return
        editor = get_user_model().objects.filter(username="editor").first()
        if editor is None:
            self.stdout.write("No demo accounts (run load_demo first): the front page is not arranged.")
            return
        home = json.loads((CONTENT / "front_page.json").read_text(encoding="utf-8"))["home"]
        sections = {item["key"]: item["name_ar"] for item in self.demo_sections()}
        self.arrange(home, editor, sections)
        self.stdout.write(self.style.SUCCESS("Arranged the home page."))

    @staticmethod
    def demo_sections():
        return json.loads((CONTENT / "content.json").read_text(encoding="utf-8"))["sections"]

    @transaction.atomic
    def arrange(self, home, editor, sections):
        def story(start):
            return Article.objects.published().filter(headline_ar__startswith=start).first()

        live = Article.objects.published().filter(live_started_at__isnull=False, live_ended_at=None).first()
        arrangement = Arrangement.objects.create(
            lead=live if home["lead_live"] else None,
            live_page=live,
            package_title_ar=home["package_title_ar"],
            package_title_en=home["package_title_en"],
            note=home["note"],
            created_by=editor,
            updated_by=editor,
        )
        for place, starts in ((StoryPlace.FEATURED, home["featured"]), (StoryPlace.PACKAGE, home["package"])):
            chosen = [article for article in map(story, starts) if article is not None]
            ArrangedStory.objects.bulk_create(
                ArrangedStory(arrangement=arrangement, article=article, place=place, position=position)
                for position, article in enumerate(chosen)
            )
        by_name = {section.name_ar: section for section in Section.objects.all()}
        ArrangedSection.objects.bulk_create(
            ArrangedSection(arrangement=arrangement, section=by_name[sections[key]], position=position)
            for position, key in enumerate(home["sections"])
            if sections[key] in by_name
        )
