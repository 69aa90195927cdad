"""The read-only JSON API (api/), as an app or a partner uses it: every endpoint in Arabic (/api/v1/) and English
(/en/api/v1/), only what readers may see, cursors that round-trip and refuse tampering, translated JSON errors, the
rate limit, the OpenAPI document, the page cache's purges, and a fixed number of queries per endpoint."""

import json
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.encoding import iri_to_uri

from articles.models import Article, AuthorLink, Correction, Image, Tag
from articles.services.articles import article_save
from articles.services.images import image_store
from live.services.alerts import alert_publish
from live.services.coverage import coverage_start
from live.services.entries import entry_post, entry_withdraw
from tests import photos
from tests.factories import make_article, make_author, make_section, make_staff

AR, EN = "/api/v1", "/en/api/v1"
EN_SITE = "http://testserver/en"
HOUR = timedelta(hours=1)


class Newsroom:
    """Two sections, two tags, two writers (one with a photo and links), and articles in every state readers must
    or must not see: two in both languages, one in Arabic only, a draft, a scheduled one, an unpublished one, and a
    live page with entries."""

    def __init__(self):
        self.editor = make_staff("api-editor", "editor")
        self.politics = make_section(name_ar="سياسة", name_en="Politics")
        self.economy = make_section(name_ar="اقتصاد", name_en="Economy")
        self.deir, self.oil = Tag.objects.create(name="دير الزور"), Tag.objects.create(name="النفط")
        self.photo = image_store(image=Image(alt_ar="جسر على الفرات", alt_en="A bridge"), upload=photos.png())
        self.rana = make_author(name_ar="رنا", name_en="Rana", photo=self.photo)
        AuthorLink.objects.create(author=self.rana, kind="x", url="https://x.com/rana")
        self.omar = make_author(name_ar="عمر", name_en="Omar")
        now = timezone.now()
        self.bridge = make_article(
            headline_ar="انقطاع الجسر الوحيد", headline_en="The only bridge is cut", section=self.politics,
            authors=[self.rana], published_at=now - 3 * HOUR, featured_image=self.photo, dateline_ar="دير الزور",
            body_ar=f'<p>نص الخبر.</p><img data-photo="{self.photo.pk}" data-width="480" alt="الجسر">',
        )  # fmt: skip
        self.bridge.tags.add(self.deir)
        Correction.objects.create(article=self.bridge, text_ar="صُحّح اسم القرية.", text_en="The village's name.")
        self.fuel = make_article(
            headline_ar="أسعار الوقود في السوق", headline_en="Fuel prices", section=self.economy,
            authors=[self.omar], published_at=now - 2 * HOUR,
        )  # fmt: skip
        self.fuel.tags.add(self.oil)
        self.arabic_only = make_article(headline_ar="عودة العبّارات إلى النهر", section=self.politics,
                                        authors=[self.rana], published_at=now - HOUR)  # fmt: skip
        self.arabic_only.tags.add(self.deir)
        self.draft = make_article(headline_ar="مسودة", headline_en="Draft", status=Article.Status.DRAFT,
                                  section=self.politics)  # fmt: skip
        self.scheduled = make_article(headline_ar="مجدول", headline_en="Scheduled", status=Article.Status.SCHEDULED,
                                      published_at=now + HOUR, section=self.politics)  # fmt: skip
        self.unpublished = make_article(headline_ar="مسحوب", headline_en="Withdrawn",
                                        status=Article.Status.UNPUBLISHED, section=self.politics)  # fmt: skip
        self.live = make_article(headline_ar="تغطية مباشرة", headline_en="Live", section=self.economy,
                                 authors=[self.omar], published_at=now - 4 * HOUR)  # fmt: skip
        coverage_start(article=self.live, by=self.editor)
        self.entries = [entry_post(article=self.live, by=self.editor, text=f"تحديث {n}") for n in range(1, 4)]
        entry_withdraw(entry=self.entries[1], by=self.editor)
        self.hidden = [self.draft, self.scheduled, self.unpublished]


@pytest.fixture
def site(db):
    return Newsroom()


def get(client, address, status=200, **query):
    response = client.get(address, query)
    assert response.status_code == status, (address, response.status_code, response.content[:300])
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return response.json()


def ids(answer):
    return [item["id"] for item in answer["items"]]


# Articles


@pytest.mark.parametrize("base", [AR, EN])
def test_the_article_list_shows_what_readers_may_see_in_that_language_newest_first(site, client, base):
    answer = get(client, f"{base}/articles")
    translated = [site.fuel, site.bridge, site.live]
    expected = [site.arabic_only, *translated] if base == AR else translated
    assert ids(answer) == [article.pk for article in expected]
    assert answer["next"] is None
    first = answer["items"][0]
    assert first["headline"] == ("عودة العبّارات إلى النهر" if base == AR else "Fuel prices")
    assert first["url"].startswith("http://testserver/en/news/" if base == EN else "http://testserver/news/")


def test_the_article_list_in_english_names_sections_and_writers_in_english(site, client):
    card = get(client, f"{EN}/articles", section=site.politics.slug)["items"][0]
    assert card["section"]["name"] == "Politics"
    assert card["bylines"] == [
        {
            "id": site.rana.pk,
            "name": "Rana",
            "slug": site.rana.slug,
            "url": iri_to_uri(f"{EN_SITE}/author/{site.rana.slug}/"),
        }
    ]
    assert card["photo"]["alt"] == "A bridge"
    assert {(r["format"], r["width"]) for r in card["photo"]["renditions"]} >= {("jpeg", 300), ("webp", 300)}
    assert all(r["url"].startswith("http://testserver/media/") for r in card["photo"]["renditions"])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"section": "politics"}, ["arabic_only", "bridge"]),
        ({"tag": "deir"}, ["arabic_only", "bridge"]),
        ({"tag": "oil"}, ["fuel"]),
        ({"author": "omar"}, ["fuel", "live"]),
        ({"section": "politics", "author": "omar"}, []),
    ],
)
def test_the_article_list_narrows_to_a_section_a_tag_or_a_writer(site, client, query, expected):
    subjects = {"politics": site.politics, "deir": site.deir, "oil": site.oil, "omar": site.omar}
    slugs = {name: subjects[value].slug for name, value in query.items()}
    assert ids(get(client, f"{AR}/articles", **slugs)) == [getattr(site, name).pk for name in expected]


@pytest.mark.parametrize("parameter", ["section", "tag", "author"])
def test_an_unknown_section_tag_or_writer_is_a_json_404_in_the_language_of_the_address(site, client, parameter):
    arabic = get(client, f"{AR}/articles", 404, **{parameter: "لا-يوجد"})
    assert arabic == {"code": "not_found", "detail": "لا شيء هنا: لا عنصر بهذا الرقم، أو ليس مما يراه القرّاء."}
    english = get(client, f"{EN}/articles", 404, **{parameter: "nothing"})
    assert english["detail"] == "Nothing here: no such item, or none that readers may see."


def test_the_cursor_walks_the_whole_list_one_article_at_a_time(site, client):
    seen, address = [], f"{AR}/articles?limit=1"
    while address:
        answer = client.get(address).json()
        assert len(answer["items"]) == 1
        seen += ids(answer)
        address = answer["next"]
    assert seen == ids(get(client, f"{AR}/articles"))


def test_the_cursor_keeps_the_filters_and_the_page_size(site, client):
    answer = get(client, f"{AR}/articles", section=site.politics.slug, limit=1)
    assert ids(answer) == [site.arabic_only.pk]
    following = client.get(answer["next"]).json()
    assert ids(following) == [site.bridge.pk] and following["next"] is None


def test_articles_published_at_the_same_moment_are_neither_lost_nor_repeated_between_pages(site, client):
    moment = site.fuel.published_at
    twins = [make_article(headline_ar=f"توأم {n}", section=site.economy, published_at=moment) for n in range(3)]
    answer, seen = get(client, f"{AR}/articles", section=site.economy.slug, limit=2), []
    while True:
        seen += ids(answer)
        if not answer["next"]:
            break
        answer = client.get(answer["next"]).json()
    assert sorted(seen) == sorted([site.fuel.pk, site.live.pk, *(twin.pk for twin in twins)])
    assert len(seen) == len(set(seen))


@pytest.mark.parametrize(
    "cursor",
    ["garbage", "WyJhcnRpY2xlcyIsIjIwMjUiLDFd", "tampered"],
    ids=["not-a-cursor", "unsigned", "altered"],
)
def test_a_cursor_the_api_did_not_give_is_refused_with_400(site, client, cursor):
    if cursor == "tampered":
        given = client.get(f"{AR}/articles?limit=1").json()["next"].split("cursor=")[1]
        cursor = given[:-2] + ("AA" if not given.endswith("AA") else "BB")
    answer = get(client, f"{AR}/articles", 400, cursor=cursor)
    assert answer["code"] == "bad_cursor"
    assert answer["detail"] == "لم يصدر هذا المؤشر عن هذه القائمة. ابدأ من الصفحة الأولى."


def test_a_cursor_of_another_list_is_refused(site, client):
    tags_cursor = client.get(f"{AR}/tags?limit=1").json()["next"].split("cursor=")[1]
    assert get(client, f"{AR}/articles", 400, cursor=tags_cursor)["code"] == "bad_cursor"
    assert get(client, f"{AR}/authors", 400, cursor=tags_cursor)["code"] == "bad_cursor"


@pytest.mark.parametrize("limit", ["0", "51", "ten", "-1"])
def test_a_page_size_outside_1_to_50_is_refused_with_a_translated_400(site, client, limit):
    answer = get(client, f"{EN}/articles", 400, limit=limit)
    assert answer == {"code": "bad_parameter", "detail": "These parameters have values the API does not accept: limit."}
    assert "limit" in get(client, f"{AR}/articles", 400, limit=limit)["detail"]


def test_the_largest_page_size_is_accepted(site, client):
    assert len(get(client, f"{AR}/articles", limit="50")["items"]) == 4


@pytest.mark.parametrize("base", [AR, EN])
def test_an_article_has_its_body_photos_bylines_tags_and_corrections(site, client, base):
    article = get(client, f"{base}/articles/{site.bridge.pk}")
    assert article["headline"] == ("انقطاع الجسر الوحيد" if base == AR else "The only bridge is cut")
    assert article["languages"] == ["ar", "en"]
    assert [tag["name"] for tag in article["tags"]] == ["دير الزور"]
    assert [note["text"] for note in article["corrections"]] == [
        "صُحّح اسم القرية." if base == AR else "The village's name."
    ]
    assert article["photo"]["id"] == site.photo.pk
    if base == AR:
        assert article["dateline"] == "دير الزور"
        # The inline photo is drawn from its renditions, as on the article's page; no reference is left.
        assert "<picture>" in article["body"] and "/media/" in article["body"]
        assert "data-photo" not in article["body"]
        # Every address in it absolute, srcset entries included: an app has no page to resolve them against.
        addresses = re.findall(r'(?:src|href)="([^"]+)"', article["body"])
        addresses += [entry.split()[0] for found in re.findall(r'srcset="([^"]+)"', article["body"])
                      for entry in found.split(",")]  # fmt: skip
        assert addresses and all(address.startswith("http://testserver/") for address in addresses), addresses
    else:
        assert article["body"] == "<p>The story.</p>"


def test_the_body_is_sanitised_again_when_served(site, client):
    Article.objects.filter(pk=site.fuel.pk).update(body_ar='<p onclick="x()">نص</p><script>alert(1)</script>')
    body = get(client, f"{AR}/articles/{site.fuel.pk}")["body"]
    assert "script" not in body and "onclick" not in body and "نص" in body


@pytest.mark.parametrize("hidden", ["draft", "scheduled", "unpublished"])
def test_articles_readers_may_not_see_are_404_and_in_no_list(site, client, hidden):
    article = getattr(site, hidden)
    for base in (AR, EN):
        assert get(client, f"{base}/articles/{article.pk}", 404)["code"] == "not_found"
        assert article.pk not in ids(get(client, f"{base}/articles", limit=50))
        assert article.pk not in ids(get(client, f"{base}/search", q=article.headline_ar))


@pytest.mark.parametrize("pk", ["0", "9223372036854775807", "9223372036854775808", "99999999999999999999999"])
def test_an_id_that_names_no_article_is_a_404_however_large(site, client, pk):
    assert get(client, f"{AR}/articles/{pk}", 404)["code"] == "not_found"
    assert get(client, f"{AR}/articles/{pk}/live", 404)["code"] == "not_found"


def test_an_article_without_a_translation_is_404_in_english_only(site, client):
    assert get(client, f"{AR}/articles/{site.arabic_only.pk}")["languages"] == ["ar"]
    assert get(client, f"{EN}/articles/{site.arabic_only.pk}", 404)["code"] == "not_found"


def test_a_scheduled_article_appears_once_its_time_has_come(site, client):
    Article.objects.filter(pk=site.scheduled.pk).update(published_at=timezone.now() - timedelta(seconds=1))
    assert get(client, f"{AR}/articles/{site.scheduled.pk}")["id"] == site.scheduled.pk


# Sections, tags, authors


@pytest.mark.parametrize(("base", "names"), [(AR, ["سياسة", "اقتصاد"]), (EN, ["Politics", "Economy"])])
def test_sections_in_the_mastheads_order(site, client, base, names):
    sections = get(client, f"{base}/sections")["items"]
    assert [section["name"] for section in sections if section["id"] in (site.politics.pk, site.economy.pk)] == names


@pytest.mark.parametrize("base", [AR, EN])
def test_tags_page_by_cursor(site, client, base):
    first = get(client, f"{base}/tags", limit=1)
    assert [tag["name"] for tag in first["items"]] == ["دير الزور"]
    second = client.get(first["next"]).json()
    assert [tag["name"] for tag in second["items"]] == ["النفط"] and second["next"] is None
    prefix = "/en" if base == EN else ""
    assert second["items"][0]["url"] == iri_to_uri(f"http://testserver{prefix}/tag/{site.oil.slug}/")


@pytest.mark.parametrize(("base", "name"), [(AR, "رنا"), (EN, "Rana")])
def test_authors_come_with_their_photo_and_links(site, client, base, name):
    authors = {author["id"]: author for author in get(client, f"{base}/authors", limit=50)["items"]}
    rana = authors[site.rana.pk]
    assert rana["name"] == name
    assert rana["links"] == [{"kind": "x", "url": "https://x.com/rana"}]
    assert rana["photo"]["id"] == site.photo.pk
    assert authors[site.omar.pk]["photo"] is None


# Search


@pytest.mark.parametrize(("base", "query", "expected"), [
    (AR, "الجسر", ["bridge"]),
    (AR, "جسر", ["bridge"]),  # without «ال»: the site's own matching of spellings
    (AR, "العبارات", ["arabic_only"]),  # without the shadda
    (EN, "bridge", ["bridge"]),
    (EN, "العبارات", []),  # no English translation
])  # fmt: skip
def test_search_finds_articles_in_any_arabic_spelling(site, client, base, query, expected):
    assert ids(get(client, f"{base}/search", q=query)) == [getattr(site, name).pk for name in expected]


def test_search_pages_by_cursor(site, client):
    for n in range(3):
        make_article(headline_ar=f"الجسر الجديد {n}", section=site.politics)
    first = get(client, f"{AR}/search", q="الجسر", limit=2)
    second = client.get(first["next"]).json()
    assert len(first["items"]) == 2 and len(second["items"]) == 2 and second["next"] is None
    assert not set(ids(first)) & set(ids(second))


@pytest.mark.parametrize(("query", "code"), [
    ({"q": "!!!"}, "bad_query"),
    ({"q": "ا" * 201}, "bad_query"),
    ({"q": "الجسر", "cursor": "x"}, "bad_cursor"),
])  # fmt: skip
def test_a_search_without_words_or_too_long_is_a_400(site, client, query, code):
    assert get(client, f"{AR}/search", 400, **query)["code"] == code


@pytest.mark.parametrize("query", [{}, {"q": "   "}])
def test_a_search_without_a_query_finds_nothing_as_the_search_page_does(site, client, query):
    assert get(client, f"{EN}/search", **query) == {"items": [], "next": None}


def test_a_search_of_200_characters_is_accepted(site, client):
    assert get(client, f"{AR}/search", q="ا" * 200)["items"] == []


# Live coverage and the urgent alert


@pytest.mark.parametrize("base", [AR, EN])
def test_live_entries_newest_first_withdrawn_ones_without_their_content(site, client, base):
    answer = get(client, f"{base}/articles/{site.live.pk}/live")
    assert answer["live"] is True
    assert [entry["sequence"] for entry in answer["items"]] == [3, 2, 1]
    newest, withdrawn, _first = answer["items"]
    assert newest["body"] == "<p>تحديث 3</p>" and newest["withdrawn"] is False
    assert withdrawn["withdrawn"] is True and withdrawn["body"] == "" and withdrawn["title"] == ""
    assert newest["url"].endswith(f"/live/entries/{site.entries[2].pk}/")


def test_live_entries_page_by_sequence(site, client):
    first = get(client, f"{AR}/articles/{site.live.pk}/live", limit=2)
    second = client.get(first["next"]).json()
    assert [entry["sequence"] for entry in second["items"]] == [1] and second["next"] is None
    other = make_article(headline_ar="صفحة أخرى")
    coverage_start(article=other, by=site.editor)
    cursor = first["next"].split("cursor=")[1]
    assert get(client, f"{AR}/articles/{other.pk}/live", 400, cursor=cursor)["code"] == "bad_cursor"


def test_entries_waiting_for_review_are_not_shown(site, client):
    from live.models import LiveEntry

    LiveEntry.objects.create(article=site.live, body="<p>ينتظر</p>")
    assert len(get(client, f"{AR}/articles/{site.live.pk}/live")["items"]) == 3


@pytest.mark.parametrize("name", ["bridge", "draft"])
def test_live_entries_of_an_article_that_is_no_live_page_or_not_visible_are_404(site, client, name):
    assert get(client, f"{AR}/articles/{getattr(site, name).pk}/live", 404)["code"] == "not_found"


def test_the_current_alert_in_each_language(site, client):
    assert get(client, f"{AR}/alert") == {"alert": None}
    alert_publish(text_ar="عاجل: انقطاع الجسر", article=site.bridge, expires_at=timezone.now() + HOUR,
                  by=site.editor)  # fmt: skip
    shown = get(client, f"{AR}/alert")["alert"]
    assert shown["text"] == "عاجل: انقطاع الجسر"
    assert shown["url"] == f"http://testserver{site.bridge.get_absolute_url()}"
    # Not translated: English readers are not shown it.
    assert get(client, f"{EN}/alert") == {"alert": None}


# Errors, headers and the OpenAPI document


@pytest.mark.parametrize("base", [AR, EN])
def test_the_root_says_where_the_openapi_document_is(site, client, base):
    document = get(client, f"{base}/")["openapi"]
    assert document == f"http://testserver{base}/openapi.json"
    assert client.get(document).status_code == 200


def test_unknown_addresses_under_the_api_are_json_404s(site, client):
    assert get(client, f"{AR}/nothing-here", 404)["code"] == "not_found"
    assert get(client, f"{EN}/articles/{site.bridge.pk}/nope", 404)["detail"].startswith("Nothing here")
    # ninja's docs page would load Swagger UI from a CDN: there is none.
    assert get(client, f"{AR}/docs", 404)["code"] == "not_found"


def test_answers_are_json_readable_from_any_origin_with_arabic_as_text(site, client):
    response = client.get(f"{AR}/articles/{site.bridge.pk}")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "انقطاع الجسر الوحيد".encode() in response.content
    assert "Set-Cookie" not in response and not response.cookies
    assert response["Content-Language"] == "ar"
    assert client.get(f"{EN}/sections")["Content-Language"] == "en"


def test_only_get_is_answered(site, client):
    assert client.post(f"{AR}/articles").status_code == 405


def test_the_openapi_document_describes_every_endpoint(site, client):
    response = client.get(f"{AR}/openapi.json")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    document = json.loads(response.content)
    assert document["openapi"].startswith("3.")
    assert set(document["paths"]) == {
        "/api/v1/", "/api/v1/articles", "/api/v1/articles/{pk}", "/api/v1/articles/{pk}/live", "/api/v1/sections",
        "/api/v1/tags", "/api/v1/authors", "/api/v1/search", "/api/v1/alert",
    }  # fmt: skip
    for path, operations in document["paths"].items():
        assert set(operations) == {"get"}, path
        assert {"200", "400", "404", "429"} <= set(operations["get"]["responses"]), path
    # Every schema an answer names is in the document.
    text = response.content.decode()
    for reference in {part.split('"')[0] for part in text.split('"$ref": "#/components/schemas/')[1:]}:
        assert reference in document["components"]["schemas"], reference


# The rate limit


def test_too_many_drawn_answers_from_one_address_get_a_translated_429(site, settings):
    settings.NEWSROOM_API_RATE_PER_ADDRESS = 2
    reader, other = Client(REMOTE_ADDR="203.0.113.5"), Client(REMOTE_ADDR="203.0.113.6")
    assert reader.get(f"{AR}/articles").status_code == 200
    assert reader.get(f"{AR}/sections").status_code == 200
    refused = reader.get(f"{AR}/tags")
    assert refused.status_code == 429
    assert refused.json() == {"code": "rate_limited", "detail": "طلبات كثيرة من عنوانك. انتظر دقيقة ثم أعد المحاولة."}
    assert refused["Retry-After"] == "60"
    english = reader.get(f"{EN}/tags").json()["detail"]
    assert english == "Too many requests from your address. Wait a minute and try again."
    # Answers from the page cache cost nothing to draw and are not counted; another address is not limited.
    cached = reader.get(f"{AR}/articles")
    assert cached.status_code == 200 and cached["X-Page-Cache"] == "hit"
    assert other.get(f"{AR}/tags").status_code == 200


def test_a_429_is_not_cached(site, settings):
    settings.NEWSROOM_API_RATE_PER_ADDRESS = 0
    assert Client().get(f"{AR}/tags").status_code == 429
    settings.NEWSROOM_API_RATE_PER_ADDRESS = 100
    assert Client().get(f"{AR}/tags").status_code == 200


# The page cache: the HTML pages' tags and purges


def _cached(client, address):
    client.get(address)
    response = client.get(address)
    assert response["X-Page-Cache"] == "hit", address
    return response


def test_an_edit_refreshes_the_answers_that_show_the_article_and_leaves_the_others_cached(site, client):
    addresses = {
        "bridge": f"{AR}/articles/{site.bridge.pk}",
        "bridge en": f"{EN}/articles/{site.bridge.pk}",
        "list": f"{AR}/articles",
        "politics": f"{AR}/articles?section={site.politics.slug}",
        "fuel": f"{AR}/articles/{site.fuel.pk}",
        "economy": f"{AR}/articles?section={site.economy.slug}",
        "tags": f"{AR}/tags",
        "alert": f"{AR}/alert",
    }
    for address in addresses.values():
        _cached(client, address)
    article = Article.objects.get(pk=site.bridge.pk)
    article.headline_ar = "عاد الجسر إلى العمل"
    article_save(article=article, by=site.editor, loaded_version=article.version)
    served = {name: client.get(address) for name, address in addresses.items()}
    refreshed = {name for name, response in served.items() if response["X-Page-Cache"] != "hit"}
    assert refreshed == {"bridge", "bridge en", "list", "politics", "tags"}  # the tags' list shares the sitemaps' tag
    assert served["bridge"].json()["headline"] == "عاد الجسر إلى العمل"
    assert served["politics"].json()["items"][1]["headline"] == "عاد الجسر إلى العمل"


def test_an_edit_of_the_body_alone_refreshes_the_article_but_not_the_lists(site, client):
    detail, listing = f"{AR}/articles/{site.fuel.pk}", f"{AR}/articles"
    for address in (detail, listing):
        _cached(client, address)
    article = Article.objects.get(pk=site.fuel.pk)
    article.body_ar = "<p>نص جديد.</p>"
    article_save(article=article, by=site.editor, loaded_version=article.version)
    assert client.get(detail).json()["body"] == "<p>نص جديد.</p>"
    assert client.get(listing)["X-Page-Cache"] == "hit"


def test_a_new_entry_refreshes_the_live_answer_and_a_new_alert_the_alert(site, client):
    live, alert, fuel = f"{AR}/articles/{site.live.pk}/live", f"{AR}/alert", f"{AR}/articles/{site.fuel.pk}"
    for address in (live, alert, fuel):
        _cached(client, address)
    entry_post(article=site.live, by=site.editor, text="تحديث 4")
    assert client.get(live).json()["items"][0]["body"] == "<p>تحديث 4</p>"
    assert client.get(alert)["X-Page-Cache"] == "hit"
    alert_publish(text_ar="عاجل", expires_at=timezone.now() + HOUR, by=site.editor)
    assert client.get(alert).json()["alert"]["text"] == "عاجل"
    assert client.get(fuel)["X-Page-Cache"] == "hit"


def test_a_renamed_section_refreshes_the_sections(site, client):
    _cached(client, f"{EN}/sections")
    site.economy.name_en = "Business"
    site.economy.save()
    assert "Business" in [section["name"] for section in client.get(f"{EN}/sections").json()["items"]]


# Queries per endpoint: a fixed number, whatever the number of items


def _more_articles(site, count):
    for n in range(count):
        article = make_article(headline_ar=f"خبر إضافي {n}", headline_en=f"More {n}", section=site.politics,
                               authors=[site.rana, site.omar], featured_image=site.photo)  # fmt: skip
        article.tags.add(site.deir, site.oil)
    for n in range(count):
        entry_post(article=site.live, by=site.editor, text=f"مزيد {n}")
        Tag.objects.create(name=f"وسم {n}")
        author = make_author(photo=site.photo)
        AuthorLink.objects.create(author=author, kind="website", url="https://example.org/")


@pytest.mark.parametrize("count", [0, 5])
@pytest.mark.parametrize(("endpoint", "queries"), [
    # articles, their bylines' authors, their photos' renditions
    ("/articles?limit=50", 3),
    # the section, then as above
    ("/articles?section={politics}&limit=50", 4),
    # the article with its section and photo; its bylines, tags, corrections and renditions in one statement
    ("/articles/{bridge}", 2),
    ("/sections", 1),
    ("/tags?limit=50", 1),
    # authors with their photos; their renditions; their links
    ("/authors?limit=50", 3),
    # as the list
    ("/search?q=خبر&limit=50", 3),
    # the article; its entries with their photos (none here: no renditions to read)
    ("/articles/{live}/live?limit=50", 2),
    # the alerts showing are in the shared cache
    ("/alert", 0),
])  # fmt: skip
def test_each_endpoint_costs_a_fixed_number_of_queries(site, client, page_queries, endpoint, queries, count):
    _more_articles(site, count)
    address = AR + endpoint.format(politics=site.politics.slug, bridge=site.bridge.pk, live=site.live.pk)
    with page_queries(queries):
        response = client.get(address)
    assert response.status_code == 200, response.content[:300]


@pytest.mark.parametrize("name", ["section", "tag", "author"])
def test_a_control_character_in_a_filter_is_a_404_not_an_error(site, client, name):
    """PostgreSQL refuses a NUL in a query: the filter never sends one."""
    response = client.get(f"{AR}/articles", {name: "سياسة\x00"})
    assert response.status_code == 404 and response.json()["code"]
