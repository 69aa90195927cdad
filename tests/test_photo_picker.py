"""The photo library the article editor's photo dialog opens (ImageAdmin.picker_view): who may open it and upload
to it, search in Arabic spelling variants, pages, uploads stored like any photo's; and the article text refusing a
photo without alternative text."""

import json
import re
from html import unescape

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.test import Client

from articles import admin as articles_admin
from articles.inline_photos import validate_alt_text
from articles.models import Article, Image, Rendition
from articles.services.images import image_store
from tests import photos
from tests.factories import make_section, make_staff, sign_in

pytestmark = pytest.mark.django_db

PICKER = "/admin/articles/image/picker/"
ALT_REQUIRED = "اكتب بالعربية ما تُظهره الصورة: هذا النص يصل إلى القرّاء الذين لا يرونها بدلًا منها."
PHOTO_WITHOUT_ALT = (
    "في هذا النص صورة بلا نص بديل. انقر الصورة، ثم زر الصورة في شريط الأدوات، واكتب ما تُظهره للقرّاء الذين لا يرونها."
)


def _photo(upload=None, **fields):
    fields.setdefault("alt_ar", "صورة من الميدان")
    return image_store(image=Image(**fields), upload=upload or photos.png())


def _wide_photo(**fields):
    """A photo 2000 pixels wide: renditions 480, 960 and 1600 wide."""
    return _photo(photos.camera_jpeg(1500, 2000), **fields)  # the camera's EXIF turns it upright, 2000 × 1500


def _client(user):
    client = Client()
    sign_in(client, user)
    return client


@pytest.fixture
def reporter_client():
    return _client(make_staff("rana", "reporter"))


def _choose_buttons(html):
    """Each «اختر» button's data, by photo id."""
    buttons = re.findall(r"<button [^>]*data-choose[^>]*>", html)
    return {
        int(re.search(r'data-id="(\d+)"', button).group(1)): {
            name: unescape(value) for name, value in re.findall(r'data-(url|alt|caption)="([^"]*)"', button)
        }
        for button in buttons
    }


def _upload_form(**fields):
    return {
        "alt_ar": "عبّارة على نهر الفرات",
        "alt_en": "",
        "caption_ar": "",
        "caption_en": "",
        "credit_ar": "",
        "credit_en": "",
        "upload": photos.camera_jpeg(),
        **fields,
    }


def _stored_files(settings):
    folders = (settings.MEDIA_ROOT, settings.STORAGES["originals"]["OPTIONS"]["location"])
    return [path for folder in folders if folder.exists() for path in folder.rglob("*.*")]


# Who may open it


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(PICKER)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_a_reporter_opens_the_library_with_its_upload_form(reporter_client):
    response = reporter_client.get(PICKER, {"lang": "ar", "CKEditorFuncNum": "-1"})
    assert response.status_code == 200
    html = response.content.decode()
    assert len(re.findall(r"<h1\b", html)) == 1 and "<h1>اختر صورة</h1>" in html
    assert response.context["form"] is not None and 'enctype="multipart/form-data"' in html
    assert 'id="header"' not in html  # a window of its own: no desk header or menu


def test_a_staff_member_without_the_photo_permission_is_refused():
    moderator = make_staff("mona", "moderator")
    assert _client(moderator).get(PICKER).status_code == 403
    assert _client(moderator).post(PICKER, _upload_form()).status_code == 403
    assert not Image.objects.exists()


def test_who_may_only_look_at_photos_gets_no_upload_form_and_cannot_post_one():
    viewer = make_staff("sami")
    viewer.user_permissions.add(Permission.objects.get(codename="view_image"))
    client = _client(viewer)
    response = client.get(PICKER)
    assert response.status_code == 200 and response.context["form"] is None
    assert client.post(PICKER, _upload_form()).status_code == 403
    assert not Image.objects.exists()


# What it shows and hands the dialog


def test_choosing_hands_the_dialog_the_article_column_rendition_and_the_descriptions(reporter_client):
    photo = _wide_photo(alt_ar="أطفال قرب الجسر", alt_en="Children by the bridge", caption_ar="الميادين صباحاً")
    html = reporter_client.get(PICKER, {"lang": "ar", "CKEditorFuncNum": "-2"}).content.decode()
    assert 'data-callback="-2"' in html
    chosen = photo.renditions.get(width=960, format="jpeg").file.url
    assert _choose_buttons(html) == {photo.pk: {"url": chosen, "alt": "أطفال قرب الجسر", "caption": "الميادين صباحاً"}}
    thumbnail = photo.renditions.get(width=480, format="jpeg")
    assert re.search(
        rf'<img src="{thumbnail.file.url}" width="480"\s+height="{thumbnail.height}" alt="" loading="lazy"', html
    )
    # The English text gets the English descriptions, and none in Arabic where it has none.
    english = reporter_client.get(PICKER, {"lang": "en", "CKEditorFuncNum": "-2"}).content.decode()
    assert _choose_buttons(english)[photo.pk] == {"url": chosen, "alt": "Children by the bridge", "caption": ""}


def test_without_a_dialog_to_answer_there_is_nothing_to_choose(reporter_client):
    _photo()
    for callback in ("", "1);alert(1", "12345678901"):
        response = reporter_client.get(PICKER, {"CKEditorFuncNum": callback})
        html = response.content.decode()
        assert response.status_code == 200 and _choose_buttons(html) == {}
        assert 'data-callback=""' in html and "alert(1" not in html


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("اطفال", "alt"),  # أطفال
        ("مدينه الميادين", "caption"),  # مدينة: taa marbuta as heh
        ("احمد", "credit"),  # أحمد
        ("ألمَدينة", "caption"),  # a hamza and a vowel mark the text does not have
        ("children", "english alt"),
        ("Deir", "english caption"),
        ("Hala", "english credit"),
    ],
)
def test_search_finds_photos_by_caption_credit_and_alt_in_spelling_variants(reporter_client, typed, found):
    wanted = {
        "alt": _photo(alt_ar="أطفال يلعبون قرب الجسر"),
        "caption": _photo(caption_ar="سوق المدينة في الميادين"),
        "credit": _photo(credit_ar="أحمد العلي"),
        "english alt": _photo(alt_en="Children at school"),
        "english caption": _photo(caption_en="Market in Deir ez-Zor"),
        "english credit": _photo(credit_en="Hala Hassan"),
    }[found]
    response = reporter_client.get(PICKER, {"q": typed, "CKEditorFuncNum": "-1"})
    assert [picked["photo"] for picked in response.context["photos"]] == [wanted]


def test_a_search_that_finds_nothing_says_so(reporter_client):
    _photo(alt_ar="جسر")
    html = reporter_client.get(PICKER, {"q": "قارب"}).content.decode()
    assert "لا صورة تطابق «قارب»." in html


def test_pages_keep_the_search_the_language_and_the_dialog(reporter_client, monkeypatch):
    monkeypatch.setattr(articles_admin, "PICKER_PAGE_SIZE", 2)
    oldest, middle, newest = (_photo(alt_ar=f"جسر رقم {number}") for number in (1, 2, 3))
    _photo(alt_ar="قارب")
    query = {"q": "جسر", "lang": "en", "CKEditorFuncNum": "-4"}
    first = reporter_client.get(PICKER, query)
    assert [picked["photo"] for picked in first.context["photos"]] == [newest, middle]  # newest first
    html = first.content.decode()
    assert 'href="?lang=en&amp;CKEditorFuncNum=-4&amp;q=%D8%AC%D8%B3%D8%B1&amp;p=2"' in html
    assert "الصفحة 1 من 2" in html
    second = reporter_client.get(PICKER, {**query, "p": "2"})
    assert [picked["photo"] for picked in second.context["photos"]] == [oldest]
    assert list(_choose_buttons(second.content.decode())) == [oldest.pk]


def test_the_page_costs_the_same_queries_for_any_number_of_photos(reporter_client, django_assert_num_queries):
    """The session, the user and their second factor, their permissions (their own and their groups'), the count,
    one page of photos and their renditions."""
    _photo()
    reporter_client.get(PICKER)  # the session's first use
    with django_assert_num_queries(8):
        reporter_client.get(PICKER, {"CKEditorFuncNum": "-1"})
    for number in range(5):
        _photo(alt_ar=f"صورة {number}")
    with django_assert_num_queries(8):
        response = reporter_client.get(PICKER, {"CKEditorFuncNum": "-1"})
    assert len(_choose_buttons(response.content.decode())) == 6


# Uploading from it


def test_an_upload_is_stored_like_any_photo_and_comes_first(settings):
    reporter = make_staff("rana", "reporter")
    client = _client(reporter)
    _photo(alt_ar="صورة أقدم")
    response = client.post(f"{PICKER}?lang=ar&CKEditorFuncNum=-5", _upload_form())
    assert response.status_code == 302
    assert response["Location"] == f"{PICKER}?lang=ar&CKEditorFuncNum=-5"
    photo = Image.objects.get(alt_ar="عبّارة على نهر الفرات")
    assert photo.uploaded_by == reporter
    assert photo.renditions.count() == 2  # upright it is 480 wide: one width, as WebP and JPEG
    for stored in (photo.original, *(rendition.file for rendition in photo.renditions.all())):
        with stored.open("rb") as handle:
            raw = handle.read()
        for secret in (b"SN-0042-SECRET", b"PhoneMaker", b"GPSLatitude", b"Exif\x00\x00"):
            assert secret not in raw, (stored.name, secret)
    assert LogEntry.objects.get(object_id=str(photo.pk)).action_flag == ADDITION
    page = client.get(response["Location"])
    assert "رُفعت الصورة: هي الأولى في القائمة أدناه." in page.content.decode()
    assert page.context["photos"][0]["photo"] == photo


@pytest.mark.parametrize("alt", ["", "   "])
def test_an_upload_without_alternative_text_is_refused_and_stores_nothing(reporter_client, settings, alt):
    response = reporter_client.post(f"{PICKER}?CKEditorFuncNum=-1", _upload_form(alt_ar=alt, caption_ar="تعليق"))
    assert response.status_code == 200
    assert response.context["form"].errors["alt_ar"] == [ALT_REQUIRED]
    html = response.content.decode()
    assert ALT_REQUIRED in html and '<details class="module photo-picker__upload" open>' in html
    assert 'value="تعليق"' in html  # what was typed is kept
    assert not Image.objects.exists() and not Rendition.objects.exists() and _stored_files(settings) == []


@pytest.mark.parametrize(
    ("upload", "message"),
    [(photos.not_an_image, "هذا الملف ليس صورة"), (photos.decompression_bomb, "ميغابكسل")],
)
def test_a_hostile_upload_is_refused_with_a_clear_message(reporter_client, settings, upload, message):
    response = reporter_client.post(PICKER, _upload_form(upload=upload()))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["upload"])
    assert message in response.content.decode()
    assert not Image.objects.exists() and _stored_files(settings) == []


# The article text


def _article_form(section, **fields):
    return {
        "headline_ar": "تقرير من الميادين",
        "headline_en": "",
        "standfirst_ar": "",
        "standfirst_en": "",
        "body_ar": "<p>نص</p>",
        "body_en": "",
        "slug": "",
        "section": section.pk,
        "dateline_ar": "",
        "dateline_en": "",
        "tags": "",
        "bylines-TOTAL_FORMS": "0",
        "bylines-INITIAL_FORMS": "0",
        "corrections-TOTAL_FORMS": "0",
        "corrections-INITIAL_FORMS": "0",
        **fields,
    }


def test_the_body_editors_open_the_library_in_their_language(reporter_client):
    html = reporter_client.get("/admin/articles/article/add/").content.decode()
    configs = {
        name: json.loads(unescape(config))
        for name, config in re.findall(r'name="(body_\w\w)"[^>]*data-django-prose-editor-configurable="([^"]+)"', html)
    }
    assert configs["body_ar"]["extensions"]["Figure"] == {"pickerUrl": f"{PICKER}?lang=ar"}
    assert configs["body_en"]["extensions"]["Figure"] == {"pickerUrl": f"{PICKER}?lang=en"}
    assert "/static/js/rich-text-editor.js" in html
    # Each form gets its own copy: the model field's configuration is left as it was.
    assert Article._meta.get_field("body_ar").formfield().widget.config["extensions"]["Figure"] is True


def test_the_editor_dialogs_and_toolbar_are_in_the_javascript_catalog(reporter_client):
    arabic = reporter_client.get("/admin/jsi18n/").content.decode()
    assert '"bold": "\\u063a\\u0627\\u0645\\u0642"' in arabic  # «غامق»
    assert "Browse..." in arabic and "Alternative Text" in arabic
    assert "\\u063a\\u0627\\u0645\\u0642" not in reporter_client.get("/en/admin/jsi18n/").content.decode()


@pytest.mark.parametrize(
    "figure",
    [
        '<figure><img src="{src}" alt=""><figcaption>تعليق</figcaption></figure>',
        '<figure><img src="{src}" alt="   "></figure>',
        '<p><img src="{src}"></p>',
    ],
)
@pytest.mark.parametrize("column", ["body_ar", "body_en"])
def test_a_text_with_a_photo_without_alternative_text_is_refused(reporter_client, figure, column):
    photo = _wide_photo()
    body = figure.format(src=photo.renditions.get(width=960, format="jpeg").file.url)
    response = reporter_client.post(
        "/admin/articles/article/add/", _article_form(make_section(), **{column: body, "headline_en": "Report"})
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors[column] == [PHOTO_WITHOUT_ALT]
    assert PHOTO_WITHOUT_ALT in response.content.decode()
    assert not Article.objects.exists()


def test_the_photo_chosen_in_the_library_is_stored_by_reference(reporter_client):
    photo = _wide_photo(alt_ar="أطفال قرب الجسر")
    picked = _choose_buttons(reporter_client.get(PICKER, {"CKEditorFuncNum": "-1"}).content.decode())[photo.pk]
    body = f'<figure class="figure"><img src="{picked["url"]}" alt="{picked["alt"]}"></figure><p>نص</p>'
    response = reporter_client.post("/admin/articles/article/add/", _article_form(make_section(), body_ar=body))
    assert response.status_code == 302, response.context["adminform"].form.errors
    stored = Article.objects.get().body_ar
    assert f'<img data-photo="{photo.pk}" data-width="960" alt="أطفال قرب الجسر"' in stored and "/media/" not in stored


def test_the_body_validator_reads_the_text_as_it_will_be_stored():
    validate_alt_text('<p><img src="https://tracker.example/x.gif" alt="متتبع"></p><p>نص</p>')
    validate_alt_text("<p>نص بلا صور، وفيه الكلمة &lt;img&gt;</p>")
    with pytest.raises(ValidationError) as refused:
        validate_alt_text('<figure><img data-photo="3" data-width="960" alt="&nbsp;"></figure>')
    assert refused.value.code == "photo_without_alt"


# The photo's own page


def test_the_photo_page_says_where_photos_are_placed_instead_of_an_address(reporter_client):
    photo = _wide_photo()
    html = reporter_client.get(f"/admin/articles/image/{photo.pk}/change/").content.decode()
    assert "اضغط زر الصورة في شريط أدوات النص واخترها من مكتبة الصور." in html
    assert photo.renditions.get(width=960, format="jpeg").file.url not in html


@pytest.mark.parametrize("typed", ["احمد", "مدينه"])
def test_the_photo_list_search_matches_spelling_variants(reporter_client, typed):
    _photo(alt_ar="سوق", caption_ar="سوق المدينة", credit_ar="أحمد")
    _photo(alt_ar="قارب")
    html = reporter_client.get("/admin/articles/image/", {"q": typed}).content.decode()
    assert "سوق" in html and "قارب" not in html
