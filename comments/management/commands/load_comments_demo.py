import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from articles.models import Article
from core.demo import DemoCommand

from ...models import Comment
from ...services.comments import comment_submit, comments_approve

CONTENT = Path(__file__).resolve().parents[2] / "demo" / "comments.json"


class Command(DemoCommand):
    help = (
        "Add readers' comments to the demo newsroom (`load_demo` first): some shown, some waiting for the demo "
        "moderator. Does nothing once the site has comments."
    )

    def handle(self, *args, **options):
        if Comment.objects.exists():
            return
        moderator = get_user_model().objects.filter(username="moderator").first()
        articles = list(Article.objects.published().order_by("-published_at")[:3])
        if moderator is None or not articles:
            self.stdout.write("No demo newsroom (run load_demo first): the demo comments are not loaded.")
            return
        comments = json.loads(CONTENT.read_text(encoding="utf-8"))["comments"]
        with transaction.atomic():
            for number, item in enumerate(comments):
                self.add(item, article=articles[number % len(articles)], moderator=moderator)
        loaded, pending = Comment.objects.count(), Comment.objects.pending().count()
        self.stdout.write(self.style.SUCCESS(f"Loaded {loaded} demo comments ({pending} waiting for moderation)."))

    def add(self, item, *, article, moderator, parent=None):
        # Held, so the demo's own approvals (not a known writer's automatic one) decide what is shown.
        comment = comment_submit(
            article=article, name=item["name"], email=item["email"], body=item["body"], parent=parent, hold=True
        )
        if item["status"] == Comment.Status.APPROVED:
            comments_approve(comments=Comment.objects.filter(pk=comment.pk), by=moderator)
        for reply in item.get("replies", []):
            self.add(reply, article=article, moderator=moderator, parent=comment)
