"""The editors' desk (Django admin) through the client: forms save, and refuse with translated messages."""

import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from articles.models import Article, Author, Image, Section, Tag
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


# Arabic's six plural forms (CLDR), which the JavaScript catalog's plural rule must state.
ARABIC_PLURAL_RULE = "n==0?0:n==1?1:n==2?2:n%100>=3&&n%100<=10?3:n%100>=11&&n%100<=99?4:5"


def _arabic_plural_index(n):
    return 0 if n == 0 else 1 if n == 1 else 2 if n == 2 else 3 if 3 <= n % 100 <= 10 else 4 if n % 100 >= 11 else 5


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("hours", "words"),
    [(1, "بساعة واحدة"), (2, "بساعتين"), (3, "بـ 3 ساعات"), (10, "بـ 10 ساعات"), (11, "بـ 11 ساعة")],
)
def test_the_admins_time_zone_note_counts_hours_in_arabic(editor_client, hours, words):
    """The date pickers' note («you are 3 hours behind the server») in the admin's JavaScript catalog: Django's own
    Arabic says «3 ساعة» for every number; ours (locale/libraries) has the six plural forms."""
    script = editor_client.get("/admin/jsi18n/").content.decode()
    catalog = json.loads(re.search(r"const newcatalog = (\{.*?\});\n", script, re.DOTALL).group(1))
    rule = re.search(r"const v = (.*?);\n", script).group(1)
    assert rule.replace(" ", "").strip("()") == ARABIC_PLURAL_RULE
    form = catalog["Note: You are %s hour behind server time."][_arabic_plural_index(hours)]
    assert words in form.replace("%s", str(hours)) and "عن وقت الخادم" in form


@pytest.mark.django_db
def test_a_staff_account_is_offered_an_author_profile_on_its_page(editor_client):
    """Publishing needs a byline, so every staff member's page offers one; an Arabic name is required, on the form."""
    person = get_user_model().objects.create_user("nour", "nour@example.org", "unused password", is_staff=True)
    url = f"/admin/auth/user/{person.pk}/change/"
    page = editor_client.get(url)
    assert 'name="author_profile-0-name_ar"' in page.content.decode()
    form = page.context["adminform"].form
    data = {
        name: value for name, value in form.initial.items()
        if value is not None and name not in ("groups", "user_permissions", "password")
    }  # fmt: skip
    data |= {"date_joined_0": "2026-12-01", "date_joined_1": "10:00", "is_staff": "on", "is_active": "on"}
    data |= {"author_profile-TOTAL_FORMS": 1, "author_profile-INITIAL_FORMS": 0, "author_profile-MAX_NUM_FORMS": 1}
    refused = editor_client.post(url, {**data, "author_profile-0-role_ar": "مراسلة"})
    assert refused.status_code == 200 and not Author.objects.filter(user=person).exists()
    Author.objects.create(name_ar="نور")  # a contributor of that name already: the profile's address would clash
    taken = editor_client.post(url, {**data, "author_profile-0-name_ar": "نور"})
    assert taken.status_code == 200 and "لكاتب آخر هذا الاسم" in taken.content.decode()
    assert editor_client.post(url, {**data, "author_profile-0-name_ar": "نور الحسن"}).status_code == 302
    assert Author.objects.get(user=person).name_ar == "نور الحسن"


@pytest.mark.django_db
def test_an_account_without_staff_access_is_not_offered_a_byline(editor_client):
    reader = get_user_model().objects.create_user("reader", "reader@example.org", "unused password")
    assert "author_profile-0-name_ar" not in editor_client.get(f"/admin/auth/user/{reader.pk}/change/").content.decode()
