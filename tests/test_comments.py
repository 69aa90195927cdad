"""Reader comments: consent, the form's defences, moderation states, and threaded display."""

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
import time_machine
from django.forms.renderers import DjangoTemplates, Jinja2
from django.template.defaultfilters import linebreaksbr
from django.test import Client
from django.utils import timezone
from django.utils.html import urlize

from articles.models import Article
from comments.forms import CommentForm, form_token
from comments.models import BlockedWord, Comment
from comments.services import comments as comment_services
from comments.templating import comment_text
from tests.factories import make_article, make_staff, run_jobs, sign_in


@pytest.fixture
def article(db):
    return make_article(headline_ar="عودة العبارات", headline_en="Ferries")


def _token(article, seconds_ago=60):
    with time_machine.travel(timezone.now() - timedelta(seconds=seconds_ago), tick=False):
        return form_token(article.pk)


def _post(client, article, **fields):
    data = {"name": "سلمى", "email": "salma@example.org", "body": "شكراً على هذا التقرير.", "consent": "on",
            "token": _token(article), "website": "", "parent": ""} | fields  # fmt: skip
    return client.post(f"/comments/post/{article.pk}/", data, REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="Phone")


@pytest.mark.django_db
def test_a_comment_without_consent_is_refused_with_the_text_kept(client, article):
    response = _post(client, article, consent="", body="رأيي في الموضوع طويل ولا أريد أن أفقده.")
    assert response.status_code == 400
    html = response.content.decode()
    assert "يُرجى تحديد المربع للموافقة" in html
    assert "رأيي في الموضوع طويل ولا أريد أن أفقده." in html
    assert not Comment.objects.exists()


@pytest.mark.django_db
def test_a_consented_comment_waits_for_moderation_with_its_consent_record(client, article, settings):
    url = article.get_absolute_url()
    response = _post(client, article)
    assert response.status_code == 302
    assert response["Location"] == f"{url}?comment=pending#comment-form"
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert comment.consent_version == settings.NEWSROOM_COMMENT_CONSENT_VERSION
    assert abs(comment.consent_at - timezone.now()) < timedelta(seconds=5)
    assert (comment.ip_address, comment.user_agent) == ("203.0.113.9", "Phone")
    page = client.get(response["Location"]).content.decode()
    assert "ينتظر تعليقك مراجعة أحد المشرفين" in page
    assert "شكراً على هذا التقرير." not in page  # not shown before approval


@pytest.mark.django_db
def test_approved_comments_are_threaded_escaped_and_counted(client, article):
    first = comment_services.comment_submit(
        article=article, name="\u202eJohn Smith", email="j@example.org", body="<b>مرحبا</b>"
    )
    reply = comment_services.comment_submit(
        article=article, name="ليلى", email="l@example.org", body="رد", parent=first
    )
    comment_services.comment_submit(article=article, name="مجهول", email="x@example.org", body="ما زال ينتظر")
    comment_services.comments_approve(comments=Comment.objects.filter(pk__in=[first.pk, reply.pk]), by=None)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "تعليقان" in html  # two approved comments, Arabic dual
    assert "&lt;b&gt;مرحبا&lt;/b&gt;" in html and "ما زال ينتظر" not in html
    assert '<div class="comment__body" dir="auto">' in html
    replies = html[html.index(f'id="comment-{first.pk}"') :]
    assert replies.index("comment-list--replies") < replies.index(f'id="comment-{reply.pk}"')


class _CommentTree(HTMLParser):
    """The nesting of the page's comments: (comment id, [its replies]) in the order of the page."""

    def __init__(self):
        super().__init__()
        self.roots, self.open = [], []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "li" and "comment" in attributes.get("class", "").split():
            node = (attributes["id"], [])
            (self.open[-1][1] if self.open else self.roots).append(node)
            self.open.append(node)

    def handle_endtag(self, tag):
        if tag == "li" and self.open:
            self.open.pop()


@pytest.mark.django_db
def test_a_deep_thread_is_drawn_as_nested_lists_in_reading_order(client, article):
    def say(name, parent=None):
        comment = comment_services.comment_submit(
            article=article, name=name, email="r@example.org", body=name, parent=parent
        )
        comment_services.comments_approve(comments=Comment.objects.filter(pk=comment.pk), by=None)
        return comment

    first = say("أ")
    answer = say("أ١", parent=first)
    deep = say("أ١أ", parent=answer)
    deeper = say("أ١أ١", parent=deep)
    second_answer = say("أ٢", parent=first)
    second = say("ب")
    hidden_parent = comment_services.comment_submit(article=article, name="ج", email="c@example.org", body="ينتظر")
    Comment.objects.create(article=article, parent=hidden_parent, name="د", body="رد على ما لم يُنشر",
                           status="approved", consent_at=timezone.now(), consent_version="1")  # fmt: skip
    tree = _CommentTree()
    tree.feed(client.get(article.get_absolute_url()).content.decode())

    def node(comment, *replies):
        return (f"comment-{comment.pk}", list(replies))

    assert tree.roots == [
        node(first, node(answer, node(deep, node(deeper))), node(second_answer)),
        node(second),
    ]
    assert not tree.open  # every list item closed


@pytest.mark.parametrize(
    "text",
    [
        "نص بلا روابط. فيه نقاط: ونقطتان، وسطران\nهنا",
        "<script>alert(1)</script> & «اقتباس»",
        "اقرأ https://example.org/تقرير?a=1&b=2 ثم www.example.net.",
        "راسلوني على salma@example.org أو example.com/صفحة",
        "(http://example.org) [WWW.EXAMPLE.ORG] EXAMPLE.COM",
        "نسبة 3.5 في المئة عند الساعة 10:30",
        "زوروا www.example.sy اليوم",
        "الرابط: HTTPS://example.sy/خبر",
    ],
)
def test_comment_text_gives_what_urlize_gives_whether_or_not_it_holds_a_link(text):
    expected = linebreaksbr(
        urlize(text, nofollow=False, autoescape=True).replace(
            '<a href="', '<a rel="nofollow ugc noopener noreferrer" href="'
        ),
        autoescape=False,
    )
    assert comment_text(text) == expected


def test_the_comment_form_renders_the_same_markup_as_django_templates_would():
    """The form's Jinja2 renderer is a speed-up only: the same HTML, errors included, as the template engine."""
    article = type("Article", (), {"pk": 7})()  # the form needs only the article's primary key
    with time_machine.travel(timezone.now(), tick=False):
        for data in (None, {"name": "", "email": "not-an-address", "body": "x", "website": "robot"}):
            fast = CommentForm(data, article=article)
            usual = CommentForm(data, article=article, renderer=DjangoTemplates())
            assert isinstance(fast.renderer, Jinja2)
            for name in fast.fields:
                assert str(fast[name]) == str(usual[name])
                assert str(fast[name].errors) == str(usual[name].errors)
            assert str(fast.non_field_errors()) == str(usual.non_field_errors())


@pytest.mark.django_db
def test_bidi_controls_are_stripped_from_names(client, article):
    _post(client, article, name="\u202egnp.exe \u200bسلمى\u2066")
    assert Comment.objects.get().name == "gnp.exe سلمى"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"website": "http://spam.example"}, "تعذّر قبول هذا التعليق"),
        ({"token": "forged:token:value"}, "هذا النموذج غير صالح"),
        ({"token": "garbage"}, "هذا النموذج غير صالح"),
        ({"name": "\u200f\u202e  "}, "يُرجى كتابة اسم"),
        ({"email": "not-an-address"}, "أدخِل عنوان بريد إلكتروني صحيح."),
        ({"body": "س" * 3001}, "3000"),
        ({"parent": "not-a-number"}, "أدخل رقما"),
        ({"parent": "999999"}, "التعليق الذي تردّ عليه غير متاح"),
    ],
)
def test_each_defence_refuses_with_a_message_and_stores_nothing(client, article, fields, message):
    response = _post(client, article, **fields)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Comment.objects.exists()


@pytest.mark.django_db
def test_a_form_for_another_article_is_refused(client, article):
    other = make_article()
    assert _post(client, article, token=_token(other)).status_code == 400
    assert not Comment.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("seconds_ago", "message"), [(1, "كان ذلك سريعاً جداً"), (3 * 24 * 3600, "بقي هذا النموذج مفتوحاً")]
)
def test_too_fast_or_too_old_is_refused_with_the_text_kept(client, article, seconds_ago, message):
    response = _post(client, article, token=_token(article, seconds_ago), body="نص أحرص عليه")
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and "نص أحرص عليه" in html


@pytest.mark.django_db
def test_replies_only_to_approved_comments_of_the_same_article(client, article):
    pending = comment_services.comment_submit(article=article, name="أ", email="a@example.org", body="معلّق")
    assert _post(client, article, parent=str(pending.pk)).status_code == 400
    comment_services.comments_approve(comments=Comment.objects.filter(pk=pending.pk), by=None)
    assert _post(client, article, parent=str(pending.pk)).status_code == 302
    assert Comment.objects.get(parent=pending).article == article


@pytest.mark.django_db
def test_comments_cannot_be_posted_on_unpublished_articles(client):
    draft = make_article(status=Article.Status.DRAFT)
    assert _post(client, draft).status_code == 404
    assert client.get(f"/comments/post/{draft.pk}/").status_code == 405


@pytest.mark.django_db
def test_moderation_states(article):
    comment = comment_services.comment_submit(article=article, name="أ", email="a@example.org", body="نص")
    for action, status in [(comment_services.comments_approve, "approved"),
                           (comment_services.comments_reject, "rejected"),
                           (comment_services.comments_mark_spam, "spam")]:  # fmt: skip
        assert action(comments=Comment.objects.filter(pk=comment.pk), by=None) == 1
        comment.refresh_from_db()
        assert comment.status == status and comment.moderated_at is not None


@pytest.mark.django_db
@pytest.mark.parametrize("approved", [1, 12])
def test_comments_add_one_query_to_the_article_page(client, article, page_queries, approved):
    for number in range(approved):
        parent = comment_services.comment_submit(
            article=article, name=f"قارئ {number}", email="r@example.org", body="نص"
        )
        comment_services.comment_submit(article=article, name="رد", email="r@example.org", body="رد", parent=parent)
    comment_services.comments_approve(comments=Comment.objects.all(), by=None)
    with page_queries(5):
        client.get(article.get_absolute_url())


@pytest.mark.django_db
def test_a_moderator_approves_from_the_admin_queue_and_readers_see_it(client, article):
    pending = comment_services.comment_submit(article=article, name="سلمى", email="s@example.org", body="تعليق جديد")
    moderator = make_staff("munir", "moderator")
    sign_in(client, moderator)
    queue = client.get("/admin/comments/comment/").content.decode()
    assert "<bdi>سلمى</bdi>" in queue and "تعليق جديد" in queue
    client.post("/admin/comments/comment/", {"action": "approve_selected", "_selected_action": [pending.pk]})
    pending.refresh_from_db()
    assert (pending.status, pending.moderated_by) == (Comment.Status.APPROVED, moderator)
    client.logout()
    assert "تعليق جديد" in client.get(article.get_absolute_url()).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("group", "status"), [("reporter", 403), ("editor", 403), ("moderator", 200)])
def test_only_moderators_and_superusers_moderate(client, group, status):
    sign_in(client, make_staff("someone", group))
    assert client.get("/admin/comments/comment/").status_code == status


@pytest.mark.django_db
def test_a_flood_from_one_address_gets_429_in_arabic_and_stores_nothing_more(client, article, settings):
    settings.NEWSROOM_COMMENT_RATE_PER_ADDRESS = 3
    for number in range(3):
        assert _post(client, article, body=f"تعليق رقم {number}", email=f"r{number}@example.org").status_code == 302
    refused = _post(client, article, body="تعليق زائد", email="other@example.org")
    assert refused.status_code == 429
    assert refused["Retry-After"] == str(settings.NEWSROOM_COMMENT_RATE_WINDOW)
    html = refused.content.decode()
    assert "أرسلت تعليقات كثيرة في وقت قصير" in html and "تعليق زائد" in html
    assert Comment.objects.count() == 3


@pytest.mark.django_db
def test_one_email_from_many_addresses_is_limited_too(client, article, settings):
    settings.NEWSROOM_COMMENT_RATE_PER_EMAIL = 2
    for number in range(2):
        assert _post(client, article, body=f"نص {number}").status_code == 302
    assert _post(client, article, body="نص ثالث", HTTP_X_FORWARDED_FOR="10.1.1.1").status_code == 429
    assert Comment.objects.count() == 2


@pytest.mark.django_db
def test_an_exact_duplicate_is_refused(client, article):
    assert _post(client, article).status_code == 302
    duplicate = _post(client, article)
    assert duplicate.status_code == 400 and "أرسلت هذا التعليق من قبل" in duplicate.content.decode()
    assert Comment.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("variant", ["كلمة", "كـلمة", "كَلِمَة", "ﻛﻠﻤﺔ", "ك\u200cلمة", "ك\u200bلمة"])
def test_reject_words_match_every_spelling(client, article, variant):
    BlockedWord.objects.create(word="كلمة", action=BlockedWord.Action.REJECT)
    response = _post(client, article, body=f"هذه {variant} ممنوعة")
    assert response.status_code == 400 and "تعذّر قبول هذا التعليق" in response.content.decode()
    assert not Comment.objects.exists()


@pytest.mark.django_db
def test_hold_words_and_links_keep_a_known_commenter_waiting(client, article, settings):
    settings.NEWSROOM_COMMENT_AUTO_APPROVE_KNOWN = True
    known = comment_services.comment_submit(article=article, name="سلمى", email="salma@example.org", body="أول تعليق")
    comment_services.comments_approve(comments=Comment.objects.filter(pk=known.pk), by=None)
    BlockedWord.objects.create(word="إعلان", action=BlockedWord.Action.HOLD)
    _post(client, article, body="تعليق عادي")
    _post(client, article, body="هذا إعلان مدفوع")
    _post(client, article, body="انظر https://a.example و https://b.example")
    statuses = dict(Comment.objects.exclude(pk=known.pk).values_list("body", "status"))
    assert statuses == {
        "تعليق عادي": "approved",
        "هذا إعلان مدفوع": "pending",
        "انظر https://a.example و https://b.example": "pending",
    }


@pytest.mark.django_db
def test_moderators_are_told_of_a_pending_comment(client, article, mailoutbox):
    make_staff("munir", "moderator")
    _post(client, article)
    assert mailoutbox == []  # not in the reader's request: a job sends it
    assert run_jobs() == 1
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["munir@example.org"]
    assert "ينتظر تعليق المراجعة" in mailoutbox[0].subject


@pytest.mark.django_db
def test_an_approved_writer_may_be_told(article, settings, mailoutbox):
    settings.NEWSROOM_COMMENT_NOTIFY_MODERATORS = False
    comment = comment_services.comment_submit(article=article, name="سلمى", email="salma@example.org", body="نص")
    settings.NEWSROOM_COMMENT_NOTIFY_APPROVED = False
    comment_services.comments_approve(comments=Comment.objects.filter(pk=comment.pk), by=None)
    run_jobs()
    assert mailoutbox == []
    Comment.objects.filter(pk=comment.pk).update(status="pending")
    settings.NEWSROOM_COMMENT_NOTIFY_APPROVED = True
    comment_services.comments_approve(comments=Comment.objects.filter(pk=comment.pk), by=None)
    run_jobs()
    assert [message.to for message in mailoutbox] == [["salma@example.org"]]
    # Approved again after a rejection: the writer was told already.
    comment_services.comments_reject(comments=Comment.objects.filter(pk=comment.pk), by=None)
    comment_services.comments_approve(comments=Comment.objects.filter(pk=comment.pk), by=None)
    run_jobs()
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_the_consent_label_states_the_retention_and_links_the_policy(client, article, settings):
    settings.NEWSROOM_COMMENT_IP_RETENTION_DAYS, settings.NEWSROOM_COMMENT_EMAIL_RETENTION_DAYS = 30, 365
    html = client.get(article.get_absolute_url()).content.decode()
    consent = html[html.index('class="comment-form__consent"') :]
    consent = consent[: consent.index("</p>")]
    assert 'type="checkbox"' in consent and "checked" not in consent
    assert "يُحذف عنوان IP بعد 30 يوماً والبريد الإلكتروني بعد 365 يوماً" in consent
    assert 'href="/privacy/"' in consent
    policy = client.get("/privacy/").content.decode()
    assert "30 يوماً" in policy and "365 يوماً" in policy


@pytest.mark.django_db
def test_comment_text_keeps_lines_and_links_without_endorsement(client, article):
    comment = comment_services.comment_submit(
        article=article, name="سلمى", email="s@example.org",
        body="سطر أول\nانظر https://example.org/report?a=1&b=2 <script>alert(1)</script>",
    )  # fmt: skip
    comment_services.comments_approve(comments=Comment.objects.filter(pk=comment.pk), by=None)
    html = client.get(article.get_absolute_url()).content.decode()
    body = html[html.index('<div class="comment__body"') :]
    body = body[: body.index("</div>")]
    assert "سطر أول<br>" in body
    assert '<a rel="nofollow ugc noopener noreferrer" href="https://example.org/report?a=1&amp;b=2">' in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body and "<script>" not in body


@pytest.mark.django_db
def test_the_article_page_carries_no_csrf_token_so_it_can_be_cached(client, article):
    response = client.get(article.get_absolute_url())
    assert "csrftoken" not in response.cookies
    assert 'name="csrfmiddlewaretoken" value=""' in response.content.decode()


@pytest.mark.django_db
def test_a_post_from_a_cached_page_without_javascript_succeeds_at_the_second_try(article):
    reader = Client(enforce_csrf_checks=True)
    data = {"name": "سلمى", "email": "s@example.org", "body": "نصي الذي كتبته", "consent": "on",
            "token": _token(article), "website": "", "parent": ""}  # fmt: skip
    first = reader.post(f"/comments/post/{article.pk}/", data)
    assert first.status_code == 403
    html = first.content.decode()
    assert "لم نتمكن من قبول التعليق بعد" in html and "نصي الذي كتبته" in html
    assert "no-store" in first["Cache-Control"] and "csrftoken" in first.cookies
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    second = reader.post(f"/comments/post/{article.pk}/", data | {"csrfmiddlewaretoken": token})
    assert second.status_code == 302
    assert Comment.objects.get().body == "نصي الذي كتبته"


@pytest.mark.django_db
def test_the_token_endpoint_is_never_cached(client):
    response = client.get("/comments/token/")
    assert response.json()["csrf"] and "csrftoken" in response.cookies
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_other_forms_still_get_the_plain_csrf_page():
    response = Client(enforce_csrf_checks=True).post("/admin/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403 and "انتهت صلاحية هذا النموذج" in response.content.decode()


@pytest.mark.django_db
def test_a_reply_link_sets_up_the_form_to_answer_that_comment(client, article):
    first = comment_services.comment_submit(article=article, name="John Smith", email="j@example.org", body="سؤال")
    comment_services.comments_approve(comments=Comment.objects.filter(pk=first.pk), by=None)
    page = client.get(article.get_absolute_url()).content.decode()
    assert f'href="?reply_to={first.pk}#comment-form"' in page
    replying = client.get(article.get_absolute_url(), {"reply_to": first.pk}).content.decode()
    assert "ردّاً على <bdi>John Smith</bdi>" in replying
    assert f'name="parent" value="{first.pk}"' in replying
    assert _post(client, article, parent=str(first.pk), body="جواب").status_code == 302
    assert Comment.objects.get(body="جواب").parent == first
    # A reply_to that is not an approved comment of this article is ignored.
    assert 'name="parent" value="' not in client.get(article.get_absolute_url(), {"reply_to": "99999"}).content.decode()
