"""The editorial workflow: who may move an article where, through the admin and the services, and on time."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.models import TRANSITIONS, Article, ArticleTransition, Author
from articles.roles import GROUPS
from articles.services.articles import article_publish, article_return_to_draft, article_submit, article_unpublish
from tests.factories import article_form_data, make_article, sign_in

Status = Article.Status


def make_user(username, group=None):
    user = get_user_model().objects.create_user(username, f"{username}@example.org", "unused", is_staff=True)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def people(db):
    return {
        "reporter": make_user("rana", "reporter"),
        "other_reporter": make_user("sami", "reporter"),
        "editor": make_user("hala", "editor"),
        "moderator": make_user("munir", "moderator"),
    }


def _bulk(client, user, action, article):
    sign_in(client, user)
    return client.post("/admin/articles/article/", {"action": action, "_selected_action": [article.pk]}, follow=True)


# (who, starting status, admin bulk action) → the status afterwards. Anything not allowed leaves it as it was.
MATRIX = [
    ("reporter", Status.DRAFT, "submit_selected", Status.IN_REVIEW),
    ("reporter", Status.DRAFT, "publish_selected", Status.DRAFT),
    ("reporter", Status.IN_REVIEW, "publish_selected", Status.IN_REVIEW),
    ("reporter", Status.PUBLISHED, "unpublish_selected", Status.PUBLISHED),
    ("other_reporter", Status.DRAFT, "submit_selected", Status.DRAFT),
    ("moderator", Status.DRAFT, "submit_selected", Status.DRAFT),
    ("editor", Status.DRAFT, "submit_selected", Status.IN_REVIEW),
    ("editor", Status.IN_REVIEW, "publish_selected", Status.PUBLISHED),
    ("editor", Status.DRAFT, "publish_selected", Status.PUBLISHED),
    ("editor", Status.PUBLISHED, "unpublish_selected", Status.UNPUBLISHED),
    ("editor", Status.UNPUBLISHED, "publish_selected", Status.PUBLISHED),
    ("editor", Status.DRAFT, "unpublish_selected", Status.DRAFT),  # not an edge of the workflow
    ("editor", Status.PUBLISHED, "publish_selected", Status.PUBLISHED),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "start", "action", "end"), MATRIX)
def test_permission_matrix_through_the_admin(client, people, who, start, action, end):
    """The reporter «rana» wrote every article here; each role presses one bulk action on it."""
    article = make_article(status=start, created_by=people["reporter"])
    _bulk(client, people[who], action, article)
    article.refresh_from_db()
    assert article.status == end


@pytest.mark.django_db
def test_anonymous_visitors_and_moderators_cannot_reach_articles(client, people):
    assert client.get("/admin/articles/article/").status_code == 302
    sign_in(client, people["moderator"])
    assert client.get("/admin/articles/article/").status_code == 403


@pytest.mark.django_db
def test_a_reporter_sees_and_edits_only_their_own_drafts(client, people):
    own = make_article(status=Status.DRAFT, created_by=people["reporter"], headline_ar="مسودتي")
    submitted = make_article(status=Status.IN_REVIEW, created_by=people["reporter"])
    other = make_article(status=Status.DRAFT, created_by=people["other_reporter"], headline_ar="مسودة زميل")
    sign_in(client, people["reporter"])
    listing = client.get("/admin/articles/article/").content.decode()
    assert "مسودتي" in listing and "مسودة زميل" not in listing
    assert client.get(f"/admin/articles/article/{own.pk}/change/").status_code == 200
    assert client.get(f"/admin/articles/article/{other.pk}/change/").status_code == 302  # not found for them
    page = client.get(f"/admin/articles/article/{submitted.pk}/change/").content.decode()
    assert 'name="headline_ar"' not in page  # in review: read-only for its reporter


@pytest.mark.django_db
def test_a_refused_action_says_why_in_arabic(client, people):
    article = make_article(status=Status.DRAFT, created_by=people["reporter"])
    response = _bulk(client, people["editor"], "unpublish_selected", article)
    assert "لا يمكن أن يصبح" in response.content.decode()


@pytest.mark.django_db
def test_the_workflow_button_on_the_article_form(client, people):
    article = make_article(status=Status.DRAFT, created_by=people["reporter"], headline_ar="تقرير الميادين")
    sign_in(client, people["reporter"])
    form = client.get(f"/admin/articles/article/{article.pk}/change/").context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "tags"}
    data |= {"section": article.section_id, "tags": "", "loaded_version": article.version}
    data |= {"bylines-TOTAL_FORMS": 0, "bylines-INITIAL_FORMS": 0, "corrections-TOTAL_FORMS": 0}
    data |= {"corrections-INITIAL_FORMS": 0}
    response = client.post(f"/admin/articles/article/{article.pk}/change/", {**data, "_workflow": "submit"})
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Status.IN_REVIEW
    step = article.transitions.get()
    assert (step.from_status, step.to_status, step.by) == (Status.DRAFT, Status.IN_REVIEW, people["reporter"])


@pytest.mark.django_db
@pytest.mark.parametrize("start", list(Status))
@pytest.mark.parametrize("target", list(Status))
def test_services_follow_exactly_the_workflow_edges(people, start, target):
    article = make_article(status=start)
    move = {
        Status.IN_REVIEW: article_submit,
        Status.DRAFT: article_return_to_draft,
        Status.PUBLISHED: article_publish,
        Status.UNPUBLISHED: article_unpublish,
        Status.SCHEDULED: lambda **kw: article_publish(**kw, at=timezone.now() + timedelta(hours=1)),
    }[target]
    # An editor returning another's article from review says why.
    note = {"note": "يحتاج إلى مصدر ثانٍ"} if target == Status.DRAFT else {}
    if (start, target) in TRANSITIONS:
        move(article=article, by=people["editor"], **note)
        assert Article.objects.get(pk=article.pk).status == target
    else:
        with pytest.raises(ValidationError):
            move(article=article, by=people["editor"], **note)
        assert Article.objects.get(pk=article.pk).status == start


@pytest.mark.django_db
def test_reporters_cannot_publish_even_by_calling_the_service(people):
    article = make_article(status=Status.IN_REVIEW, created_by=people["reporter"])
    with pytest.raises(PermissionDenied):
        article_publish(article=article, by=people["reporter"])
    assert not ArticleTransition.objects.exists()


@pytest.mark.django_db
def test_the_database_refuses_a_step_outside_the_workflow():
    article = make_article(status=Status.DRAFT)
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleTransition.objects.create(article=article, from_status=Status.DRAFT, to_status=Status.UNPUBLISHED)


@pytest.mark.django_db
def test_a_scheduled_article_appears_on_time_without_cron(client, people):
    start = timezone.now()
    article = make_article(status=Status.DRAFT, headline_ar="خبر مجدول للظهر")
    with time_machine.travel(start, tick=False):
        article_publish(article=article, by=people["editor"], at=start + timedelta(hours=2))
        assert "خبر مجدول للظهر" not in client.get("/").content.decode()
        assert client.get(article.get_absolute_url()).status_code == 404
    with time_machine.travel(start + timedelta(hours=2, seconds=1), tick=False):
        assert "خبر مجدول للظهر" in client.get("/").content.decode()  # no command has run
        assert client.get(article.get_absolute_url()).status_code == 200
        call_command("publish_scheduled", verbosity=0)
        call_command("publish_scheduled", verbosity=0)  # idempotent
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED
    assert list(article.transitions.values_list("to_status", "by")) == [
        (Status.PUBLISHED, None),
        (Status.SCHEDULED, people["editor"].pk),
    ]


@pytest.mark.django_db
def test_the_admin_home_shows_what_waits_for_review_and_what_is_scheduled(
    client, people, django_assert_max_num_queries
):
    """Its five lists take five queries whatever their length, the live pages to post to one more, the stories the
    user owes one more, the two most-read lists two more, the home page's arrangement in force and the next one two
    more (the rest of the admin home takes a few more, one of them django-otp reading the second factor this
    session was verified with)."""
    make_article(status=Status.IN_REVIEW, headline_ar="تقرير ينتظر المراجعة")
    make_article(status=Status.SCHEDULED, headline_ar="خبر مجدول", published_at=timezone.now() + timedelta(hours=3))
    make_article(status=Status.DRAFT, headline_ar="مسودة")
    for hour in range(5):
        make_article(status=Status.IN_REVIEW, updated_at=timezone.now() - timedelta(hours=hour))
    sign_in(client, people["editor"])
    with django_assert_max_num_queries(18):
        html = client.get("/admin/").content.decode()
    queue = html[html.index('id="editorial-queue"') : html.index('id="content-main"')]
    assert "ينتظر المراجعة" in queue and "تقرير ينتظر المراجعة" in queue and "خبر مجدول" in queue
    assert ">مسودة<" not in queue
    sign_in(client, people["moderator"])
    assert 'id="editorial-queue"' not in client.get("/admin/").content.decode()


@pytest.mark.django_db
def test_the_admin_home_is_right_the_moment_a_scheduled_article_comes_due(client, people):
    """Before any job records the step: a scheduled article whose time has passed is among the published, not the
    scheduled; a reporter sees their own drafts; a moderator sees the comments waiting."""
    from comments.services.comments import comment_submit

    due = timezone.now() + timedelta(minutes=5)
    soon = make_article(status=Status.SCHEDULED, headline_ar="خبر يحين موعده", published_at=due)
    make_article(status=Status.DRAFT, headline_ar="مسودتي الأولى", created_by=people["reporter"])

    def lists(user):
        sign_in(client, user)
        html = client.get("/admin/").content.decode()
        return dict(re.findall(r"<caption>(.*?) <bdi>.*?</caption>(.*?)</table>", html, re.S))

    before = lists(people["editor"])
    assert "خبر يحين موعده" in before["مجدول"] and "خبر يحين موعده" not in before["نُشر مؤخراً"]
    with time_machine.travel(due + timedelta(seconds=1)):
        after = lists(people["editor"])
        assert "خبر يحين موعده" not in after["مجدول"] and "خبر يحين موعده" in after["نُشر مؤخراً"]
    assert "مسودتي الأولى" in lists(people["reporter"])["مسوداتي"]
    comment_submit(article=soon, name="قارئ", email="r@example.org", body="سؤال عن الموعد")
    sign_in(client, people["moderator"])
    html = client.get("/admin/").content.decode()
    queue = html[html.index('id="moderation-queue"') :]
    assert "سؤال عن الموعد" in queue and "<bdi>(1)</bdi>" in queue


@pytest.mark.django_db
def test_an_editor_returns_a_draft_with_a_note_the_writer_reads_and_resubmitting_tells_the_editor(
    client, people, mailoutbox
):
    from tests.factories import run_jobs

    article = make_article(status=Status.IN_REVIEW, headline_ar="تقرير عن المعبر", created_by=people["reporter"])
    refused = _press(client, people["editor"], article, "return_to_draft")
    assert any(str(m).endswith("يقرأ الكاتب ملاحظتك على مكتبه.") for m in refused.wsgi_request._messages)
    _press(client, people["editor"], article, "return_to_draft", workflow_note="ينقصه رأي من الطرف الآخر.")
    article.refresh_from_db()
    assert article.status == Status.DRAFT
    # The writer's desk and the article itself show the note, who left it and when.
    sign_in(client, people["reporter"])
    home = client.get("/admin/").content.decode()
    returned = home[home.index("أُعيد إليّ") :]
    assert "تقرير عن المعبر" in returned and "ينقصه رأي من الطرف الآخر." in returned
    form = client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert 'class="module workflow-note" role="note"' in form and "ينقصه رأي من الطرف الآخر." in form
    # The history keeps it.
    sign_in(client, people["editor"])
    history = client.get("/admin/articles/articletransition/").content.decode()
    assert "ينقصه رأي من الطرف الآخر." in history
    # Sent back: the editor who returned it is told, by the job queue, once.
    _press(client, people["reporter"], article, "submit")
    article.refresh_from_db()
    assert article.status == Status.IN_REVIEW and mailoutbox == []
    assert run_jobs() >= 1
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [people["editor"].email]
    assert "تقرير عن المعبر" in mailoutbox[0].body and "ينقصه رأي" in mailoutbox[0].body
    assert run_jobs() == 0 and len(mailoutbox) == 1


def _press(client, user, article, button, **fields):
    """Open the article's form as `user` and press one of its workflow buttons."""
    sign_in(client, user)
    page = client.get(f"/admin/articles/article/{article.pk}/change/")
    if page.status_code != 200:
        return page
    data = article_form_data(page.context["adminform"].form, article, _workflow=button, **fields)
    return client.post(f"/admin/articles/article/{article.pk}/change/", data)


# (who, starting status, workflow button on the article form, extra form fields) → the status afterwards.
IN_FORM = "2030-01-15"
BUTTONS = [
    ("reporter", Status.DRAFT, "submit", {}, Status.IN_REVIEW),
    ("reporter", Status.DRAFT, "publish", {}, Status.DRAFT),
    ("reporter", Status.DRAFT, "publish", {"schedule_for_0": IN_FORM, "schedule_for_1": "09:00"}, Status.DRAFT),
    ("editor", Status.DRAFT, "publish", {"schedule_for_0": IN_FORM, "schedule_for_1": "09:00"}, Status.SCHEDULED),
    ("editor", Status.SCHEDULED, "publish", {"schedule_for_0": IN_FORM, "schedule_for_1": "11:30"}, Status.SCHEDULED),
    ("editor", Status.SCHEDULED, "publish", {}, Status.PUBLISHED),
    ("editor", Status.IN_REVIEW, "return_to_draft", {"workflow_note": "ينقصه مصدر ثانٍ"}, Status.DRAFT),
    ("editor", Status.IN_REVIEW, "return_to_draft", {}, Status.IN_REVIEW),  # another's article needs a note
    ("editor", Status.UNPUBLISHED, "return_to_draft", {}, Status.DRAFT),
    ("editor", Status.PUBLISHED, "unpublish", {}, Status.UNPUBLISHED),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "start", "button", "fields", "end"), BUTTONS)
def test_workflow_buttons_per_role(client, people, who, start, button, fields, end):
    published_at = timezone.now() + timedelta(days=1) if start == Status.SCHEDULED else None
    article = make_article(
        status=start, created_by=people["reporter"], **({"published_at": published_at} if published_at else {})
    )
    _press(client, people[who], article, button, **fields)
    article.refresh_from_db()
    assert article.status == end
    if end == Status.SCHEDULED and fields:
        assert (
            timezone.localtime(article.published_at).strftime("%Y-%m-%d %H:%M")
            == f"{IN_FORM} {fields['schedule_for_1']}"
        )


OUTCOMES = {
    Status.IN_REVIEW: "أُرسل إلى المحررين للمراجعة.",
    Status.PUBLISHED: "نُشر: يراه القرّاء الآن.",
    Status.DRAFT: "أُعيد إلى الكاتب مع ملاحظتك.",
    Status.UNPUBLISHED: "أُلغي النشر: لم يعد القرّاء يرونه.",
}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "start", "button", "fields", "end"),
    [case for case in BUTTONS if case[4] != case[1] or case[:3] == ("editor", Status.SCHEDULED, "publish")],
)
def test_the_form_says_what_the_workflow_button_did(client, people, who, start, button, fields, end):
    """Instead of the admin's «changed successfully»: scheduled for when, published, sent back…"""
    published_at = timezone.now() + timedelta(days=1) if start == Status.SCHEDULED else None
    article = make_article(
        status=start, created_by=people["reporter"], **({"published_at": published_at} if published_at else {})
    )
    response = _press(client, people[who], article, button, **fields)
    shown = [str(message) for message in response.wsgi_request._messages]
    if end == Status.DRAFT and not fields.get("workflow_note"):
        assert shown == ["أُعيد إلى المسودة."], shown
    elif end == Status.SCHEDULED:
        assert len(shown) == 1 and shown[0].startswith("جُدول: سيُنشر في ") and "2030" in shown[0], shown
    else:
        assert shown == [OUTCOMES[end]], shown


@pytest.mark.django_db
def test_a_reporter_withdraws_their_own_article_from_review_through_the_service(people):
    article = make_article(status=Status.IN_REVIEW, created_by=people["reporter"])
    article_return_to_draft(article=article, by=people["reporter"])
    assert Article.objects.get(pk=article.pk).status == Status.DRAFT
    other = make_article(status=Status.IN_REVIEW, created_by=people["other_reporter"])
    with pytest.raises(PermissionDenied):
        article_return_to_draft(article=other, by=people["reporter"])


@pytest.mark.django_db
def test_saving_text_while_an_editor_publishes_does_not_undo_the_publication(client, people):
    article = make_article(status=Status.IN_REVIEW, headline_ar="قبل")
    other_editor = make_user("omar", "editor")
    sign_in(client, other_editor)
    page = client.get(f"/admin/articles/article/{article.pk}/change/")  # Omar opens the form...
    article_publish(article=article, by=people["editor"])  # ...Hala publishes meanwhile...
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "tags"}
    data |= {"section": article.section_id, "tags": "", "loaded_version": form["loaded_version"].value()}
    data |= {"bylines-TOTAL_FORMS": 0, "bylines-INITIAL_FORMS": 0, "corrections-TOTAL_FORMS": 0}
    data |= {"corrections-INITIAL_FORMS": 0, "headline_ar": "بعد"}
    assert client.post(f"/admin/articles/article/{article.pk}/change/", data).status_code == 302  # ...Omar saves
    article.refresh_from_db()
    assert (article.headline_ar, article.status) == ("بعد", Status.PUBLISHED)


@pytest.mark.django_db
def test_an_editor_saving_an_article_without_a_byline_does_not_become_its_author(client, people):
    Author.objects.create(name_ar="هالة", user=people["editor"])
    article = make_article(status=Status.DRAFT, authors=())
    _press(client, people["editor"], article, "")
    assert not article.bylines.exists()


@pytest.mark.django_db
def test_the_groups_hold_exactly_the_permissions_in_roles_py():
    for name, grants in GROUPS.items():
        held = set(Group.objects.get(name=name).permissions.values_list("content_type__app_label", "codename"))
        assert held == {(app, codename) for app, codenames in grants.items() for codename in codenames}, name


@pytest.mark.django_db
def test_an_article_without_a_byline_is_not_published(client, people):
    """Readers are owed a name: the form's button, the bulk action and the service all refuse, and say why."""
    article = make_article(status=Status.DRAFT, authors=())
    with pytest.raises(ValidationError) as refused:
        article_publish(article=article, by=people["editor"])
    assert refused.value.code == "byline_required"
    response = _press(client, people["editor"], article, "publish")
    shown = [str(message) for message in response.wsgi_request._messages]
    assert any("أضف توقيعاً قبل النشر" in message for message in shown), shown
    assert _bulk(client, people["editor"], "publish_selected", article).status_code == 200
    assert Article.objects.get(pk=article.pk).status == Status.DRAFT


@pytest.mark.django_db
def test_the_workflow_buttons_sit_under_the_publication_time_after_the_bylines(client, people):
    article = make_article(status=Status.DRAFT, created_by=people["reporter"])
    sign_in(client, people["editor"])
    page = client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    box = page.index('class="publication-box"')
    assert page.index('id="bylines-group"') < box < page.index('name="schedule_for_0"')
    # The Save row is the last name="_save" (the first is the one Enter presses, unseen).
    assert page.index('name="schedule_for_0"') < page.index('name="_workflow"') < page.rindex('name="_save"')


@pytest.mark.django_db
@pytest.mark.parametrize("start", [Status.DRAFT, Status.IN_REVIEW, Status.SCHEDULED, Status.PUBLISHED])
def test_enter_in_a_field_presses_a_plain_save_never_a_workflow_step(client, people, start):
    """The browser's implicit submission presses the form's first submit button: a plain save comes first."""
    published_at = timezone.now() + timedelta(days=1) if start == Status.SCHEDULED else None
    article = make_article(
        status=start, created_by=people["reporter"], **({"published_at": published_at} if published_at else {})
    )
    sign_in(client, people["editor"])
    page = client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    form = page[page.index('id="article_form"') :]
    first = re.search(r'<(?:input|button)[^>]*type="submit"[^>]*>', form).group(0)
    assert 'name="_save"' in first and "_workflow" not in first and "overwrite_version" not in first


@pytest.mark.django_db
def test_after_a_workflow_button_the_form_says_what_happened_beside_the_buttons(client, people):
    article = make_article(status=Status.DRAFT, created_by=people["reporter"])
    response = _press(client, people["editor"], article, "publish", schedule_for_0=IN_FORM, schedule_for_1="09:00")
    assert response.status_code == 302 and response.url == f"/admin/articles/article/{article.pk}/change/"
    page = client.get(response.url).content.decode()
    row = page[page.index('class="submit-row workflow-row"') :]
    assert "جُدول للنشر في 15 يناير 2030" in row and "بواسطة hala" in row
