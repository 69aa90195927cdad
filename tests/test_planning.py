"""Story planning as the desk uses it: editors plan and assign stories; a story's status follows its article; the
writer finds what they owe on the desk's home and turns a plan into a draft in one click (one draft, however many
clicks); the plan of a week (from the language's first day of the week) or a day, with overdue stories marked; and
what the desk may and may not do, by role, through the admin (browser test: tests/browser/test_planning_browser.py).
"""

import re
from datetime import date, datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from articles.models import Article, ArticleRevision
from planning.models import PlannedStory, StoryStatus
from planning.periods import Period, period_from
from planning.services.stories import story_draft_start, story_drop, story_plan, story_restore
from planning.templatetags.planning_tags import stories_owed
from tests.factories import make_article, make_author, make_section, make_staff, sign_in

pytestmark = pytest.mark.django_db

DAMASCUS = ZoneInfo("Asia/Damascus")
# A Wednesday: the Arabic week around it runs from Saturday 28 November to Friday 4 December 2026, the English one
# from Monday 30 November to Sunday 6 December.
WEDNESDAY = datetime(2026, 12, 2, 10, 0, tzinfo=DAMASCUS)
CALENDAR = "/admin/planning/plannedstory/calendar/"


@pytest.fixture
def people():
    reporter = make_staff("plan-reporter", "reporter")
    make_author(user=reporter, name_ar="ليلى الحسن")
    return {
        "reporter": reporter,
        "other": make_staff("plan-other", "reporter"),
        "editor": make_staff("plan-editor", "editor"),
        "chief": make_staff("plan-chief", "chief"),
        "moderator": make_staff("plan-moderator", "moderator"),
    }


@pytest.fixture
def section():
    return make_section(name_ar="تقارير ميدانية")


def plan(section, by, **fields):
    fields.setdefault("headline", "طوابير الغاز في دير الزور")
    fields.setdefault("deadline", timezone.now() + timedelta(hours=4))
    return story_plan(story=PlannedStory(section=section, **fields), by=by)


def start_url(story):
    return reverse("admin:planning_plannedstory_start", args=[story.pk])


def signed_in(user):
    client = Client()
    if user is not None:
        sign_in(client, user)
    return client


# What a story's status is.


def _draft(status):
    return lambda: make_article(status=status)


STATUS_CASES = {
    "no draft yet": (None, StoryStatus.PLANNED, StoryStatus.PLANNED),
    "a draft": (_draft(Article.Status.DRAFT), StoryStatus.PLANNED, StoryStatus.IN_PROGRESS),
    "sent for review": (_draft(Article.Status.IN_REVIEW), StoryStatus.PLANNED, StoryStatus.FILED),
    "scheduled": (_draft(Article.Status.SCHEDULED), StoryStatus.PLANNED, StoryStatus.FILED),
    "published": (_draft(Article.Status.PUBLISHED), StoryStatus.PLANNED, StoryStatus.FILED),
    "published, then taken down": (_draft(Article.Status.UNPUBLISHED), StoryStatus.PLANNED, StoryStatus.FILED),
    "dropped": (None, StoryStatus.DROPPED, StoryStatus.DROPPED),
    "dropped with its draft": (_draft(Article.Status.DRAFT), StoryStatus.DROPPED, StoryStatus.DROPPED),
}


@pytest.mark.parametrize(("article", "decided", "expected"), STATUS_CASES.values(), ids=STATUS_CASES.keys())
def test_a_storys_status_is_read_from_its_article_the_same_way_everywhere(people, section, article, decided, expected):
    """The queryset's filter and annotation and the instance's method give the same answer (STATUS_RULES)."""
    story = plan(section, people["editor"])
    PlannedStory.objects.filter(pk=story.pk).update(article=article() if article else None, status=decided)
    assert PlannedStory.objects.get(pk=story.pk).get_current_status() == expected
    assert PlannedStory.objects.with_current_status().get(pk=story.pk).current_status == expected
    assert list(PlannedStory.objects.in_status(expected)) == [story]
    others = [status for status in StoryStatus if status != expected]
    assert not PlannedStory.objects.in_status(*others).exists()
    assert PlannedStory.objects.open().exists() == (expected in (StoryStatus.PLANNED, StoryStatus.IN_PROGRESS))


def test_a_story_whose_draft_is_deleted_is_owed_again(people, section):
    story = plan(section, people["editor"], assignee=people["reporter"])
    article = story_draft_start(story=story, by=people["reporter"])
    article.delete()
    story.refresh_from_db()
    assert story.get_current_status() == StoryStatus.PLANNED
    assert list(PlannedStory.objects.owed_by(people["reporter"])) == [story]


def test_a_draft_returned_from_review_is_owed_again(people, section):
    from articles.services.articles import article_return_to_draft, article_submit

    story = plan(section, people["editor"], assignee=people["reporter"])
    article = story_draft_start(story=story, by=people["reporter"])
    article_submit(article=article, by=people["reporter"])
    assert not PlannedStory.objects.owed_by(people["reporter"]).exists()
    article_return_to_draft(article=Article.objects.get(pk=article.pk), by=people["editor"], note="أضف الأرقام.")
    assert [s.get_current_status() for s in PlannedStory.objects.owed_by(people["reporter"])] == [
        StoryStatus.IN_PROGRESS
    ]


def test_the_database_refuses_a_status_the_desk_does_not_decide_and_an_empty_headline(people, section):
    story = plan(section, people["editor"])
    for status in (StoryStatus.FILED, StoryStatus.IN_PROGRESS, "lost"):
        with pytest.raises(IntegrityError), transaction.atomic():
            PlannedStory.objects.filter(pk=story.pk).update(status=status)
    with pytest.raises(IntegrityError), transaction.atomic():
        PlannedStory.objects.filter(pk=story.pk).update(headline="")


def test_owed_by_lists_a_writers_open_stories_nearest_deadline_first(people, section):
    now = timezone.now()
    reporter, editor = people["reporter"], people["editor"]
    later = plan(section, editor, assignee=reporter, headline="لاحقاً", deadline=now + timedelta(days=2))
    sooner = plan(section, editor, assignee=reporter, headline="قريباً", deadline=now + timedelta(hours=1))
    started = plan(section, editor, assignee=reporter, headline="بدأتها", deadline=now + timedelta(days=1))
    story_draft_start(story=started, by=reporter)
    filed = plan(section, editor, assignee=reporter, headline="سلّمتها")
    Article.objects.filter(pk=story_draft_start(story=filed, by=reporter).pk).update(status=Article.Status.IN_REVIEW)
    story_drop(story=plan(section, editor, assignee=reporter, headline="أُلغيت"), by=editor)
    plan(section, editor, assignee=people["other"], headline="لغيري")
    plan(section, editor, headline="بلا كاتب")
    assert list(PlannedStory.objects.owed_by(reporter)) == [sooner, started, later]
    assert not PlannedStory.objects.owed_by(people["moderator"]).exists()


def test_between_includes_its_start_and_excludes_its_end(people, section):
    start = timezone.now().replace(microsecond=0)
    at_start = plan(section, people["editor"], deadline=start)
    plan(section, people["editor"], deadline=start + timedelta(hours=1))
    assert list(PlannedStory.objects.between(start, start + timedelta(hours=1))) == [at_start]


# Planning.


def test_only_editors_plan_and_a_headline_of_spaces_is_refused(people, section):
    with pytest.raises(PermissionDenied):
        plan(section, people["reporter"])
    with pytest.raises(ValidationError):
        plan(section, people["editor"], headline="   ")
    story = plan(section, people["chief"], headline="  عنوان   مبدئي ", assignee=people["reporter"])
    assert story.headline == "عنوان مبدئي" and story.created_by == people["chief"]
    assert story.status == StoryStatus.PLANNED


def test_changing_a_plan_leaves_its_status_and_draft_alone(people, section):
    story = plan(section, people["editor"], assignee=people["reporter"])
    article = story_draft_start(story=story, by=people["reporter"])
    stale = PlannedStory.objects.get(pk=story.pk)
    stale.article, stale.status = None, StoryStatus.DROPPED  # as a stale instance might hold
    stale.headline = "عنوان أدق"
    story_plan(story=stale, by=people["editor"])
    story.refresh_from_db()
    assert (story.headline, story.article, story.status) == ("عنوان أدق", article, StoryStatus.PLANNED)


def test_an_editor_plans_and_assigns_a_story_through_the_admin(people, section):
    client = signed_in(people["editor"])
    form = client.get("/admin/planning/plannedstory/add/").content.decode()
    # Only those who write articles can be assigned a story.
    assert f'<option value="{people["reporter"].pk}">plan-reporter</option>' in form
    assert f'value="{people["moderator"].pk}"' not in form
    assert 'name="headline"' in form and 'dir="rtl" lang="ar"' in form
    response = client.post(
        "/admin/planning/plannedstory/add/",
        {"headline": "امتحانات الشهادة الثانوية في الرقة", "section": section.pk, "assignee": people["reporter"].pk,
         "deadline_0": "2026-12-04", "deadline_1": "14:30", "notes": "أرقام مديرية التربية."},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    story = PlannedStory.objects.get()
    assert story.created_by == people["editor"] and story.assignee == people["reporter"]
    assert story.deadline == datetime(2026, 12, 4, 14, 30, tzinfo=DAMASCUS)


def test_a_plan_without_a_headline_is_refused_with_a_translated_message(people, section):
    client = signed_in(people["editor"])
    response = client.post(
        "/admin/planning/plannedstory/add/",
        {"headline": "", "section": section.pk, "deadline_0": "2026-12-04", "deadline_1": "14:30"},
    )
    assert response.status_code == 200 and not PlannedStory.objects.exists()
    assert "هذا الحقل مطلوب" in response.content.decode()


# Who reaches what.

PAGES = {
    "the plan": "/admin/planning/plannedstory/",
    "a new plan": "/admin/planning/plannedstory/add/",
    "the calendar": CALENDAR,
}
ALLOWED = {
    "reporter": {"the plan", "the calendar"},
    "editor": set(PAGES),
    "chief": set(PAGES),
    "moderator": set(),
}


@pytest.mark.parametrize("role", sorted(ALLOWED))
def test_each_role_reaches_the_planning_pages_it_may(people, role):
    client = signed_in(people[role])
    for name, page in PAGES.items():
        status = client.get(page).status_code
        assert status == (200 if name in ALLOWED[role] else 403), (role, name, status)


def test_anonymous_visitors_are_sent_to_sign_in():
    for page in PAGES.values():
        response = Client().get(page)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


# One click, one draft.

START = {
    # (who presses, status, where it leads, drafts made)
    "anonymous": (None, 302, "/admin/login/", 0),
    "a moderator": ("moderator", 403, None, 0),
    "a reporter it is not assigned to": ("other", 403, None, 0),
    "its writer": ("reporter", 302, "/admin/articles/article/", 1),
    "an editor": ("editor", 302, "/admin/articles/article/", 1),
}


@pytest.mark.parametrize(("who", "status", "leads_to", "drafts"), START.values(), ids=START.keys())
def test_who_may_start_a_storys_draft(people, section, who, status, leads_to, drafts):
    story = plan(section, people["editor"], assignee=people["reporter"])
    response = signed_in(people.get(who)).post(start_url(story))
    assert response.status_code == status
    if leads_to:
        assert response["Location"].startswith(leads_to)
    assert Article.objects.count() == drafts
    story.refresh_from_db()
    assert (story.article_id is not None) == bool(drafts)


def test_the_start_view_only_answers_a_post(people, section):
    story = plan(section, people["editor"], assignee=people["reporter"])
    assert signed_in(people["reporter"]).get(start_url(story)).status_code == 405
    assert not Article.objects.exists()


def test_the_start_view_refuses_a_post_without_the_csrf_token(people, section):
    story = plan(section, people["editor"], assignee=people["reporter"])
    client = Client(enforce_csrf_checks=True)
    sign_in(client, people["reporter"])
    assert client.post(start_url(story)).status_code == 403
    assert not Article.objects.exists()


def test_a_second_click_opens_the_same_draft_and_makes_no_other(people, section):
    story = plan(section, people["editor"], assignee=people["reporter"])
    client = signed_in(people["reporter"])
    first, second = client.post(start_url(story)), client.post(start_url(story))
    assert Article.objects.count() == 1
    article = Article.objects.get()
    assert first["Location"] == second["Location"] == f"/admin/articles/article/{article.pk}/change/"
    assert [str(m) for m in second.wsgi_request._messages][-1] == "بدأت مسودة هذه القصة من قبل: ها هي."
    # And the service itself, called again.
    assert story_draft_start(story=story, by=people["editor"]) == article
    assert Article.objects.count() == 1 and ArticleRevision.objects.count() == 1


def test_the_draft_has_the_working_headline_the_section_and_the_writers_byline(people, section):
    story = plan(section, people["editor"], assignee=people["reporter"], headline="الجسر المعلّق بعد الترميم")
    client = signed_in(people["reporter"])
    response = client.post(start_url(story), follow=True)
    article = Article.objects.get()
    assert (article.headline_ar, article.section, article.status) == (story.headline, section, Article.Status.DRAFT)
    assert article.created_by == people["reporter"]
    assert [author.name_ar for author in article.byline_authors()] == ["ليلى الحسن"]
    assert article.revisions.count() == 1  # as the article form keeps the first version
    # The article form, with the headline filled in and what just happened said.
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == f"/admin/articles/article/{article.pk}/change/"
    assert re.search(r'name="headline_ar"[^>]*value="الجسر المعلّق بعد الترميم"', html)
    assert "المسودة جاهزة بالعنوان المبدئي" in html


def test_an_editor_starting_a_reporters_draft_hands_it_to_the_reporter(people, section):
    story = plan(section, people["editor"], assignee=people["reporter"])
    article = story_draft_start(story=story, by=people["editor"])
    assert article.created_by == people["reporter"]  # on the reporter's desk among their drafts
    assert [author.user for author in article.byline_authors()] == [people["reporter"]]
    assert article.may_be_edited_by(people["reporter"])
    assert article.revisions.get().created_by == people["editor"]  # who pressed the button


def test_a_dropped_story_is_not_started_until_it_is_back_on_the_plan(people, section):
    story = plan(section, people["editor"], assignee=people["reporter"])
    story_drop(story=story, by=people["editor"])
    with pytest.raises(ValidationError, match="أُلغيت هذه القصة"):
        story_draft_start(story=story, by=people["reporter"])
    response = signed_in(people["reporter"]).post(start_url(story))
    assert response["Location"] == f"/admin/planning/plannedstory/{story.pk}/change/"
    assert not Article.objects.exists()
    with pytest.raises(PermissionDenied):
        story_restore(story=story, by=people["reporter"])
    story_restore(story=story, by=people["editor"])
    assert story_draft_start(story=story, by=people["reporter"]).headline_ar == story.headline


def test_editors_drop_and_restore_stories_from_the_list(people, section):
    story = plan(section, people["editor"], assignee=people["reporter"])
    client = signed_in(people["editor"])
    changelist = "/admin/planning/plannedstory/"
    client.post(changelist, {"action": "drop_selected", "_selected_action": [story.pk]})
    story.refresh_from_db()
    assert story.get_current_status() == StoryStatus.DROPPED
    client.post(changelist, {"action": "restore_selected", "_selected_action": [story.pk]})
    story.refresh_from_db()
    assert story.get_current_status() == StoryStatus.PLANNED
    # Reporters are offered neither.
    html = signed_in(people["reporter"]).get(changelist).content.decode()
    assert "drop_selected" not in html and "restore_selected" not in html


def test_the_list_offers_the_button_only_to_whoever_may_press_it(people, section):
    mine = plan(section, people["editor"], assignee=people["reporter"], headline="قصتي")
    theirs = plan(section, people["editor"], assignee=people["other"], headline="قصة غيري")
    started = plan(section, people["editor"], assignee=people["reporter"], headline="قصة بدأتها")
    article = story_draft_start(story=started, by=people["reporter"])
    html = signed_in(people["reporter"]).get("/admin/planning/plannedstory/").content.decode()
    assert f'formaction="{start_url(mine)}"' in html and f'formaction="{start_url(theirs)}"' not in html
    # Inside the list's own form, which carries the CSRF token, even for a reporter who has no actions.
    changelist_form = html[
        html.index('<form id="changelist-form" method="post"') : html.index(
            "</form>", html.index('id="changelist-form"')
        )
    ]
    assert 'name="csrfmiddlewaretoken"' in changelist_form and start_url(mine) in changelist_form
    assert f'href="/admin/articles/article/{article.pk}/change/">افتح المسودة<' in html
    editor = signed_in(people["editor"]).get("/admin/planning/plannedstory/").content.decode()
    assert f'formaction="{start_url(mine)}"' in editor and f'formaction="{start_url(theirs)}"' in editor
    # The story's own page: the button for its writer, outside the story's form (its own form, its own token).
    page = signed_in(people["reporter"]).get(f"/admin/planning/plannedstory/{mine.pk}/change/").content.decode()
    assert re.search(rf'<form method="post" action="{start_url(mine)}"\s+class="planning-start-form">', page)
    page = signed_in(people["other"]).get(f"/admin/planning/plannedstory/{mine.pk}/change/").content.decode()
    assert start_url(mine) not in page


# The desk's home.


def _block(html, block_id):
    start = html.index(f'id="{block_id}"')
    return html[start : html.index("</div>", start)]


def test_the_desk_home_lists_what_the_writer_owes_with_a_button_or_their_draft(people, section):
    now = timezone.now()
    reporter, editor = people["reporter"], people["editor"]
    late = plan(section, editor, assignee=reporter, headline="قصة متأخرة", deadline=now - timedelta(hours=2))
    started = plan(section, editor, assignee=reporter, headline="قصة بدأتها", deadline=now + timedelta(hours=3))
    article = story_draft_start(story=started, by=reporter)
    plan(section, editor, assignee=reporter, headline="قصة الغد", deadline=now + timedelta(days=1))
    story_drop(story=plan(section, editor, assignee=reporter, headline="قصة أُلغيت"), by=editor)
    plan(section, editor, assignee=people["other"], headline="قصة لغيري")
    html = signed_in(reporter).get("/admin/").content.decode()
    owed = _block(html, "stories-owed")
    assert "<caption>ما عليّ كتابته <bdi>(3)</bdi></caption>" in owed
    assert re.findall(r'dir="auto">([^<]+)</a></th>', owed) == ["قصة متأخرة", "قصة بدأتها", "قصة الغد"]
    assert f'action="{start_url(late)}"' in owed and 'name="csrfmiddlewaretoken"' in owed
    assert f'href="/admin/articles/article/{article.pk}/change/"' in owed and start_url(started) not in owed
    assert owed.count("متأخرة</strong>") == 1
    # After the editorial queue, before the list of apps; editors' links to the plan are not a reporter's.
    assert html.index('id="stories-owed"') < html.index('id="content-main"')
    assert 'id="story-planning"' not in html
    # Nothing owed, no block.
    assert 'id="stories-owed"' not in signed_in(people["moderator"]).get("/admin/").content.decode()
    home = signed_in(editor).get("/admin/").content.decode()
    assert 'id="stories-owed"' not in home
    assert f'<a href="{CALENDAR}">خطة هذا الأسبوع</a>' in _block(home, "story-planning")


def test_what_a_writer_owes_takes_one_query_however_many_they_owe(people, section, django_assert_num_queries):
    reporter = people["reporter"]
    for number in range(5):
        plan(section, people["editor"], assignee=reporter, headline=f"قصة {number}")
    story_draft_start(story=PlannedStory.objects.first(), by=reporter)
    reporter.has_perm("planning.view_plannedstory")  # the permissions, which the admin has read already
    with django_assert_num_queries(1):
        owed = stories_owed(reporter)
        rows = [(story.headline, story.section.name, story.is_overdue(), story.article_id) for story in owed]
    assert len(rows) == 5


# The plan of a week or a day.


def _days(html):
    return re.findall(r'<h2 id="day-(\d{4}-\d{2}-\d{2})">', html)


def _headlines(html):
    return re.findall(
        r'<th scope="row"><a href="/(?:en/)?admin/planning/plannedstory/\d+/change/"\s+dir="auto">([^<]+)', html
    )


@pytest.fixture
def week_of_stories(people, section):
    """Stories either side of both weeks' edges around WEDNESDAY, local time."""
    at = {
        "آخر الأسبوع الماضي": datetime(2026, 11, 27, 23, 50, tzinfo=DAMASCUS),  # Friday
        "أول السبت": datetime(2026, 11, 28, 0, 10, tzinfo=DAMASCUS),
        "ظهر الأربعاء": datetime(2026, 12, 2, 12, 0, tzinfo=DAMASCUS),
        "صباح الأربعاء": datetime(2026, 12, 2, 8, 0, tzinfo=DAMASCUS),
        "آخر الجمعة": datetime(2026, 12, 4, 23, 30, tzinfo=DAMASCUS),
        "أول السبت التالي": datetime(2026, 12, 5, 0, 30, tzinfo=DAMASCUS),
    }
    return {
        headline: plan(section, people["editor"], headline=headline, deadline=when) for headline, when in at.items()
    }


def test_the_week_starts_on_the_languages_first_day_and_groups_stories_by_day(people, week_of_stories):
    client = signed_in(people["editor"])
    with time_machine.travel(WEDNESDAY, tick=False):
        arabic = client.get(CALENDAR).content.decode()
        english = client.get(f"/en{CALENDAR}").content.decode()
    # Arabic: Saturday to Friday.
    assert _days(arabic) == [f"2026-11-{day}" for day in (28, 29, 30)] + [f"2026-12-0{day}" for day in (1, 2, 3, 4)]
    assert _headlines(arabic) == ["أول السبت", "صباح الأربعاء", "ظهر الأربعاء", "آخر الجمعة"]
    assert '<a href="?week=2026-W48" rel="prev">' in arabic and '<a href="?week=2026-W50" rel="next">' in arabic
    assert "<h1>خطة الأسبوع من 28 نوفمبر 2026 إلى 4 ديسمبر 2026</h1>" in arabic
    wednesday = arabic[arabic.index('id="day-2026-12-02"') :]
    assert "(اليوم)" in wednesday[: wednesday.index("</h2>")]
    assert arabic.count("لا شيء في الخطة.") == 4
    # English: Monday to Sunday, the same ISO week.
    assert _days(english)[0] == "2026-11-30" and _days(english)[-1] == "2026-12-06"
    assert _headlines(english) == ["صباح الأربعاء", "ظهر الأربعاء", "آخر الجمعة", "أول السبت التالي"]
    assert '<a href="?week=2026-W48" rel="prev">' in english


def test_a_week_and_a_day_are_chosen_by_address(people, week_of_stories):
    client = signed_in(people["editor"])
    with time_machine.travel(WEDNESDAY, tick=False):
        following = client.get(f"{CALENDAR}?week=2026-W50").content.decode()
        day = client.get(f"{CALENDAR}?day=2026-12-02").content.decode()
    assert _days(following)[0] == "2026-12-05" and _headlines(following) == ["أول السبت التالي"]
    assert _days(day) == ["2026-12-02"] and _headlines(day) == ["صباح الأربعاء", "ظهر الأربعاء"]
    assert '<a href="?day=2026-12-01" rel="prev">' in day and '<a href="?day=2026-12-03" rel="next">' in day
    assert '<a href="?week=2026-W49">' in day  # the whole week
    assert 'value="2026-W49"' in day and 'value="2026-12-02"' in day  # the pickers say where we are


def test_overdue_stories_are_marked_and_filed_ones_are_not(people, section):
    reporter = people["reporter"]
    with time_machine.travel(WEDNESDAY, tick=False):
        late = plan(section, people["editor"], assignee=reporter, headline="فاتها الموعد",
                    deadline=WEDNESDAY - timedelta(hours=2))  # fmt: skip
        filed = plan(section, people["editor"], assignee=reporter, headline="سُلّمت في وقتها",
                     deadline=WEDNESDAY - timedelta(hours=1))  # fmt: skip
        article = story_draft_start(story=filed, by=reporter)
        Article.objects.filter(pk=article.pk).update(status=Article.Status.IN_REVIEW)
        plan(section, people["editor"], assignee=reporter, headline="موعدها لاحقاً")
        html = signed_in(people["editor"]).get(CALENDAR).content.decode()
    rows = dict(re.findall(r'dir="auto">([^<]+)</a></th>(.*?)</tr>', html, re.S))
    assert "متأخرة" in rows[late.headline] and "لم تُسنَد بعد" not in rows[late.headline]
    assert "متأخرة" not in rows[filed.headline] and "سُلِّمت" in rows[filed.headline]
    assert "متأخرة" not in rows["موعدها لاحقاً"] and "plan-reporter" in rows["موعدها لاحقاً"]
    assert html.count('class="planning-overdue-row"') == 1
    assert PlannedStory.objects.overdue(WEDNESDAY).get() == late


@pytest.mark.parametrize("size", [3, 6])
def test_the_calendar_costs_the_same_however_many_stories_it_shows(people, section, page_queries, size):
    """Six queries (a warm worker's): the session, the user, their second factor, their own and their groups'
    permissions, the week's stories with their sections, writers and status."""
    with time_machine.travel(WEDNESDAY, tick=False):
        for number in range(size):
            story = plan(section, people["editor"], assignee=people["reporter"], headline=f"قصة {number}",
                         deadline=WEDNESDAY + timedelta(hours=number * 12))  # fmt: skip
            if number % 2:
                story_draft_start(story=story, by=people["reporter"])
        client = signed_in(people["editor"])
        with page_queries(6):
            response = client.get(CALENDAR)
    assert response.status_code == 200 and len(_headlines(response.content.decode())) == size


@pytest.mark.parametrize("size", [3, 6])
def test_the_plans_list_costs_the_same_however_many_stories_it_shows(people, section, page_queries, size):
    """Ten queries (a warm worker's): the session, the user, their second factor, their own and their groups'
    permissions, the sections and the writers for the filters, the filtered and the full count, the stories with
    their sections, writers and status."""
    for number in range(size):
        story = plan(section, people["editor"], assignee=people["reporter"], headline=f"قصة {number}")
        if number % 2:
            story_draft_start(story=story, by=people["reporter"])
    client = signed_in(people["editor"])
    with page_queries(10):
        response = client.get("/admin/planning/plannedstory/")
    assert response.status_code == 200 and response.context["cl"].result_count == size


BAD_ADDRESSES = [
    "week=2026-W60",
    "week=2026-W00",
    "week=2026-49",
    "week=abc",
    "week=9999-W52",
    "week=<script>alert(1)</script>",
    "day=2026-02-30",
    "day=2026-13-01",
    "day=tomorrow",
    "day=20261204",
    "day=0001-01-01",
    "day=9999-12-31",
    "day=2026-W49-3",
]


@pytest.mark.parametrize("query", BAD_ADDRESSES)
def test_an_address_that_names_no_week_or_day_gives_a_page_that_says_so(people, query):
    with time_machine.travel(WEDNESDAY, tick=False):
        response = signed_in(people["editor"]).get(f"{CALENDAR}?{query}")
    assert response.status_code == 400
    html = response.content.decode()
    assert '<p class="errornote" role="alert">' in html and "<script>alert" not in html
    example = "2026-W49" if query.startswith("week") else "2026-12-02"
    assert f"مثل {example}" in html
    assert len(re.findall(r"<h1\b", html)) == 1 and _days(html)[0] == "2026-11-28"  # this week, to start again


def test_an_empty_address_is_this_week(people):
    with time_machine.travel(WEDNESDAY, tick=False):
        response = signed_in(people["editor"]).get(f"{CALENDAR}?week=&day=")
    assert response.status_code == 200 and _days(response.content.decode())[0] == "2026-11-28"


@pytest.mark.parametrize(("first_day", "weekday"), [(6, 5), (0, 6), (1, 0)], ids=["saturday", "sunday", "monday"])
def test_each_iso_week_names_exactly_one_week_whichever_day_weeks_start_on(first_day, weekday):
    """Every week of 2026 and 2027: its address leads back to it, and the week shown holds that ISO week's
    Monday."""
    with mock.patch("planning.periods.formats.get_format", return_value=first_day):
        week = Period.week(date(2026, 1, 1))
        for _number in range(104):
            assert week.first.weekday() == weekday and len(week.days) == 7
            again = period_from({"week": week.week_value()}, today=date(2026, 6, 1))
            assert again == week
            year, number = map(int, week.week_value().split("-W"))
            assert date.fromisocalendar(year, number, 1) in week.days
            week = week.shifted(1)


def test_a_days_bounds_are_local_midnights():
    with override("ar"):
        start, end = Period.day(date(2026, 12, 4)).bounds()
    assert start == datetime(2026, 12, 4, tzinfo=DAMASCUS) and end - start == timedelta(days=1)


# The demo.


def test_the_demo_desk_has_a_plan_for_today_and_the_days_after(client):
    call_command("load_demo", "--force")
    call_command("load_planning_demo", "--force")
    stories = PlannedStory.objects.for_desk()
    assert stories.count() >= 5
    reporter = stories.filter(assignee__username="reporter").first().assignee
    statuses = {story.get_current_status() for story in stories}
    assert {StoryStatus.PLANNED, StoryStatus.IN_PROGRESS, StoryStatus.FILED} <= statuses
    assert stories.filter(assignee__isnull=True).exists()
    today = timezone.localdate()
    assert sum(timezone.localtime(story.deadline).date() == today for story in stories) >= 3
    assert PlannedStory.objects.owed_by(reporter).count() >= 3
    started = stories.get(current_status=StoryStatus.IN_PROGRESS)
    assert [author.user for author in started.article.byline_authors()] == [reporter]
    # Run again on every start: nothing doubled.
    call_command("load_planning_demo", "--force")
    assert PlannedStory.objects.count() == stories.count() and Article.objects.filter(planned_story__isnull=False)
    assert Article.objects.filter(planned_story__isnull=False).count() == 2
