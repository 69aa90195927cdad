"""Bylines: who an article is by."""

from ..models import Article, ArticleAuthor


def byline_default(*, article: Article, by) -> ArticleAuthor | None:
    """A new article whose byline names nobody is by the staff member who wrote it, when they have an author
    profile. Returns the byline added, or None."""
    author = getattr(by, "author_profile", None)
    if author is None or article.bylines.exists():
        return None
    return ArticleAuthor.objects.create(article=article, author=author, position=0)
