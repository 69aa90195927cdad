"""Two people in one article: a save over a colleague's newer version is refused with both versions side by side
(theirs and mine, what each lacks marked), and the second editor keeps theirs, saves over it, or merges by hand;
opening an article a colleague has open says who and since when."""

from datetime import timedelta

import pytest
from django.test import Client

from articles import presence
from articles.conflicts import readable_text, side_by_side
from articles.models import Article
from tests.factories import article_form_data, make_article, make_section, make_staff, sign_in

pytestmark = pytest.mark.django_db
Status = Article.Status


@pytest.fixture
def desk():
    return {name: make_staff(name, "editor") for name in ("hala", "sami")}


def _open(user, article):
    """A signed-in client of its own with the article's form open: (client, the form's data as it would post)."""
    client = Client()
    sign_in(client, user)
    page = client.get(f"/admin/articles/article/{article.pk}/change/")
    assert page.status_code == 200
    return client, article_form_data(page.context["adminform"].form, article, _continue="1"), page


def _save(client, article, data):
    return client.post(f"/admin/articles/article/{article.pk}/change/", data)


@pytest.fixture
def both_open(desk):
    """Hala and Sami have opened the same article; Sami saves first."""
    article = make_article(headline_ar="الجسر يفتح صباح الغد", body_ar="<p>قالت البلدية إن الجسر يفتح غداً.</p>")
    hala, hala_data, _page = _open(desk["hala"], article)
    sami, sami_data, _page = _open(desk["sami"], article)
    saved = _save(sami, article, {**sami_data, "headline_ar": "الجسر يفتح مساء الغد"})
    assert saved.status_code == 302
    return article, hala, hala_data


def test_the_second_save_is_refused_with_both_versions_side_by_side(both_open):
    article, hala, data = both_open
    refused = _save(hala, article, {**data, "headline_ar": "الجسر يفتح ظهر الغد", "dateline_ar": "الميادين"})
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "حفظه sami في أثناء تحريرك" in page
    conflict = refused.context["adminform"].form.conflict
    fields = {field.name: field for field in conflict["fields"]}
    assert set(fields) == {"headline_ar", "dateline_ar"}
    assert "<del>مساء</del>" in fields["headline_ar"].theirs and "<ins>ظهر</ins>" in fields["headline_ar"].mine
    assert fields["headline_ar"].theirs in page and fields["headline_ar"].mine in page
    assert f'name="overwrite_version" value="{conflict["version"]}"' in page
    assert Article.objects.get(pk=article.pk).headline_ar == "الجسر يفتح مساء الغد"  # theirs, untouched


def test_a_changed_section_is_shown_too_since_saving_over_theirs_would_write_it(desk):
    article = make_article(headline_ar="الجسر يفتح صباح الغد")
    hala, data, _page = _open(desk["hala"], article)
    sami, sami_data, _page = _open(desk["sami"], article)
    _save(sami, article, {**sami_data, "section": make_section(name_ar="اقتصاد").pk})
    refused = _save(hala, article, data)
    fields = {field.name: field for field in refused.context["adminform"].form.conflict["fields"]}
    assert set(fields) == {"section"} and "<del>اقتصاد</del>" in fields["section"].theirs


def test_the_second_editor_saves_over_the_version_they_were_shown(both_open):
    article, hala, data = both_open
    refused = _save(hala, article, {**data, "headline_ar": "الجسر يفتح ظهر الغد"})
    version = refused.context["adminform"].form.conflict["version"]
    taken = _save(hala, article, {**data, "headline_ar": "الجسر يفتح ظهر الغد", "overwrite_version": version})
    assert taken.status_code == 302
    stored = Article.objects.get(pk=article.pk)
    assert (stored.headline_ar, stored.version) == ("الجسر يفتح ظهر الغد", version + 1)


def test_saving_over_a_version_that_changed_again_is_refused_again(both_open, desk):
    article, hala, data = both_open
    version = _save(hala, article, {**data, "headline_ar": "نسختي"}).context["adminform"].form.conflict["version"]
    sami, sami_data, _page = _open(desk["sami"], article)
    _save(sami, article, {**sami_data, "standfirst_ar": "موجز جديد كتبه سامي."})
    again = _save(hala, article, {**data, "headline_ar": "نسختي", "overwrite_version": version})
    assert again.status_code == 200
    assert {field.name for field in again.context["adminform"].form.conflict["fields"]} >= {"standfirst_ar"}
    assert Article.objects.get(pk=article.pk).headline_ar == "الجسر يفتح مساء الغد"


def test_the_diff_compares_what_readers_read_and_escapes_it():
    theirs, mine = side_by_side(
        readable_text("<p>الماء <b>مقطوع</b></p><p>منذ يومين</p>"),
        readable_text("<p>الماء مقطوع</p><p>منذ ثلاثة أيام &lt;script&gt;</p>"),
    )
    assert theirs == "الماء مقطوع<br>منذ <del>يومين</del>"
    assert mine == "الماء مقطوع<br>منذ <ins>ثلاثة أيام &lt;script&gt;</ins>"


def test_opening_an_article_a_colleague_has_open_says_who_and_since_when(desk):
    article = make_article(status=Status.DRAFT)
    _client, _data, first = _open(desk["hala"], article)
    assert first.context["presence"]["text"] == ""
    assert 'id="article-presence"' in first.content.decode()
    _client, _data, second = _open(desk["sami"], article)
    said = second.context["presence"]["text"]
    assert said.startswith("مفتوح أيضاً لدى hala (منذ ") and "تحدّثا قبل أن يحفظ كلاكما" in said
    assert "sami" not in said and said in second.content.decode()


def test_the_heartbeat_answers_who_else_is_there_and_leaving_takes_one_out(desk):
    article = make_article(status=Status.DRAFT)
    hala, _data, _page = _open(desk["hala"], article)
    sami, _data, _page = _open(desk["sami"], article)
    url = f"/admin/articles/article/{article.pk}/presence/"
    sami_page = _page.context["presence"]["page"]
    assert "sami" in hala.post(url, {"page": "hala-page"}).json()["text"]
    assert sami.post(url, {"action": "leave", "page": sami_page}).json() == {"text": ""}
    assert hala.post(url, {"page": "hala-page"}).json() == {"text": ""}
    assert hala.get(url).status_code == 405


def test_a_form_that_went_silent_drops_out(desk):
    article = make_article(status=Status.DRAFT)
    then = presence.timezone.now() - timedelta(seconds=presence.PRESENCE_SECONDS + 1)
    presence.presence_enter(article_id=article.pk, user=desk["sami"], page="a", now=then)
    assert presence.presence_enter(article_id=article.pk, user=desk["hala"], page="b") == []


def test_a_reload_or_a_second_tab_keeps_the_colleague_in_view(desk):
    """Each page load counts on its own: the page a reload replaces leaving (after the new one said it is there)
    takes nothing else away, and the colleague is listed once, since their first page."""
    article = make_article(status=Status.DRAFT)
    first = presence.timezone.now() - timedelta(seconds=30)
    presence.presence_enter(article_id=article.pk, user=desk["sami"], page="first", now=first)
    presence.presence_enter(article_id=article.pk, user=desk["sami"], page="reloaded")
    presence.presence_leave(article_id=article.pk, user=desk["sami"], page="first")
    others = presence.presence_enter(article_id=article.pk, user=desk["hala"], page="hers")
    assert [other["name"] for other in others] == ["sami"]
    presence.presence_enter(article_id=article.pk, user=desk["sami"], page="second tab", now=first)
    others = presence.presence_enter(article_id=article.pk, user=desk["hala"], page="hers")
    assert len(others) == 1 and others[0]["since"].timestamp() == pytest.approx(first.timestamp())


def test_the_heartbeat_is_for_those_who_may_see_the_article(desk):
    reporter = make_staff("rana", "reporter")
    other = make_staff("nour", "reporter")
    draft = make_article(status=Status.DRAFT, created_by=other)
    client = Client()
    sign_in(client, reporter)
    assert client.post(f"/admin/articles/article/{draft.pk}/presence/").status_code == 404
    assert Client().post(f"/admin/articles/article/{draft.pk}/presence/").status_code == 302  # to the sign-in
