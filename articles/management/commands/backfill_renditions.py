from django.core.management.base import BaseCommand

from articles.jobs import image_renditions_refresh
from articles.models import Image
from articles.services.images import renditions_outdated


class Command(BaseCommand):
    help = (
        "Enqueue a background job for every photo whose renditions are not the ones NEWSROOM_RENDITION_WIDTHS and "
        "the formats make today (after either changed): each job makes them again from the photo's original."
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", dest="every", help="Every photo, up to date or not.")

    def handle(self, *args, every=False, **options):
        outdated = [
            image.pk
            for image in Image.objects.prefetch_related("renditions").only("pk", "width").iterator(chunk_size=500)
            if every or renditions_outdated(image)
        ]
        for image_id in outdated:
            image_renditions_refresh.enqueue(image_id=image_id)
        self.stdout.write(f"{len(outdated)} photos to make renditions for.")
