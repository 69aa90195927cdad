from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsroomConfig(AppConfig):
    """The project's wiring: settings, root URLs, the template environment, formats and project-wide commands."""

    name = "newsroom"
    verbose_name = _("Newsroom")
