import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from core.demo import DemoCommand
from core.pagecache import pages_purge_all

from ...demo_photos import demo_picture
from ...models import Article, Image
from ...services.images import image_store

CONTENT = Path(__file__).resolve().parents[2] / "demo" / "content.json"


class Command(DemoCommand):
    help = (
        "Give the demo articles (`load_demo` first) their photos: pictures the project draws itself (Pillow), with "
        "Arabic and English captions, credits and alternative text, stored through the upload path (metadata "
        "stripped, renditions made). An article that has a photo keeps it."
    )

    def handle(self, *args, **options):
        editor = get_user_model().objects.filter(username="editor").first()
        items = [item for item in json.loads(CONTENT.read_text(encoding="utf-8"))["articles"] if "photo" in item]
        headlines = [item["headline_ar"] for item in items]
        found = Article.objects.filter(featured_image__isnull=True, headline_ar__in=headlines).only("pk", "headline_ar")
        wanting = {article.headline_ar: article for article in found}
        if editor is None or not wanting:
            return
        with transaction.atomic():
            for item in items:
                if (article := wanting.get(item["headline_ar"])) is not None:
                    self.attach(article, item["photo"], editor)
            # Photos went onto the articles without the workflow: no cached page may predate them.
            transaction.on_commit(pages_purge_all)
        self.stdout.write(self.style.SUCCESS(f"Gave {len(wanting)} demo articles their photos."))

    def attach(self, article, photo, editor):
        upload = SimpleUploadedFile(f"{photo['scene']}.jpg", demo_picture(photo["scene"], photo["seed"]), "image/jpeg")
        described = {key: value for key, value in photo.items() if key.startswith(("alt_", "caption_", "credit_"))}
        image = image_store(image=Image(**described), upload=upload, by=editor)
        Article.objects.filter(pk=article.pk).update(featured_image=image)
