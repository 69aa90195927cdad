"""Arranging the home page and the sections' pages from the desk in one step (the arrangement form itself saves
through the admin; articles/signal_handlers.py refreshes the pages either way)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from ..fronts import FEATURED_SLOTS, arrangement_in_force
from ..models import ArrangedSection, ArrangedStory, Arrangement, Article, StoryPlace


def arrangement_lead(*, article: Article, by, section=None) -> Arrangement:
    """Lead `section`'s page (None: the home page) with `article` from now: a new arrangement of that page, the
    one in force copied with `article` as its lead and the lead it had moved to the first featured slot (the
    last featured story makes room). Raises ValidationError for an article readers cannot see."""
    if not article.is_visible():
        raise ValidationError(_("Only a published article can lead a page."), code="not_published")
    with transaction.atomic():
        current = arrangement_in_force(section)
        arrangement = Arrangement(section=section, lead=article, created_by=by, updated_by=by)
        featured, package, blocks = [], [], []
        if current is not None:
            arrangement.live_page_id = current.live_page_id
            arrangement.package_title_ar = current.package_title_ar
            arrangement.package_title_en = current.package_title_en
            featured = [story.article_id for story in current.stories.all() if story.place == StoryPlace.FEATURED]
            package = [story.article_id for story in current.stories.all() if story.place == StoryPlace.PACKAGE]
            blocks = [block.section_id for block in current.section_order.all()] if section is None else []
            if current.lead_id:
                featured.insert(0, current.lead_id)
        featured = [pk for pk in dict.fromkeys(featured) if pk != article.pk][:FEATURED_SLOTS]
        package = [pk for pk in dict.fromkeys(package) if pk != article.pk and pk not in featured]
        arrangement.save()
        ArrangedStory.objects.bulk_create(
            [ArrangedStory(arrangement=arrangement, article_id=pk, position=place) for place, pk in enumerate(featured)]
            + [
                ArrangedStory(arrangement=arrangement, article_id=pk, place=StoryPlace.PACKAGE, position=place)
                for place, pk in enumerate(package)
            ]
        )
        ArrangedSection.objects.bulk_create(
            [ArrangedSection(arrangement=arrangement, section_id=pk, position=place) for place, pk in enumerate(blocks)]
        )
    return arrangement
