"""The editors' desk (Django admin) through the client: forms save, and refuse with translated messages."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from articles.models import Article, Image, Section, Tag
from articles.services.images import image_store
from tests import photos
from tests.factories import make_article, make_section, sign_in


@pytest.fixture
def editor_client(client):
    sign_in(client, get_user_model().objects.create_superuser("hala", "hala@example.org", "unused password"))
    return client


def _article_form(section, **fields):
    return {
        "headline_ar": "تقرير جديد من الميادين",
        "headline_en": "",
        "standfirst_ar": "",
        "standfirst_en": "",
        "body_ar": "<p>نص</p>",
        "body_en": "",
        "slug": "",
        "section": section.pk,
        "dateline_ar": "",
        "dateline_en": "",
        "status": Article.Status.DRAFT,
        "published_at_0": "",
        "published_at_1": "",
        "bylines-TOTAL_FORMS": "0",
        "bylines-INITIAL_FORMS": "0",
        "corrections-TOTAL_FORMS": "0",
        "corrections-INITIAL_FORMS": "0",
        **fields,
    }


@pytest.mark.django_db
def test_an_article_saved_with_an_empty_slug_gets_one_from_the_arabic_headline(editor_client):
    response = editor_client.post("/admin/articles/article/add/", _article_form(make_section()))
    assert response.status_code == 302, response.context["adminform"].errors
    assert Article.objects.get().slug == "تقرير-جديد-من-الميادين"


@pytest.mark.django_db
def test_the_article_form_cannot_set_the_status(editor_client):
    """Status changes only through the workflow buttons: a forged `status` field is ignored."""
    response = editor_client.post(
        "/admin/articles/article/add/", _article_form(make_section(), status=Article.Status.PUBLISHED)
    )
    assert response.status_code == 302
    assert Article.objects.get().status == Article.Status.DRAFT


@pytest.mark.django_db
def test_an_impossible_state_is_refused_with_an_arabic_message():
    article = Article(headline_ar="عنوان", section=make_section(), status=Article.Status.PUBLISHED)
    with pytest.raises(ValidationError) as refused:
        article.full_clean()
    assert "يحتاج المقال المنشور أو المجدول إلى وقت نشر." in str(refused.value)


@pytest.mark.django_db
def test_an_article_without_an_arabic_headline_is_refused(editor_client):
    response = editor_client.post(
        "/admin/articles/article/add/", _article_form(make_section(), headline_ar="", headline_en="English only")
    )
    assert response.status_code == 200
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_the_admin_is_closed_to_anonymous_visitors(client):
    response = client.get("/admin/articles/article/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.django_db
def test_a_section_saved_with_an_empty_slug_gets_one_from_the_arabic_name(editor_client):
    response = editor_client.post(
        "/admin/articles/section/add/", {"name_ar": "تقارير ميدانية", "name_en": "", "slug": "", "position": "0"}
    )
    assert response.status_code == 302
    assert Section.objects.get().slug == "تقارير-ميدانية"


@pytest.mark.django_db
def test_an_editor_uploads_a_photo_and_gets_clean_renditions(editor_client):
    response = editor_client.post(
        "/admin/articles/image/add/",
        {"alt_ar": "عبّارة على نهر الفرات", "alt_en": "", "caption_ar": "", "caption_en": "", "credit_ar": "ليلى",
         "credit_en": "", "upload": photos.camera_jpeg()},
    )  # fmt: skip
    assert response.status_code == 302
    image = Image.objects.get()
    assert image.uploaded_by.username == "hala"
    assert image.renditions.count() == 2  # upright it is 480 wide: one width, as WebP and JPEG


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (photos.decompression_bomb, "ميغابكسل"),
        (photos.not_an_image, "هذا الملف ليس صورة"),
    ],
)
def test_a_refused_upload_shows_an_arabic_message_and_keeps_the_typed_text(editor_client, upload, message):
    response = editor_client.post(
        "/admin/articles/image/add/",
        {"alt_ar": "نص بديل كتبه المحرر", "alt_en": "", "caption_ar": "", "caption_en": "", "credit_ar": "",
         "credit_en": "", "upload": upload()},
    )  # fmt: skip
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "نص بديل كتبه المحرر" in html
    assert not Image.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["احمد", "أحمد", "مدينه الرقه", "المَدينة"])
def test_admin_search_matches_arabic_spelling_variants(editor_client, typed):
    make_article(headline_ar="أحمد يعود إلى مدينة الرقة", body_ar="<p>في المدينة</p>")
    make_article(headline_ar="خبر آخر لا علاقة له")
    html = editor_client.get("/admin/articles/article/", {"q": typed}).content.decode()
    assert "أحمد يعود إلى مدينة الرقة" in html and "خبر آخر لا علاقة له" not in html


@pytest.mark.django_db
def test_article_list_filters_show_counts(editor_client):
    make_article(status=Article.Status.DRAFT)
    make_article(status=Article.Status.DRAFT)
    html = editor_client.get("/admin/articles/article/").content.decode()
    assert re.search(r"مسودة\s*\(2\)", html)


@pytest.mark.django_db
def test_an_editor_attaches_a_correction_to_an_article(editor_client):
    section = make_section()
    editor_client.post("/admin/articles/article/add/", _article_form(section))
    article = Article.objects.get()
    form = _article_form(section, slug=article.slug, loaded_version=article.version)
    form |= {"corrections-TOTAL_FORMS": "1", "corrections-0-kind": "correction",
             "corrections-0-text_ar": "صُحّح اسم القرية.", "corrections-0-text_en": "",
             "corrections-0-published_at_0": "2026-11-25", "corrections-0-published_at_1": "10:00"}  # fmt: skip
    response = editor_client.post(f"/admin/articles/article/{article.pk}/change/", form)
    assert response.status_code == 302, response.context["adminform"].errors
    note = article.corrections.get()
    assert (note.text_ar, note.created_by.username) == ("صُحّح اسم القرية.", "hala")


@pytest.mark.django_db
def test_a_tag_typed_as_a_spelling_variant_of_another_is_refused_with_a_message(editor_client):
    Tag.objects.for_name("الباغوز")
    response = editor_client.post("/admin/articles/tag/add/", {"name": "باغوز", "slug": "baghouz"})
    assert response.status_code == 200
    assert "هذه كتابة أخرى للوسم «الباغوز»." in response.content.decode()
    assert Tag.objects.count() == 1


@pytest.mark.django_db
def test_a_reporter_cannot_change_a_photo_shown_on_a_published_article(client):
    reporter = get_user_model().objects.create_user("rana", "r@example.org", "unused", is_staff=True)
    reporter.groups.add(Group.objects.get(name="reporter"))
    own = image_store(image=Image(alt_ar="صورتي"), upload=photos.png(), by=reporter)
    shown = image_store(image=Image(alt_ar="صورة منشورة"), upload=photos.png(), by=reporter)
    make_article(featured_image=shown)
    sign_in(client, reporter)
    assert client.get(f"/admin/articles/image/{own.pk}/change/").context["has_change_permission"]
    response = client.post(
        f"/admin/articles/image/{shown.pk}/change/",
        {"alt_ar": "نص مبدَّل", "alt_en": "", "caption_ar": "", "caption_en": "", "credit_ar": "", "credit_en": ""},
    )
    assert response.status_code == 403
    shown.refresh_from_db()
    assert shown.alt_ar == "صورة منشورة"
