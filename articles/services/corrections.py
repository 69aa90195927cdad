"""Corrections and updates: the notes an article carries publicly once a fact in it changed."""

from ..models import Correction


def correction_save(*, correction: Correction, by) -> Correction:
    """Save a correction or update; a new one is recorded as `by`'s."""
    if correction.created_by_id is None:
        correction.created_by = by
    correction.save()
    return correction


def correction_delete(*, correction: Correction, by) -> None:
    """Withdraw a correction (an editor's slip); the page no longer shows it."""
    correction.delete()
