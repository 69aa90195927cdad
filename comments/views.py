from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST

from articles.models import Article
from articles.views import ArticleDetailView
from newsroom.client_ip import client_ip

from . import services
from .forms import CommentForm


@require_POST
def comment_post(request, article_id):
    """
    The comment form's target; works without JavaScript. A valid comment is stored as pending and the reader is
    sent back to the article, at the form, told it awaits moderation. An invalid one gets the article page again
    with the form's errors and the reader's text in it (status 400); nothing is stored.
    """
    article = get_object_or_404(Article.objects.published(), pk=article_id)
    form = CommentForm(request.POST, article=article)
    if not form.is_valid():
        # The article page as readers see it, with this form's errors and text in place of an empty form.
        view = ArticleDetailView()
        view.setup(request, pk=article.pk)
        view.object = view.get_object()
        context = view.get_context_data(object=view.object, comment_form=form)
        return render(request, view.template_name, context, status=400)
    data = form.cleaned_data
    services.comment_submit(
        article=article,
        name=data["name"],
        email=data["email"],
        body=data["body"],
        parent=data["parent"],
        ip_address=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
    )
    return HttpResponseRedirect(f"{article.get_absolute_url()}?comment=pending#comment-form")
