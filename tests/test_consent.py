"""Cookie consent: the banner, the choices and their cookies, the consent log, GPC, policy versions, safe
redirects and forged choices (browser tests in tests/browser/test_consent_flow.py)."""

import itertools
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.utils import timezone

from consent.models import ConsentRecord, PolicyVersion
from consent.state import ConsentState, consent_state, current_policy_version, format_choice
from tests.factories import make_article

pytestmark = pytest.mark.django_db

YOUTUBE = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
THIRTEEN_MONTHS = 396 * 86400


def banner_is_open(html):
    tag = re.search(r'<section class="consent-banner"[^>]*>', html)
    assert tag, "no cookie banner on the page"
    return " hidden" not in tag.group(0)


OURS = {"Sec-Fetch-Site": "same-origin"}


def choose(client, choice, headers=OURS, **data):
    """Post a choice as the banner on one of our pages does (browsers send Fetch Metadata)."""
    return client.post("/cookies/", {"choice": choice, **data}, headers=headers)


@pytest.fixture
def article():
    return make_article(body_ar=f'<p>مقدمة التقرير.</p><p><a href="{YOUTUBE}">{YOUTUBE}</a></p>')


def test_a_first_visit_sets_no_cookie_and_shows_the_banner(client, article):
    for url in ["/", article.get_absolute_url(), "/en/", "/privacy/"]:
        response = client.get(url)
        html = response.content.decode()
        assert response.cookies == {}, url
        assert banner_is_open(html), url
        assert "Cookie" not in response.get("Vary", "")
    html = client.get("/").content.decode()
    assert 'value="accept_all">قبول الكل</button>' in html and 'value="reject_all">رفض الكل</button>' in html
    assert "<summary>الإعدادات</summary>" in html and 'href="/privacy/#cookies">اقرأ المزيد</a>' in html
    # Every optional category starts unticked; the necessary one is ticked and cannot be changed.
    assert re.search(r'id="banner-necessary" name="necessary" value="on" checked disabled', html)
    for category in ("analytics", "embeds"):
        assert re.search(rf'id="banner-{category}" name="{category}" value="on" aria', html)


def test_the_english_pages_ask_in_english(client):
    html = client.get("/en/").content.decode()
    assert banner_is_open(html) and "Cookies on this site" in html
    assert 'value="accept_all">Accept all</button>' in html and 'value="reject_all">Reject all</button>' in html
    assert 'action="/en/cookies/"' in html and 'href="/en/privacy/#cookies">Read more</a>' in html


def test_accept_and_reject_buttons_look_the_same(client):
    html = client.get("/").content.decode()
    buttons = re.findall(r'<button class="([^"]+)" type="submit" name="choice" value="(accept_all|reject_all)">', html)
    assert {value for _, value in buttons} == {"accept_all", "reject_all"}
    assert len({classes for classes, _ in buttons}) == 1


def test_accepting_sets_the_choice_logs_it_and_goes_back_to_the_page(client, article):
    url = article.get_absolute_url()
    response = choose(client, "accept_all", next=url)
    assert response.status_code == 303 and response["Location"] == url
    choice = response.cookies[settings.NEWSROOM_CONSENT_COOKIE]
    reader = response.cookies[settings.NEWSROOM_CONSENT_ID_COOKIE]
    assert choice.value == "1:analytics+embeds"
    assert choice["max-age"] == 182 * 86400 and choice["samesite"] == "Lax" and not choice["httponly"]
    assert reader["max-age"] <= THIRTEEN_MONTHS and reader["httponly"]
    record = ConsentRecord.objects.get()
    assert (record.consent_id, record.analytics, record.embeds) == (reader.value, True, True)
    assert (record.method, record.policy_version.number, record.language, record.gpc) == ("accept_all", 1, "ar", False)
    assert timezone.now() - record.created_at < timedelta(minutes=1)

    html = client.get(url).content.decode()
    assert not banner_is_open(html)
    assert 'src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in html


def test_rejecting_keeps_the_site_readable_and_the_media_behind_a_placeholder(client, article):
    response = choose(client, "reject_all", next=article.get_absolute_url())
    assert response.cookies[settings.NEWSROOM_CONSENT_COOKIE].value == "1:none"
    record = ConsentRecord.objects.get()
    assert (record.method, record.analytics, record.embeds) == ("reject_all", False, False)
    for _ in range(5):
        page = client.get(article.get_absolute_url())
        html = page.content.decode()
        assert page.status_code == 200 and "مقدمة التقرير." in html
        assert not banner_is_open(html)
        assert "<iframe" not in html and 'data-embed-src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in html


def test_settings_save_exactly_the_ticked_categories(client):
    response = choose(client, "save", embeds="on")
    assert response.cookies[settings.NEWSROOM_CONSENT_COOKIE].value == "1:embeds"
    record = ConsentRecord.objects.get()
    assert (record.method, record.analytics, record.embeds) == ("save", False, True)
    html = client.get("/").content.decode()
    assert re.search(r'id="banner-embeds" name="embeds" value="on" checked', html)
    assert not re.search(r'id="banner-analytics" name="analytics" value="on" checked', html)


def test_a_placeholder_allows_media_and_keeps_the_other_choices(client, article):
    choose(client, "save", analytics="on")
    response = choose(client, "grant", category="embeds", next=f"{article.get_absolute_url()}#embed-1")
    assert response["Location"].endswith("#embed-1")
    assert response.cookies[settings.NEWSROOM_CONSENT_COOKIE].value == "1:analytics+embeds"
    first, second = ConsentRecord.objects.order_by("created_at", "id")
    assert first.consent_id == second.consent_id  # one reader, one pseudonymous id across choices
    assert (second.method, second.analytics, second.embeds) == ("grant", True, True)


def test_the_page_script_gets_json_and_no_redirect(client):
    response = client.post(
        "/cookies/", {"choice": "save", "analytics": "on"}, headers={**OURS, "Accept": "application/json"}
    )
    assert response.status_code == 200
    assert response.json() == {"policy_version": 1, "categories": ["analytics"]}
    assert response.cookies[settings.NEWSROOM_CONSENT_COOKIE].value == "1:analytics"


def test_a_malformed_consent_id_is_replaced_by_a_random_one(client):
    client.cookies[settings.NEWSROOM_CONSENT_ID_COOKIE] = "<script>"  # and no id ever comes from the reader
    response = choose(client, "reject_all")
    new_id = response.cookies[settings.NEWSROOM_CONSENT_ID_COOKIE].value
    assert re.fullmatch(r"[0-9a-f]{32}", new_id)
    assert ConsentRecord.objects.get().consent_id == new_id


def test_withdrawing_deletes_the_analytics_cookies_and_nothing_else(client):
    choose(client, "accept_all")
    client.cookies["_pk_id.1.a1b2"] = "reader"
    client.cookies["_pk_ses.1.a1b2"] = "1"
    client.cookies["unrelated"] = "kept"
    response = choose(client, "save", embeds="on")
    for name in ("_pk_id.1.a1b2", "_pk_ses.1.a1b2"):
        assert response.cookies[name]["max-age"] == 0 and response.cookies[name].value == ""
    assert "unrelated" not in response.cookies
    # Allowing analytics again does not delete them.
    assert "_pk_id.1.a1b2" not in choose(client, "accept_all").cookies


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "\\\\evil.example",
        "http:/evil.example",
        "javascript:alert(1)",
        "  //evil.example/",
        "/news/\r\nSet-Cookie: stolen=1",
        "evil.example",
        "",
    ],
)
def test_the_way_back_never_leads_to_another_host(client, target):
    response = choose(client, "reject_all", next=target)
    assert response.status_code == 303
    assert response["Location"] == "/"
    assert ConsentRecord.objects.count() == 1  # the choice itself still counts


def test_the_way_back_keeps_an_arabic_address_and_the_language(client, article):
    response = choose(client, "reject_all", next=article.get_absolute_url())
    assert response["Location"] == article.get_absolute_url()
    response = client.post("/en/cookies/", {"choice": "reject_all", "next": "https://evil.example/"}, headers=OURS)
    assert response["Location"] == "/en/"


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Referer": "https://evil.example/page"},
    ],
)
def test_a_choice_forged_by_another_site_is_refused(client, headers):
    response = client.post("/cookies/", {"choice": "accept_all"}, headers=headers)
    assert response.status_code == 403
    assert "لا يمكن اختيار إعدادات ملفات تعريف الارتباط إلا من صفحات هذا الموقع نفسه." in response.content.decode()
    assert not ConsentRecord.objects.exists()
    assert settings.NEWSROOM_CONSENT_COOKIE not in response.cookies


@pytest.mark.parametrize(
    "headers",
    [{"Sec-Fetch-Site": "same-origin"}, {"Origin": "http://testserver"}, {"Referer": "http://testserver/news/"}],
)
def test_a_choice_from_our_own_pages_is_accepted(client, headers):
    assert client.post("/cookies/", {"choice": "accept_all"}, headers=headers).status_code == 303
    assert ConsentRecord.objects.count() == 1


def test_a_request_that_says_nothing_of_its_origin_may_only_refuse(client):
    assert client.post("/cookies/", {"choice": "accept_all"}).status_code == 403
    assert client.post("/cookies/", {"choice": "reject_all"}).status_code == 303
    assert list(ConsentRecord.objects.values_list("method", flat=True)) == ["reject_all"]


def test_trusted_origins_with_wildcards_are_understood(client, settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://*.example.org"]
    assert (
        client.post("/cookies/", {"choice": "accept_all"}, headers={"Origin": "https://www.example.org"}).status_code
        == 303
    )
    assert (
        client.post("/cookies/", {"choice": "accept_all"}, headers={"Origin": "https://example.org.evil"}).status_code
        == 403
    )


def test_an_odd_or_long_way_back_does_not_lose_the_choice(client):
    for target in ["/search/?q=" + "%D8%A7" * 2000, "/news/\x00/", "/news/\u2028"]:
        response = choose(client, "reject_all", next=target)
        assert response.status_code == 303
    assert ConsentRecord.objects.count() == 3


@pytest.mark.parametrize(
    "data", [{"choice": "everything"}, {}, {"choice": "grant"}, {"choice": "grant", "category": "ads"}]
)
def test_a_malformed_choice_gets_a_clear_error_and_stores_nothing(client, data):
    response = client.post("/cookies/", data, headers=OURS)
    assert response.status_code == 400
    assert "تعذّرت قراءة هذا الاختيار. اختر مجدداً من فضلك." in response.content.decode()
    assert not ConsentRecord.objects.exists() and settings.NEWSROOM_CONSENT_COOKIE not in response.cookies


def test_a_flood_of_choices_is_slowed_down_in_arabic(client, settings):
    settings.NEWSROOM_CONSENT_RATE_PER_ADDRESS = 2
    assert choose(client, "reject_all").status_code == 303
    assert choose(client, "reject_all").status_code == 303
    response = choose(client, "accept_all")
    assert response.status_code == 429 and response["Retry-After"] == "600"
    assert "وصلتنا اختيارات كثيرة من شبكتك" in response.content.decode()
    assert ConsentRecord.objects.count() == 2


def test_without_a_policy_no_choice_is_stored(client):
    PolicyVersion.objects.all().delete()
    response = choose(client, "accept_all")
    assert response.status_code == 503
    assert "قبل أن ينشر الموقع سياسة الخصوصية" in response.content.decode()


def test_global_privacy_control_counts_as_refusal(client, article, settings):
    settings.NEWSROOM_ANALYTICS_SCRIPT_URL = "/stats/tracker.js"
    gpc = {"Sec-GPC": "1"}
    response = client.get(article.get_absolute_url(), headers=gpc)
    html = response.content.decode()
    assert not banner_is_open(html) and response.cookies == {}
    assert "<iframe" not in html and '/stats/tracker.js" defer' not in html
    assert "Sec-GPC" in response["Vary"]
    assert "يرسل متصفحك إشارة التحكم العالمي في الخصوصية" in client.get("/cookies/", headers=gpc).content.decode()
    assert not ConsentRecord.objects.exists()
    # A reader who then allows something on the site itself is heard, and the log says GPC was on.
    response = client.post("/cookies/", {"choice": "grant", "category": "embeds"}, headers={**gpc, **OURS})
    assert response.cookies[settings.NEWSROOM_CONSENT_COOKIE].value == "1:embeds:gpc"
    assert ConsentRecord.objects.get().gpc is True
    assert "<iframe" in client.get(article.get_absolute_url(), headers=gpc).content.decode()


def test_gpc_overrides_a_choice_made_without_it(client, article):
    choose(client, "accept_all")
    gpc = {"Sec-GPC": "1"}
    html = client.get(article.get_absolute_url(), headers=gpc).content.decode()
    assert "<iframe" not in html and not banner_is_open(html)
    assert "<iframe" in client.get(article.get_absolute_url()).content.decode()  # GPC off again: the choice holds


def test_no_page_carries_the_analytics_script_itself(client, settings):
    """consent.js loads it from the reader's cookie, so a page from a cache never loads it for someone who did not
    allow analytics."""
    settings.NEWSROOM_ANALYTICS_SCRIPT_URL = "/stats/tracker.js"
    choose(client, "accept_all")
    html = client.get("/").content.decode()
    assert '<script src="/stats/tracker.js"' not in html and 'data-analytics-src="/stats/tracker.js"' in html


def test_a_new_policy_version_asks_again(client, article, privacy_policy, time_machine):
    choose(client, "accept_all")
    assert not banner_is_open(client.get("/").content.decode())
    later = timezone.now() + timedelta(days=3)
    PolicyVersion.objects.create(
        number=2, title_ar="سياسة محدّثة", body_ar="<p>نص جديد.</p>", effective_at=later, changes_ar="أضفنا فيميو."
    )
    # Scheduled for later: the choice holds until then.
    assert not banner_is_open(client.get("/").content.decode())
    time_machine.move_to(later + timedelta(minutes=5))
    html = client.get(article.get_absolute_url()).content.decode()
    assert banner_is_open(html) and "<iframe" not in html
    assert current_policy_version() == 2
    response = choose(client, "reject_all")
    assert response.cookies[settings.NEWSROOM_CONSENT_COOKIE].value == "2:none"
    assert ConsentRecord.objects.latest("created_at").policy_version.number == 2


def test_a_policy_change_reaches_every_worker_at_once(client):
    choose(client, "accept_all")
    assert current_policy_version() == 1  # now in the shared cache
    PolicyVersion.objects.create(number=2, title_ar="سياسة", body_ar="<p>نص.</p>")
    assert current_policy_version() == 2
    assert banner_is_open(client.get("/").content.decode())


def test_the_policy_version_costs_one_query_per_minute_not_per_page(django_assert_num_queries):
    request = RequestFactory().get("/")
    with django_assert_num_queries(1):
        consent_state(request)
    with django_assert_num_queries(0):
        consent_state(RequestFactory().get("/"))


def test_pages_depend_on_a_handful_of_consent_variants_only():
    """What a page cache keys on: every reader falls into one of six variants per policy version, whatever their
    consent id or other cookies."""
    variants = set()
    for chosen, gpc, analytics, embeds in itertools.product([True, False], repeat=4):
        categories = frozenset(name for name, on in (("analytics", analytics), ("embeds", embeds)) if on)
        state = ConsentState(policy_version=3, chosen=chosen, categories=categories if chosen else frozenset(), gpc=gpc)
        variants.add(state.variant)
    assert variants == {"v3:ask", "v3:gpc", "v3:none", "v3:analytics", "v3:embeds", "v3:analytics+embeds"}


def test_two_readers_with_the_same_choice_get_the_same_page(client, article, django_user_model):
    from django.test import Client

    first, second = Client(), Client()
    choose(first, "save", embeds="on")
    choose(second, "save", embeds="on")
    second.cookies["_ga"] = "GA1.1.123"
    second.cookies["theme"] = "dark"
    assert (
        first.cookies[settings.NEWSROOM_CONSENT_ID_COOKIE].value
        != second.cookies[settings.NEWSROOM_CONSENT_ID_COOKIE].value
    )
    url = article.get_absolute_url()
    assert first.get(url).content == second.get(url).content


def test_a_forged_or_stale_choice_cookie_counts_as_no_choice(client):
    for value in ["0:none", "1:analytics+ads", "1:", "x", "9:analytics", format_choice(1, {"embeds"}) + "+"]:
        client.cookies[settings.NEWSROOM_CONSENT_COOKIE] = value
        assert banner_is_open(client.get("/").content.decode()), value


def test_the_footer_links_to_the_cookie_settings(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    assert re.search(r'<a href="/cookies/\?next=[^"]+" data-consent-open>إعدادات ملفات تعريف الارتباط</a>', html)
    page = client.get("/cookies/", {"next": article.get_absolute_url()})
    html = page.content.decode()
    assert page.status_code == 200 and "no-cache" in page["Cache-Control"]
    assert "لم تختر بعد" in html and f'value="{article.get_absolute_url()}"' in html
    assert not banner_is_open(html)  # the settings page is the banner's long form


def test_the_settings_page_shows_the_readers_consent_id(client):
    reader = choose(client, "reject_all").cookies[settings.NEWSROOM_CONSENT_ID_COOKIE].value
    html = client.get("/cookies/").content.decode()
    assert reader in html and "رفضت كل ملفات تعريف الارتباط الاختيارية." in html


def test_the_consent_cookie_lifetimes_stay_within_thirteen_months():
    assert settings.NEWSROOM_CONSENT_REASK_DAYS * 86400 <= THIRTEEN_MONTHS
    assert settings.NEWSROOM_CONSENT_ID_DAYS * 86400 <= THIRTEEN_MONTHS
    assert settings.NEWSROOM_CONSENT_REASK_DAYS <= 183  # the banner comes back after six months
