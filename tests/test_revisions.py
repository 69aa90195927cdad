"""Revisions and optimistic locking: no save is silently lost, and any saved version can come back."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from articles import services
from articles.models import Article
from tests.factories import make_article, make_author, make_section, sign_in


def _editor(username):
    user = get_user_model().objects.create_user(username, f"{username}@example.org", "unused", is_staff=True)
    user.groups.add(Group.objects.get(name="editor"))
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
    reporter = get_user_model().objects.create_user("rana", "r@example.org", "unused", is_staff=True)
    reporter.groups.add(Group.objects.get(name="reporter"))
    article = make_article(status=Article.Status.IN_REVIEW, created_by=reporter)
    revision = services.article_snapshot(article=article, by=reporter)
    with pytest.raises(services.PermissionDenied):
        services.article_restore(article=article, revision=revision, by=reporter)


@pytest.mark.django_db
def test_restoring_a_revision_whose_section_was_deleted_keeps_the_current_section():
    old_section, new_section = make_section(), make_section()
    article = make_article(section=old_section)
    hala, _client = _editor("hala")
    first = services.article_snapshot(article=article, by=hala)
    article.section = new_section
    article.save()
    old_section.delete()
    services.article_restore(article=article, revision=first, by=hala)
    article.refresh_from_db()
    assert article.section == new_section
