"""Revisions and optimistic locking: no save is silently lost, and any saved version can come back."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from articles.models import Article
from articles.services.articles import article_publish, article_save
from articles.services.revisions import article_restore, article_snapshot
from tests.factories import make_article, make_author, make_section, make_staff, sign_in


def _editor(username):
    user = make_staff(username, "editor")
    client = Client()
    sign_in(client, user)
    return user, client


def _form_data(client, article):
    """What the change form holds when an editor opens it: the fields, the hidden version, the bylines."""
    page = client.get(f"/admin/articles/article/{article.pk}/change/")
    assert 'type="hidden" name="loaded_version"' in page.content.decode()  # the browser sends it back
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "tags"}
    bylines = list(article.bylines.all())
    data |= {
        "section": article.section_id,
        "tags": ", ".join(article.tags.names()),
        "loaded_version": form["loaded_version"].value(),
    }
    data |= {"bylines-TOTAL_FORMS": len(bylines), "bylines-INITIAL_FORMS": len(bylines)}
    data |= {"corrections-TOTAL_FORMS": 0, "corrections-INITIAL_FORMS": 0}
    for index, byline in enumerate(bylines):
        data |= {f"bylines-{index}-id": byline.pk, f"bylines-{index}-article": article.pk,
                 f"bylines-{index}-author": byline.author_id, f"bylines-{index}-position": byline.position}  # fmt: skip
    return data


@pytest.mark.django_db
def test_the_second_of_two_concurrent_saves_is_refused_and_keeps_its_text():
    article = make_article(headline_ar="العنوان الأصلي", authors=[make_author()])
    (_hala, hala_client), (_omar, omar_client) = _editor("hala"), _editor("omar")
    hala_form, omar_form = _form_data(hala_client, article), _form_data(omar_client, article)

    first = hala_client.post(
        f"/admin/articles/article/{article.pk}/change/", {**hala_form, "headline_ar": "عنوان هالة"}
    )
    assert first.status_code == 302
    second = omar_client.post(
        f"/admin/articles/article/{article.pk}/change/", {**omar_form, "headline_ar": "عنوان عمر الذي لا يجوز أن يضيع"}
    )
    assert second.status_code == 200
    html = second.content.decode()
    assert "حفظ شخص آخر هذا المقال" in html
    assert "عنوان عمر الذي لا يجوز أن يضيع" in html  # the second editor's text is still in the form
    article.refresh_from_db()
    assert article.headline_ar == "عنوان هالة" and article.version == 2


@pytest.mark.django_db
def test_every_save_keeps_a_revision_and_an_earlier_one_can_be_restored():
    article = make_article(headline_ar="الصيغة الأولى", authors=[make_author()])
    article.tags.add("الرقة")
    hala, client = _editor("hala")
    client.post(f"/admin/articles/article/{article.pk}/change/", _form_data(client, article))
    client.post(
        f"/admin/articles/article/{article.pk}/change/",
        {**_form_data(client, article), "headline_ar": "الصيغة الثانية", "tags": "دير الزور"},
    )
    article.refresh_from_db()
    assert article.headline_ar == "الصيغة الثانية" and list(article.tags.names()) == ["دير الزور"]
    first, second = article.revisions.order_by("number")
    assert (first.number, first.created_by, first.content["headline_ar"]) == (1, hala, "الصيغة الأولى")
    assert second.content["tags"] == ["دير الزور"]

    page = client.get(f"/admin/articles/article/{article.pk}/revisions/").content.decode()
    assert '<div lang="ar" dir="rtl" class="revision__text">' in page

    response = client.post(f"/admin/articles/article/{article.pk}/revisions/1/restore/")
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.headline_ar == "الصيغة الأولى" and list(article.tags.names()) == ["الرقة"]
    assert article.revisions.count() == 3
    assert article.revisions.first().note == "استُعيدت من المراجعة 1"


@pytest.mark.django_db
def test_a_reporter_cannot_restore_a_revision_of_an_article_in_review():
    reporter = make_staff("rana", "reporter")
    article = make_article(status=Article.Status.IN_REVIEW, created_by=reporter)
    revision = article_snapshot(article=article, by=reporter)
    with pytest.raises(PermissionDenied):
        article_restore(article=article, revision=revision, by=reporter)


@pytest.mark.django_db
def test_restoring_a_revision_whose_section_was_deleted_keeps_the_current_section():
    old_section, new_section = make_section(), make_section()
    article = make_article(section=old_section)
    hala, _client = _editor("hala")
    first = article_snapshot(article=article, by=hala)
    article.section = new_section
    article.save()
    old_section.delete()
    article_restore(article=article, revision=first, by=hala)
    article.refresh_from_db()
    assert article.section == new_section


@pytest.mark.django_db
def test_saving_text_keeps_the_workflow_status_and_refuses_a_stale_version():
    """article_save(), as any caller uses it: the text an editor loaded before the article was published is saved
    without putting the draft status back; a save from a version someone else has since replaced is refused and
    writes nothing."""
    hala, _client = _editor("hala")
    article = make_article(status=Article.Status.DRAFT, headline_ar="مسودة")
    opened = Article.objects.get(pk=article.pk)  # Hala opens the form...
    article_publish(article=article, by=hala)  # ...and the article is published meanwhile
    opened.headline_ar = "عنوان منقّح"
    article_save(article=opened, by=hala, loaded_version=opened.version)
    saved = Article.objects.get(pk=article.pk)
    assert (saved.headline_ar, saved.status, saved.version) == ("عنوان منقّح", Article.Status.PUBLISHED, 2)

    stale = Article.objects.get(pk=article.pk)
    stale.headline_ar = "عنوان قديم"
    with pytest.raises(ValidationError) as refused:
        article_save(article=stale, by=hala, loaded_version=1)
    assert refused.value.code == "edit_conflict"
    assert Article.objects.get(pk=article.pk).headline_ar == "عنوان منقّح"


@pytest.mark.django_db
def test_a_new_article_is_its_writers():
    omar, _client = _editor("omar")
    article = article_save(article=Article(headline_ar="خبر جديد", section=make_section()), by=omar)
    assert (article.created_by, article.version, article.status) == (omar, 1, Article.Status.DRAFT)
