"""The articles app's background jobs: scheduled articles coming due, search re-indexing, renditions made again."""

from django_tasks import task


@task()
def articles_come_due() -> int:
    """Enqueued for the time an article was scheduled for: records every scheduled article now due as published
    (the workflow's log, the page cache's purge) and whatever follows publication. Rescheduled or published by hand
    meanwhile, an article is simply not due: the job finds nothing to do. Returns how many it recorded."""
    from .services.articles import article_publish_due

    return len(article_publish_due())


@task()
def articles_reindex(*, ids: list[int]) -> int:
    """Re-index a batch of articles for search (`manage.py reindex_search` enqueues the whole archive)."""
    from .services.articles import articles_reindex as reindex

    return reindex(ids=ids)


@task()
def image_renditions_refresh(*, image_id: int) -> bool:
    """Make a photo's renditions again from its original (`manage.py backfill_renditions`). A photo deleted since
    has nothing to do."""
    from .models import Image
    from .services.images import image_renditions_make

    image = Image.objects.filter(pk=image_id).first()
    if image is None:
        return False
    image_renditions_make(image=image)
    return True
