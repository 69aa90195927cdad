"""What the apps' demo loaders share (`make run` calls them on every start)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class DemoCommand(BaseCommand):
    """A command that adds demo content, with its published passwords and invented people: refused with debug off
    (a production site) unless given --force, which `make run` passes on a developer's machine."""

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even with DJANGO_DEBUG off.")

    def execute(self, *args, **options):
        if not settings.DEBUG and not options.get("force"):
            raise CommandError("Refusing to load demo content with DJANGO_DEBUG off. Use --force on a private machine.")
        return super().execute(*args, **options)
