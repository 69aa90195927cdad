"""Model fields several apps use."""

from django.conf import settings
from django.db import models


def user_reference(verbose_name, *, editable=True, help_text=""):
    """Who did something (uploaded, created, moderated…): kept as a plain reference that outlives the account."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=editable,
        related_name="+",
        help_text=help_text,
    )
