"""
What the home page and each section's page lead with: the editors' arrangement in force (models.Arrangement), with
what readers cannot see taken out and the empty slots filled with the newest articles.

The rules, once:
- the arrangement in force is the latest of the page's arrangements that have taken effect (`in_force()`); with
  none, every slot is empty;
- an article fills a slot only while readers may see it in the page's language (`published()`, `translated()`):
  unpublishing one takes it out of every slot at once (its card's tag purges the page);
- the lead and FEATURED_SLOTS featured slots are always filled while there are articles enough: an empty slot takes
  the newest article not already shown (on a section's page, the newest of the section), so a newsroom that never
  arranges still has a front page;
- the live page shows only while its coverage lasts; the package only with the stories readers can see in it;
- the home page's section blocks come in the arrangement's order, then the other sections in their usual order.
"""

from dataclasses import dataclass, field

from django.utils import timezone

from .models import Arrangement, Article, StoryPlace

FEATURED_SLOTS = 4


@dataclass
class Front:
    """What a page leads with, ready to draw once `fill()` has filled its empty slots."""

    arrangement: Arrangement | None
    lead: Article | None = None
    featured: list = field(default_factory=list)
    live_page: Article | None = None
    package_title: str = ""
    package: list = field(default_factory=list)
    # Every article the arrangement names, shown or not: one that readers cannot see yet (scheduled, not translated)
    # must refresh the page when they can.
    arranged_ids: frozenset = frozenset()

    @property
    def articles(self):
        """Every article the top of the page shows."""
        return [*filter(None, [self.lead, self.live_page]), *self.featured, *self.package]

    @property
    def shown_ids(self):
        return {article.pk for article in self.articles}

    @property
    def empty_slots(self):
        """How many of the newest articles the top takes: one for an empty lead, one for each empty featured slot."""
        return (self.lead is None) + FEATURED_SLOTS - len(self.featured)

    def fill(self, newest):
        """Fill the empty slots with `newest` (the newest articles not shown already, as many as `empty_slots`)."""
        newest = list(newest)
        if self.lead is None and newest:
            self.lead = newest.pop(0)
        self.featured += newest
        if self.lead is None and self.featured:
            # Too few stories to fill the lead as well: the first featured one leads, no slot under an empty lead.
            self.lead = self.featured.pop(0)


def arrangement_in_force(section, now=None):
    """The arrangement `section`'s page (None: the home page) shows at `now`, with its stories, or None: the rule
    of `Arrangement.objects.in_force()` for one page, read as the newest that has taken effect (one row of the
    page's index, however long its history)."""
    parts = ["stories"] if section is not None else ["stories", "section_order"]
    taken_effect = Arrangement.objects.for_page(section).filter(takes_effect_at__lte=now or timezone.now())
    return taken_effect.order_by("-takes_effect_at", "-pk").prefetch_related(*parts).first()


def front_of(section, *, language, now=None):
    """The top of `section`'s page (None: the home page) in `language` at `now`, as arranged: its empty slots are
    for the caller to fill (`Front.fill()`) from the page's own list, which it reads anyway (articles/views.py)."""
    now = now or timezone.now()
    arrangement = arrangement_in_force(section, now)
    front = Front(arrangement)
    if arrangement is None:
        return front
    stories = arrangement.stories.all()
    wanted = {arrangement.lead_id, arrangement.live_page_id, *(story.article_id for story in stories)} - {None}
    front.arranged_ids = frozenset(wanted)
    visible = Article.objects.published(now).translated(language).for_listing().with_card_photos()
    chosen = {article.pk: article for article in visible.filter(pk__in=wanted)} if wanted else {}
    front.lead = chosen.get(arrangement.lead_id)
    live = chosen.get(arrangement.live_page_id)
    front.live_page = live if live is not None and live.is_live else None
    # One story, one place, the first it was given: lead, live page, a featured slot, the package.
    placed = {article.pk for article in (front.lead, front.live_page) if article is not None}
    front.featured = _present(chosen, stories, StoryPlace.FEATURED, placed)[:FEATURED_SLOTS]
    placed.update(article.pk for article in front.featured)
    front.package = _present(chosen, stories, StoryPlace.PACKAGE, placed)
    if front.package:
        front.package_title = arrangement.package_title
    return front


def _present(chosen, stories, place, placed):
    """The articles readers may see among `stories` at `place`, in order, leaving out those `placed` already."""
    return [
        chosen[story.article_id]
        for story in stories
        if story.place == place and story.article_id in chosen and story.article_id not in placed
    ]


def section_order(arrangement, sections):
    """The home page's sections in the order of their blocks: the arrangement's first, then the rest as they are."""
    if arrangement is None:
        return list(sections)
    place = {arranged.section_id: index for index, arranged in enumerate(arrangement.section_order.all())}
    return sorted(sections, key=lambda section: place.get(section.pk, len(place)))
