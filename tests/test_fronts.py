"""The front page and the sections' pages as editors arrange them (articles/fronts.py): what leads, what is featured,
what falls back to the newest, when an arrangement takes over, and the desk's form for it.

Which cached pages an arrangement refreshes: tests/test_page_tags.py."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from articles.fronts import FEATURED_SLOTS, arrangement_in_force
from articles.models import ArrangedSection, ArrangedStory, Arrangement, Article
from articles.services.articles import article_unpublish
from tests.factories import make_article, make_section, make_staff, sign_in

HOUR = timedelta(hours=1)


def _cards(html):
    """The headlines of the page's cards, in order, with the lead's marked."""
    cards = re.findall(r'<article class="(story[^"]*)">.*?class="story__headline"><a [^>]*>([^<]+)</a>', html, re.S)
    return [("lead: " if "story--lead" in classes else "") + headline for classes, headline in cards]


def _stories(count, section=None, **fields):
    """`count` published stories, the first the newest («خبر 0», «خبر 1»…)."""
    section = section or make_section()
    now = timezone.now()
    return [
        make_article(headline_ar=f"خبر {number}", section=section, published_at=now - (number + 1) * HOUR, **fields)
        for number in range(count)
    ]


def _arrange(section=None, *, lead=None, featured=(), package=(), **fields):
    arrangement = Arrangement.objects.create(section=section, lead=lead, **fields)
    for position, article in enumerate(featured):
        arrangement.stories.create(article=article, position=position)
    for position, article in enumerate(package):
        arrangement.stories.create(article=article, place=ArrangedStory.Place.PACKAGE, position=position)
    return arrangement


@pytest.mark.django_db
def test_without_an_arrangement_the_newest_leads_and_the_next_are_featured(client):
    _stories(8)
    html = client.get("/").content.decode()
    assert _cards(html) == ["lead: خبر 0", *(f"خبر {number}" for number in range(1, 8))]
    top = html[html.index('class="front"') : html.index('id="latest-heading"')]
    assert top.count('<article class="story') == 1 + FEATURED_SLOTS


@pytest.mark.django_db
def test_the_arranged_lead_and_featured_stories_come_first_in_the_editors_order(client):
    stories = _stories(10)
    _arrange(lead=stories[7], featured=[stories[5], stories[9]])
    html = client.get("/").content.decode()
    # The two empty featured slots take the newest stories not shown already; the list follows without the top.
    assert _cards(html)[:5] == ["lead: خبر 7", "خبر 5", "خبر 9", "خبر 0", "خبر 1"]
    assert _cards(html)[5:] == ["خبر 2", "خبر 3", "خبر 4", "خبر 6", "خبر 8"]
    assert "<h1" in html and html.count("<h1") == 1


@pytest.mark.django_db
def test_featured_positions_decide_the_order_not_the_order_of_entry(client):
    stories = _stories(6)
    arrangement = _arrange(lead=stories[0])
    arrangement.stories.create(article=stories[3], position=2)
    arrangement.stories.create(article=stories[4], position=1)
    assert _cards(client.get("/").content.decode())[1:3] == ["خبر 4", "خبر 3"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "gone",
    [
        {"status": Article.Status.UNPUBLISHED},
        {"status": Article.Status.DRAFT},
        {"published_at": timezone.now() + timedelta(days=1)},
    ],
    ids=["unpublished", "back to draft", "not yet due"],
)
def test_an_article_readers_cannot_see_leaves_its_slot_and_the_newest_takes_it(client, gone):
    stories = _stories(7)
    _arrange(lead=stories[6], featured=[stories[5]])
    Article.objects.filter(pk__in=[stories[6].pk, stories[5].pk]).update(**gone)
    html = client.get("/").content.decode()
    assert "خبر 6" not in html and "خبر 5" not in html
    assert _cards(html)[:2] == ["lead: خبر 0", "خبر 1"]


@pytest.mark.django_db
def test_unpublishing_through_the_workflow_empties_the_slot_on_the_next_visit(client):
    editor = make_staff("fronts-editor", "editor")
    stories = _stories(3)
    _arrange(lead=stories[2])
    assert _cards(client.get("/").content.decode())[0] == "lead: خبر 2"
    article_unpublish(article=stories[2], by=editor)
    assert _cards(client.get("/").content.decode())[0] == "lead: خبر 0"


@pytest.mark.django_db
def test_the_english_page_fills_a_slot_whose_story_is_not_translated(client):
    translated = make_article(headline_ar="مترجم", headline_en="Translated", published_at=timezone.now() - HOUR)
    arabic_only = make_article(headline_ar="بالعربية فقط", published_at=timezone.now() - 2 * HOUR)
    _arrange(lead=arabic_only, featured=[translated])
    assert _cards(client.get("/").content.decode())[:2] == ["lead: بالعربية فقط", "مترجم"]
    # With nothing else in English, the one story there leads rather than sit in a slot under an empty lead.
    assert _cards(client.get("/en/").content.decode()) == ["lead: Translated"]


@pytest.mark.django_db
def test_a_scheduled_arrangement_takes_over_at_its_time_and_the_earlier_one_holds_until_then(client):
    stories = _stories(4)
    now = timezone.now()
    _arrange(lead=stories[2], takes_effect_at=now - HOUR)
    _arrange(lead=stories[3], takes_effect_at=now + HOUR)
    assert _cards(client.get("/").content.decode())[0] == "lead: خبر 2"
    with time_machine.travel(now + HOUR + timedelta(seconds=1)):
        assert _cards(client.get("/").content.decode())[0] == "lead: خبر 3"


@pytest.mark.django_db
def test_the_package_shows_its_title_and_stories_and_a_story_shows_once(client):
    stories = _stories(8)
    _arrange(
        lead=stories[0],
        featured=[stories[1]],
        package=[stories[6], stories[7], stories[0]],
        package_title_ar="فيضانات دير الزور",
        package_title_en="Floods in Deir ez-Zor",
    )
    html = client.get("/").content.decode()
    package = html[html.index('class="package"') :]
    package = package[: package.index("</section>")]
    assert "<bdi>فيضانات دير الزور</bdi>" in package
    assert re.findall(r'<li><a href="[^"]+">([^<]+)</a>', package) == ["خبر 6", "خبر 7"]  # 0 leads already
    assert html.count(f'href="{stories[6].get_absolute_url()}"') == 1


@pytest.mark.django_db
def test_a_live_page_shows_its_latest_updates_while_its_coverage_lasts(client):
    from live.models import LiveEntry
    from live.services.coverage import coverage_end

    stories = _stories(5)
    live = make_article(headline_ar="تغطية مباشرة للفيضان", live_started_at=timezone.now() - HOUR)
    for number in range(4):
        LiveEntry.objects.create(
            article=live, body=f"<p>تحديث رقم {number}</p>", status=LiveEntry.Status.PUBLISHED,
            sequence=number + 1, published_at=timezone.now() - (4 - number) * timedelta(minutes=5),
        )  # fmt: skip
    _arrange(lead=stories[0], live_page=live)
    html = client.get("/").content.decode()
    box = html[html.index('class="front__live"') :]
    box = box[: box.index("</section>")]
    assert "تغطية مباشرة للفيضان" in box and 'class="live-badge"' in box
    # The newest three, newest first.
    assert re.findall(r"تحديث رقم \d", box) == ["تحديث رقم 3", "تحديث رقم 2", "تحديث رقم 1"]
    coverage_end(article=live, by=make_staff("fronts-live-editor", "editor"))
    assert 'class="front__live"' not in client.get("/").content.decode()


@pytest.mark.django_db
def test_the_home_page_shows_the_section_blocks_in_the_arranged_order(client):
    politics, economy, culture = (make_section(name_ar=name) for name in ("سياسة", "اقتصاد", "ثقافة"))
    for section in (politics, economy, culture):
        make_article(section=section)
    arrangement = _arrange()
    ArrangedSection.objects.create(arrangement=arrangement, section=culture, position=0)
    ArrangedSection.objects.create(arrangement=arrangement, section=politics, position=1)
    html = client.get("/").content.decode()
    blocks = re.findall(r'id="section-block-(\d+)"', html)
    assert blocks == [str(culture.pk), str(politics.pk), str(economy.pk)]  # the unarranged one after, as usual


@pytest.mark.django_db
def test_a_sections_page_leads_with_its_own_arrangement_and_the_home_page_is_unaffected(client):
    politics, economy = make_section(name_ar="سياسة"), make_section(name_ar="اقتصاد")
    newest_politics = _stories(3, section=politics)
    older = make_article(headline_ar="تحليل قديم", section=politics, published_at=timezone.now() - 30 * HOUR)
    make_article(headline_ar="خبر اقتصادي", section=economy, published_at=timezone.now() - 10 * HOUR)
    _arrange(section=politics, lead=older)
    section_page = client.get(politics.get_absolute_url()).content.decode()
    assert _cards(section_page) == ["lead: تحليل قديم", *(article.headline_ar for article in newest_politics)]
    assert _cards(client.get("/").content.decode())[0] == "lead: خبر 0"
    # Without an arrangement, a section's newest leads its page; its second page follows on.
    assert _cards(client.get(economy.get_absolute_url()).content.decode()) == ["lead: خبر اقتصادي"]


@pytest.mark.django_db
def test_a_section_page_that_is_all_top_says_nothing_is_missing(client):
    section = make_section()
    _stories(2, section=section)
    html = client.get(section.get_absolute_url()).content.decode()
    assert len(_cards(html)) == 2 and 'class="empty"' not in html


@pytest.mark.django_db
def test_pages_after_the_first_continue_the_list_without_the_top(client):
    stories = _stories(30)
    _arrange(lead=stories[29], featured=[stories[28]])
    first, second = (_cards(client.get(address).content.decode()) for address in ("/", "/?page=2"))
    # Top: 29, 28 and the three newest; list: the next twenty; page 2: the rest, none shown twice.
    assert first[:5] == ["lead: خبر 29", "خبر 28", "خبر 0", "خبر 1", "خبر 2"]
    assert len(first) == 25 and second == [f"خبر {number}" for number in range(23, 28)]
    assert not set(first) & set(second)


@pytest.mark.django_db
@pytest.mark.parametrize("arranged", [False, True])
def test_home_query_count_with_an_arrangement(client, page_queries, arranged):
    """An arrangement costs four queries more: its stories, its section blocks, and the chosen articles with their
    bylines (no photos here)."""
    stories = _stories(12)
    if arranged:
        _arrange(lead=stories[10], featured=stories[3:5], package=stories[8:10], package_title_ar="ملف")
    with page_queries(10 if arranged else 6):
        assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_in_force_and_its_instance_twin_agree():
    """One rule, two callers: the queryset for lists and filters, the instance method for single arrangements."""
    politics = make_section()
    now = timezone.now()
    arrangements = [
        Arrangement.objects.create(takes_effect_at=now - 3 * HOUR),
        Arrangement.objects.create(takes_effect_at=now - HOUR),
        Arrangement.objects.create(takes_effect_at=now + HOUR),
        Arrangement.objects.create(section=politics, takes_effect_at=now - 2 * HOUR),
        Arrangement.objects.create(section=politics, takes_effect_at=now + 2 * HOUR),
    ]
    for moment in (now, now + 90 * timedelta(minutes=1), now + 3 * HOUR, now - 4 * HOUR):
        in_force = set(Arrangement.objects.in_force(moment).values_list("pk", flat=True))
        assert in_force == {arrangement.pk for arrangement in arrangements if arrangement.is_in_force(moment)}
        # And the one-page reading the pages use (articles/fronts.py).
        pages = {arrangement_in_force(page, moment) for page in (None, politics)} - {None}
        assert {arrangement.pk for arrangement in pages} == in_force
    assert {a.pk for a in Arrangement.objects.in_force(now)} == {arrangements[1].pk, arrangements[3].pk}
    # Filtering first does not change which is in force: an earlier one is not in force for being the only match.
    assert not Arrangement.objects.filter(pk=arrangements[0].pk).in_force(now).exists()


# The desk's form.


@pytest.fixture
def editor_client(client, editorial_groups):
    sign_in(client, make_staff("front-page-editor", "editor"))
    return client


def _form(**fields):
    """The arrangement form's post: the main fields, then the two inlines' management forms and rows."""
    stories = fields.pop("stories", [])
    blocks = fields.pop("blocks", [])
    data = {"section": "", "takes_effect_at_0": "", "takes_effect_at_1": "", "note": "", "lead": "",
            "live_page": "", "package_title_ar": "", "package_title_en": ""}  # fmt: skip
    data.update(fields)
    for prefix, rows in (("stories", stories), ("section_order", blocks)):
        data.update({f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": "0"})
        for index, row in enumerate(rows):
            data.update({f"{prefix}-{index}-{name}": value for name, value in row.items()})
    return data


def _when(moment):
    local = timezone.localtime(moment)
    return {"takes_effect_at_0": local.strftime("%Y-%m-%d"), "takes_effect_at_1": local.strftime("%H:%M:%S")}


@pytest.mark.django_db
def test_an_editor_arranges_the_home_page_through_the_desk(editor_client, client):
    stories = _stories(6)
    data = _form(
        lead=str(stories[4].pk),
        stories=[
            {"article": str(stories[5].pk), "place": "featured", "position": "1"},
            {"article": str(stories[3].pk), "place": "package", "position": "1"},
        ],
        **_when(timezone.now() - timedelta(minutes=1)),
    )
    response = editor_client.post("/admin/articles/arrangement/add/", data, follow=True)
    assert response.status_code == 200
    assert "يظهر على صفحته الآن." in response.content.decode()
    arrangement = Arrangement.objects.get()
    assert arrangement.lead == stories[4] and arrangement.created_by.username == "front-page-editor"
    editor_client.logout()
    assert _cards(client.get("/").content.decode())[:2] == ["lead: خبر 4", "خبر 5"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("rows", "blocks", "section", "message"),
    [
        ([{"place": "featured"}] * (FEATURED_SLOTS + 1), [], False, "اختر 4 قصص على الأكثر"),
        ([{"place": "featured"}, {"place": "package", "same": True}], [], False, "المتكررة"),
        ([], [{"position": "0"}], True, "كتل الأقسام في الصفحة الرئيسية فقط"),
    ],
    ids=["too many featured", "one story twice", "section blocks on a section's page"],
)
def test_the_form_refuses_what_it_cannot_show_with_a_message_and_no_change(
    editor_client, rows, blocks, section, message
):
    stories = _stories(FEATURED_SLOTS + 2)
    page = make_section(name_ar="سياسة")
    story_rows = [
        {"article": str(stories[0 if row.get("same") else index].pk), "place": row["place"], "position": str(index)}
        for index, row in enumerate(rows)
    ]
    block_rows = [{"section": str(page.pk), **row} for row in blocks]
    data = _form(stories=story_rows, blocks=block_rows, section=str(page.pk) if section else "",
                 **_when(timezone.now()))  # fmt: skip
    response = editor_client.post("/admin/articles/arrangement/add/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Arrangement.objects.exists()


@pytest.mark.django_db
def test_two_arrangements_of_one_page_for_one_moment_are_refused_on_the_form(editor_client):
    moment = timezone.now().replace(microsecond=0) - timedelta(minutes=5)
    Arrangement.objects.create(takes_effect_at=moment)
    response = editor_client.post("/admin/articles/arrangement/add/", _form(**_when(moment)))
    assert response.status_code == 200 and Arrangement.objects.count() == 1
    assert 'class="errorlist' in response.content.decode()


@pytest.mark.django_db
def test_the_list_says_which_arrangement_shows_now_and_which_waits(editor_client):
    now = timezone.now()
    Arrangement.objects.create(takes_effect_at=now - 2 * HOUR, note="صباحية")
    Arrangement.objects.create(takes_effect_at=now - HOUR, note="ظهيرة")
    Arrangement.objects.create(takes_effect_at=now + HOUR, note="مسائية")
    html = editor_client.get("/admin/articles/arrangement/").content.decode()
    rows = re.findall(r'<tr>.*?</tr>', html, re.S)  # fmt: skip
    states = {note: state for row in rows for note in ("صباحية", "ظهيرة", "مسائية") if note in row
              for state in re.findall(r'arrangement-state--([a-z-]+)', row)}  # fmt: skip
    assert states == {"صباحية": "replaced", "ظهيرة": "in-force", "مسائية": "scheduled"}


@pytest.mark.django_db
@pytest.mark.parametrize(("group", "status"), [("reporter", 403), ("moderator", 403), ("editor", 200)])
def test_only_editors_arrange_pages(client, editorial_groups, group, status):
    sign_in(client, make_staff(f"front-{group}", group))
    assert client.get("/admin/articles/arrangement/add/").status_code == status


# Leading the home page with one story, in one step.


@pytest.mark.django_db
def test_leading_with_a_story_keeps_the_arrangement_and_moves_the_old_lead_down(client):
    from articles.services.arrangements import arrangement_lead

    editor = make_staff("fronts-lead-editor", "editor")
    stories = _stories(10)
    current = _arrange(lead=stories[9], featured=stories[5:9], package=[stories[1]], package_title_ar="ملف الجسر")
    politics = stories[0].section
    ArrangedSection.objects.create(arrangement=current, section=politics)
    breaking = make_article(headline_ar="عاجل: انهيار الجسر", published_at=timezone.now() - HOUR / 2)
    arrangement = arrangement_lead(article=breaking, by=editor)
    assert arrangement.pk != current.pk and arrangement.is_in_force() and arrangement.created_by == editor
    cards = _cards(client.get("/").content.decode())
    # The old lead is the first featured story; the last featured one made room; the package and blocks stay.
    assert cards[:5] == ["lead: عاجل: انهيار الجسر", "خبر 9", "خبر 5", "خبر 6", "خبر 7"]
    assert arrangement.package_title_ar == "ملف الجسر"
    assert list(arrangement.section_order.values_list("section", flat=True)) == [politics.pk]
    assert Arrangement.objects.count() == 2  # the earlier one kept: the desk's record of what led when


@pytest.mark.django_db
def test_only_a_published_story_can_lead():
    from django.core.exceptions import ValidationError

    from articles.services.arrangements import arrangement_lead

    draft = make_article(status=Article.Status.DRAFT)
    with pytest.raises(ValidationError):
        arrangement_lead(article=draft, by=make_staff("fronts-draft-editor", "editor"))
    assert not Arrangement.objects.exists()


@pytest.mark.django_db
def test_the_article_list_action_leads_the_home_page(editor_client):
    story, other = _stories(2)
    response = editor_client.post(
        "/admin/articles/article/", {"action": "lead_home_page", "_selected_action": [story.pk]}, follow=True
    )
    assert response.redirect_chain[-1][0] == f"/admin/articles/arrangement/{Arrangement.objects.get().pk}/change/"
    assert "تتصدّر الصفحة الرئيسية الآن" in response.content.decode()
    response = editor_client.post(
        "/admin/articles/article/", {"action": "lead_home_page", "_selected_action": [story.pk, other.pk]}, follow=True
    )
    assert "اختر مقالاً واحداً" in response.content.decode() and Arrangement.objects.count() == 1


@pytest.mark.django_db
def test_reporters_are_not_offered_the_action(client, editorial_groups):
    sign_in(client, make_staff("fronts-reporter", "reporter"))
    assert "lead_home_page" not in client.get("/admin/articles/article/").content.decode()


@pytest.mark.django_db
def test_the_desk_says_what_leads_the_home_page_and_what_comes_next(editor_client, client, editorial_groups):
    stories = _stories(2)
    html = editor_client.get("/admin/").content.decode()
    assert "يتصدّرها الآن أحدث خبر." in html and 'href="/admin/articles/arrangement/add/"' in html
    now = timezone.now()
    current = _arrange(lead=stories[1], takes_effect_at=now - HOUR)
    scheduled = _arrange(lead=stories[0], takes_effect_at=now + HOUR)
    html = editor_client.get("/admin/").content.decode()
    panel = html[html.index('id="front-page"') :]
    panel = panel[: panel.index("</div>")]
    assert f'href="/admin/articles/arrangement/{current.pk}/change/" dir="auto">خبر 1</a>' in panel
    assert f'href="/admin/articles/arrangement/{scheduled.pk}/change/"' in panel
    sign_in(client, make_staff("fronts-desk-reporter", "reporter"))
    assert 'id="front-page"' not in client.get("/admin/").content.decode()


@pytest.mark.django_db
def test_the_second_page_follows_a_change_of_the_arrangement(client):
    """Page 2 depends on the arrangement too (what the top takes from the list): it is refreshed with page 1."""
    stories = _stories(30)
    first, second = (_cards(client.get(address).content.decode()) for address in ("/", "/?page=2"))
    _arrange(lead=stories[27])
    first, second = (_cards(client.get(address).content.decode()) for address in ("/", "/?page=2"))
    assert first[0] == "lead: خبر 27" and "خبر 27" not in second
    assert sorted(first + second) == sorted(["lead: خبر 27", *(f"خبر {n}" for n in range(30) if n != 27)])


@pytest.mark.django_db
def test_an_arranged_story_from_another_section_appears_when_it_comes_due(client):
    politics, economy = make_section(name_ar="سياسة"), make_section(name_ar="اقتصاد")
    _stories(2, section=politics)
    due = timezone.now() + timedelta(minutes=5)
    later = make_article(headline_ar="ميزانية البلدية", section=economy, status=Article.Status.SCHEDULED,
                         published_at=due)  # fmt: skip
    _arrange(section=politics, lead=later)
    assert "ميزانية البلدية" not in client.get(politics.get_absolute_url()).content.decode()
    with time_machine.travel(due + timedelta(seconds=1)):
        assert _cards(client.get(politics.get_absolute_url()).content.decode())[0] == "lead: ميزانية البلدية"


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["²", "9" * 30, "-1", "home2", ""])
def test_the_page_filter_ignores_what_is_not_a_page(editor_client, value):
    Arrangement.objects.create()
    response = editor_client.get("/admin/articles/arrangement/", {"page": value})
    assert response.status_code == 200
