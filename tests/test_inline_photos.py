"""Photos inside article bodies are stored by reference (the photo and the width wanted) and drawn from the photo's
current renditions when the page is drawn (articles/inline_photos.py)."""

import importlib
import re

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from articles.inline_photos import by_reference, expand, for_editor, photo_ids, renditions_of
from articles.models import Article, ArticleRevision, Image
from articles.services.images import image_store
from articles.services.revisions import article_restore, article_snapshot
from tests import photos
from tests.factories import make_article, make_staff, sign_in

pytestmark = pytest.mark.django_db

MIGRATION = importlib.import_module("articles.migrations.0017_inline_photos_by_reference")


def _photo(width=2000, height=1500, **fields):
    # The camera's EXIF turns its photo upright: `width` × `height` as readers see it.
    upload = photos.camera_jpeg(height, width)
    return image_store(image=Image(alt_ar=fields.pop("alt_ar", "جسر على الفرات"), **fields), upload=upload)


def _address(image, width, image_format="webp"):
    return image.renditions.get(width=width, format=image_format).file.url


def _pictures(page):
    return re.findall(r"<picture>.*?</picture>", page, re.DOTALL)


def _reader_page(article, client=None):
    return (client or Client()).get(article.get_absolute_url()).content.decode()


def test_a_pasted_address_is_stored_as_the_photo_and_its_width():
    image = _photo()
    body = f'<figure><img src="{_address(image, 960)}" alt="الجسر"><figcaption>الجسر صباحاً</figcaption></figure>'
    article = make_article(body_ar=body)
    assert "/media/" not in article.body_ar
    assert f'<img data-photo="{image.pk}" data-width="960" alt="الجسر" loading="lazy" decoding="async">' in (
        article.body_ar
    )
    assert "<figcaption>الجسر صباحاً</figcaption>" in article.body_ar
    article.save()  # saved again: the same text
    assert Article.objects.get(pk=article.pk).body_ar == article.body_ar


def test_the_page_draws_a_reference_from_the_current_renditions_up_to_the_width_chosen(client, page_queries):
    image = _photo()  # renditions 480, 960 and 1600 wide
    article = make_article(body_ar=f'<p>نص.</p><p><img src="{_address(image, 960, "jpeg")}" alt="الجسر"></p>')
    with page_queries(5):  # as any article page: the photos' renditions come with the article's other parts
        page = _reader_page(article, client)
    [picture] = _pictures(page)
    webp = re.search(r'<source type="image/webp" srcset="([^"]+)"', picture).group(1)
    assert [part.split()[-1] for part in webp.split(", ")] == ["480w", "960w"]  # not the 1600 the editor passed
    img = re.search(r"<img [^>]+>", picture).group()
    assert f'src="{_address(image, 960, "jpeg")}"' in img and 'width="960" height="720"' in img
    assert 'alt="الجسر"' in img and 'loading="lazy"' in img
    assert "data-photo" not in page


def test_replacing_a_photo_changes_no_body_and_the_page_shows_the_new_one(client):
    """The photo is replaced (say, to blur a face): no article is rewritten or bumped, no page points at the old
    files (which are deleted), and the page shows the new photo as wide as it now goes."""
    image = _photo()  # renditions up to 1600 wide
    old_addresses = [r.file.url for r in image.renditions.all()]
    body = f'<figure><img src="{_address(image, 1600)}" alt="جسر"></figure><p>نص</p>'
    article = make_article(body_ar=body, body_en=body, headline_en="Bridge")
    stored, version = article.body_ar, article.version

    image_store(image=image, upload=photos.camera_jpeg(900, 1200))  # upright 1200 × 900: no 1600 rendition now

    article.refresh_from_db()
    assert (article.body_ar, article.version) == (stored, version)
    page = _reader_page(article, client)
    assert not any(address in page for address in old_addresses)
    img = re.search(r"<picture>.*?(<img [^>]+>)", page, re.DOTALL).group(1)
    assert f'src="{_address(image, 1200, "jpeg")}"' in img and 'width="1200" height="900"' in img
    assert not any(image.original.storage.exists(address.removeprefix("/media/")) for address in old_addresses)


def test_a_revision_from_before_a_replacement_shows_the_current_photo():
    editor = get_user_model().objects.create_user("hala", is_staff=True)
    editor.groups.add(Group.objects.get(name="editor"))
    image = _photo()
    article = make_article(body_ar=f'<p><img src="{_address(image, 960)}" alt="جسر"></p>')
    first = article_snapshot(article=article, by=editor)
    article.body_ar = "<p>نص بلا صورة.</p>"
    article.save()
    image_store(image=image, upload=photos.camera_jpeg(900, 1200))

    client = Client()
    sign_in(client, editor)
    revisions = client.get(f"/admin/articles/article/{article.pk}/revisions/").content.decode()
    assert _address(image, 960, "jpeg") in revisions  # the revision, drawn with today's renditions

    article_restore(article=article, revision=first, by=editor)
    article.refresh_from_db()
    assert f'<img src="{_address(image, 960, "jpeg")}"' in _reader_page(article)


def test_a_deleted_photo_leaves_its_caption_and_no_broken_image(client):
    image = _photo()
    article = make_article(
        body_ar=f'<figure><img src="{_address(image, 480)}" alt="جسر"><figcaption>تعليق</figcaption></figure>'
    )
    image.delete()
    page = _reader_page(article, client)
    assert "<figure><figcaption>تعليق</figcaption></figure>" in page and "<picture>" not in page


def test_the_editor_edits_addresses_and_saving_keeps_the_reference():
    """The rich-text editor's image dialog works with addresses: the form shows the current rendition's, and what
    it sends back is stored as a reference again."""
    editor = get_user_model().objects.create_superuser("hala", "hala@example.org", "unused")
    client = Client()
    sign_in(client, editor)
    image = _photo()
    article = make_article(body_ar=f'<p>نص</p><p><img src="{_address(image, 960)}" alt="جسر"></p>')
    image_store(image=image, upload=photos.camera_jpeg(1500, 2000))  # new files, new addresses

    page = client.get(f"/admin/articles/article/{article.pk}/change/")
    form = page.context["adminform"].form
    assert f'<img src="{_address(image, 960, "jpeg")}" alt="جسر">' in form.initial["body_ar"]
    data = {name: value for name, value in form.initial.items() if value is not None and name != "tags"}
    data |= {"section": article.section_id, "tags": "", "loaded_version": article.version}
    data |= {
        f"{prefix}-{count}": 0 for prefix in ("bylines", "corrections") for count in ("TOTAL_FORMS", "INITIAL_FORMS")
    }
    response = client.post(f"/admin/articles/article/{article.pk}/change/", data)
    assert response.status_code == 302
    article.refresh_from_db()
    assert f'<img data-photo="{image.pk}" data-width="960" alt="جسر"' in article.body_ar


def test_only_our_own_renditions_become_references():
    image = _photo()
    article = make_article(
        body_ar=f'<p><img src="{_address(image, 480)}" alt="لنا"></p>'
        '<p><img src="/media/renditions/ab/unknown.jpg" alt="ملف لم يعد موجوداً"></p>'
        '<p><img src="https://tracker.example/pixel.gif" alt="متتبع"></p>'
        '<p><img data-photo="0x12" data-width="-1" alt="مزوّر"></p>'
    )
    assert photo_ids(article.body_ar) == {image.pk}
    assert '<img src="/media/renditions/ab/unknown.jpg" alt="ملف لم يعد موجوداً"' in article.body_ar
    assert "tracker.example" not in article.body_ar and "0x12" not in article.body_ar


def test_a_reference_to_a_photo_that_never_existed_draws_nothing(client):
    article = make_article(body_ar='<p>نص</p><p><img data-photo="987654" data-width="960" alt="لا شيء"></p>')
    assert photo_ids(article.body_ar) == {987654}
    page = _reader_page(article, client)
    assert "<picture>" not in page and "لا شيء" not in page


def test_reporters_cannot_change_a_photo_a_published_article_shows_inside_its_text():
    reporter = get_user_model().objects.create_user("omar", is_staff=True)
    reporter.groups.add(Group.objects.get(name="reporter"))
    image = _photo(uploaded_by=reporter)
    client = Client()
    sign_in(client, reporter)
    assert client.get(f"/admin/articles/image/{image.pk}/change/").context["has_change_permission"]
    make_article(body_en=f'<p><img src="{_address(image, 480)}" alt="bridge"></p>', headline_en="Bridge")
    assert Article.objects.published().showing_photo(image).exists()
    assert not client.get(f"/admin/articles/image/{image.pk}/change/").context["has_change_permission"]


def test_references_draw_and_come_back_to_addresses_unchanged():
    """Stored → editor → stored is the identity; drawing needs the renditions of the photos only."""
    first, second = _photo(), _photo(1200, 800, alt_ar="سوق")
    body = (
        f'<p><img src="{_address(first, 480)}" alt="أ" dir="rtl"></p>'
        f'<figure><img src="{_address(second, 960)}" alt="ب"></figure>'
    )
    stored = make_article(body_ar=body).body_ar
    photos_shown = renditions_of(photo_ids(stored))
    assert set(photos_shown) == {first.pk, second.pk}
    assert by_reference(for_editor(stored, photos_shown)) == re.sub(r' loading="lazy" decoding="async"', "", stored)
    drawn = expand(stored, photos_shown)
    assert len(_pictures(drawn)) == 2 and 'dir="rtl"' in drawn


def test_the_migration_turns_stored_addresses_into_references_and_back():
    image = _photo()
    address = _address(image, 960)
    body = f'<p>نص</p><figure><img src="{address}" alt="جسر"></figure>'
    article = make_article(body_ar="<p>مؤقت</p>")
    revision = ArticleRevision.objects.create(article=article, number=1, content={"body_ar": body, "slug": "x"})
    Article.objects.filter(pk=article.pk).update(body_ar=body, body=body)  # as stored before this change

    MIGRATION.to_references(apps, None)
    article.refresh_from_db()
    revision.refresh_from_db()
    reference = f'<img data-photo="{image.pk}" data-width="960" alt="جسر"'
    assert reference in article.body_ar and reference in article.body and reference in revision.content["body_ar"]
    assert revision.content["slug"] == "x" and article.version == 1

    MIGRATION.to_addresses(apps, None)
    article.refresh_from_db()
    assert f'<img src="{_address(image, 960, "jpeg")}" alt="جسر">' in article.body_ar


def test_a_form_opened_before_the_photo_was_replaced_is_refused_with_its_text_kept():
    """The form holds the old rendition's address; the photo is replaced (its old files deleted) before the editor
    saves. Saving the old address would put a broken image on the page: the form says why, keeps the text, and
    nothing is written."""
    editor = make_staff("hala", is_superuser=True)
    client = Client()
    sign_in(client, editor)
    image = _photo()
    article = make_article(body_ar=f'<p>نص</p><p><img src="{_address(image, 960)}" alt="جسر"></p>')
    stored = article.body_ar
    form = client.get(f"/admin/articles/article/{article.pk}/change/").context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "tags"}
    data |= {"section": article.section_id, "tags": "", "loaded_version": article.version}
    data |= {f"{p}-{n}": 0 for p in ("bylines", "corrections") for n in ("TOTAL_FORMS", "INITIAL_FORMS")}
    data["body_ar"] = data["body_ar"].replace("<p>نص</p>", "<p>نص منقّح</p>")

    image_store(image=image, upload=photos.camera_jpeg(1500, 2000))  # while the form is open

    response = client.post(f"/admin/articles/article/{article.pk}/change/", data)
    assert response.status_code == 200
    assert "استُبدلت صورة في هذا النص أو حُذفت" in response.content.decode()
    assert "نص منقّح" in response.context["adminform"].form["body_ar"].value()  # the editor's text, kept
    article.refresh_from_db()
    assert article.body_ar == stored


def test_hostile_text_around_a_photo_neither_escapes_nor_fakes_a_reference(client):
    """Alternative text and paragraphs that imitate the markup stay text: no element is made of them, and only the
    real reference counts as showing a photo."""
    image, other = _photo(), _photo(1200, 800)
    article = make_article(
        body_ar=f'<p><img src="{_address(image, 480)}" alt="&quot;&gt;&lt;script&gt;x&lt;/script&gt; data-photo=&quot;'
        f'{other.pk}&quot;"></p><p>نص يقول data-photo="{other.pk}" و &lt;img data-photo="{other.pk}"&gt;</p>'
    )
    assert photo_ids(article.body_ar) == {image.pk}
    page = _reader_page(article, client)
    assert "<script>x" not in page and len(_pictures(page)) == 1
    assert Article.objects.showing_photo(image).exists() and not Article.objects.showing_photo(other).exists()
