from django.core.management.base import BaseCommand

from newsletters.services.mailings import digest_create


class Command(BaseCommand):
    help = (
        "Make today's newsletter digest in each language and enqueue its sending. Once a day and language however "
        "often it runs, and each subscriber gets it once: run it daily from cron."
    )

    def handle(self, *args, **options):
        made = digest_create()
        for mailing in made:
            self.stdout.write(f"Digest {mailing.key}: enqueued")
        if not made:
            self.stdout.write("No digest to make: made already today, no subscribers, or no stories.")
