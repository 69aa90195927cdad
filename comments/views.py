import uuid

from django.conf import settings
from django.core import signing
from django.http import HttpResponseRedirect, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, render
from django.urls import resolve
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.csrf import csrf_failure as default_csrf_failure
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from articles.models import Article
from articles.views import ArticleDetailView
from core.client_ip import client_ip
from core.ratelimit import over_limit

from . import privacy
from .forms import CommentForm, PrivacyRequestForm, form_token
from .jobs import privacy_link_send
from .services.commenters import commenter_erase, commenter_export
from .services.comments import comment_submit


@require_POST
def comment_post(request, article_id):
    """
    The comment form's target; works without JavaScript. A valid comment is stored as pending and the reader is
    sent back to the article, at the form, told it awaits moderation. An invalid one gets the article page again
    with the form's errors and the reader's text in it (status 400); nothing is stored.
    """
    article = get_object_or_404(Article.objects.published(), pk=article_id)
    form = CommentForm(request.POST, article=article)
    address = client_ip(request)
    window = settings.NEWSROOM_COMMENT_RATE_WINDOW
    if over_limit(f"ip:{address}", settings.NEWSROOM_COMMENT_RATE_PER_ADDRESS, window):
        return _article_with_form(request, article, form, status=429, error=TOO_MANY)
    if not form.is_valid():
        return _article_with_form(request, article, form, status=400)
    data = form.cleaned_data
    if over_limit(f"email:{data['email'].lower()}", settings.NEWSROOM_COMMENT_RATE_PER_EMAIL, window):
        return _article_with_form(request, article, form, status=429, error=TOO_MANY)
    comment_submit(
        article=article,
        name=data["name"],
        email=data["email"],
        body=data["body"],
        parent=data["parent"],
        ip_address=address,
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
        hold=form.hold,
    )
    return HttpResponseRedirect(f"{article.get_absolute_url()}?comment=pending#comment-form")


TOO_MANY = _("You have sent many comments in a short time. Please wait a few minutes, then send this one again.")


def _article_with_form(request, article, form, *, status, error=None):
    """The article page as readers see it, with this form's errors and text in place of an empty form, and a
    CSRF token of its own (this response is never cached), so sending again works without JavaScript."""
    if error is not None:
        form.add_error(None, error)
    view = ArticleDetailView()
    view.setup(request, pk=article.pk)
    view.object = view.get_object()
    context = view.get_context_data(object=view.object, comment_form=form, comment_csrf=get_token(request))
    response = render(request, view.template_name, context, status=status)
    add_never_cache_headers(response)
    if status == 429:
        response["Retry-After"] = str(settings.NEWSROOM_COMMENT_RATE_WINDOW)
    return response


def privacy_request(request):
    """A commenter asks for their data or its erasure: we e-mail a signed link to the address, so only its owner
    can confirm. The answer is the same whether or not the address has comments."""
    form = PrivacyRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if over_limit(f"privacy:{client_ip(request)}", 5, settings.NEWSROOM_COMMENT_RATE_WINDOW):
            form.add_error(None, TOO_MANY)
            return render(request, "comments/privacy_request.html", {"form": form}, status=429)
        email, kind = form.cleaned_data["email"], form.cleaned_data["kind"]
        # The same job for every address, known or not (it looks the address up when it runs): the page answers the
        # same, in the same time, and tells nobody whether someone has commented.
        privacy_link_send.enqueue(
            request_id=uuid.uuid4().hex,
            email=email,
            kind=kind,
            site=request.build_absolute_uri("/"),
            language=get_language(),
        )
        return render(request, "comments/privacy_request.html", {"form": None, "sent": True})
    return render(request, "comments/privacy_request.html", {"form": form}, status=400 if form.errors else 200)


def privacy_confirm(request, token):
    """Opening the link shows what will happen; the button (a POST) does it."""
    try:
        data = privacy.read_link_token(token)
    except signing.BadSignature:
        return render(request, "comments/privacy_confirm.html", {"invalid": True}, status=400)
    if request.method != "POST":
        return render(request, "comments/privacy_confirm.html", {"kind": data["kind"], "token": token})
    if data["kind"] == "export":
        export = commenter_export(email=data["email"])
        response = JsonResponse(export, json_dumps_params={"ensure_ascii": False, "indent": 2})
        response["Content-Disposition"] = 'attachment; filename="my-comments.json"'
        return response
    erased = commenter_erase(email=data["email"])
    return render(request, "comments/privacy_confirm.html", {"erased": erased})


@never_cache
def form_token_view(request):
    """
    Fresh tokens for the comment form of a cached page: a CSRF token (and the cookie that goes with it) and, with
    `?article=<id>`, a new signed timestamp, so that «too fast» counts from when the reader started writing, not
    from when the cached page was rendered.
    """
    data = {"csrf": get_token(request)}
    article_id = request.GET.get("article", "")
    if article_id.isascii() and article_id.isdigit() and len(article_id) < 19:
        data["token"] = form_token(int(article_id))
    return JsonResponse(data)


CSRF_REFUSED = _("We could not accept the comment yet. Your text is below: please send it again.")


def csrf_failure(request, reason=""):
    """
    The CSRF failure view. A comment posted from a cached page (no token, JavaScript off) comes back as the
    article page with the reader's text and a fresh token: sending again works, nothing is lost and nothing was
    stored. Any other form gets Django's translated 403 page.
    """
    match = resolve(request.path_info)
    if match.view_name == "comments:comment_post":
        article = Article.objects.published().filter(pk=match.kwargs["article_id"]).first()
        if article is not None:
            form = CommentForm(request.POST, article=article)
            form.is_valid()
            response = _article_with_form(request, article, form, status=403, error=CSRF_REFUSED)
            return response
    return default_csrf_failure(request, reason=reason)
