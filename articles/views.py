from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import get_language, override
from django.views.generic import DetailView

from .models import Article


class PublishedArticlesMixin:
    """The one place that decides which articles a reader may see in the active language."""

    def get_queryset(self):
        articles = Article.objects.published().for_listing()
        language = get_language()
        if language != "ar":
            articles = articles.translated(language)
        return articles


class ArticleDetailView(DetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_queryset(self):
        return Article.objects.published().for_listing()

    def get(self, request, *args, **kwargs):
        self.object = article = get_object_or_404(self.get_queryset(), pk=kwargs["pk"])
        language = get_language()
        if language != "ar" and not getattr(article, f"headline_{language}"):
            # No translation yet: send the reader to the Arabic original rather than to an empty page. Not a
            # permanent redirect, since a translation may come later.
            with override("ar"):
                return redirect(article.get_absolute_url())
        if kwargs.get("slug") != article.slug:
            return redirect(article.get_absolute_url(), permanent=True)
        return self.render_to_response(self.get_context_data(object=article))
