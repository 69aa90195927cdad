"""
What the cookie banner costs a page cache, in process: 2,000 simulated readers (a random mix of first visitors,
Global Privacy Control, every combination of choices, stale policy versions, random consent ids and random
unrelated cookies such as `_ga` or `theme`) ask for the same article page. It counts the distinct pages they get
(what a cache keyed on ConsentState.variant must hold) and checks that all readers of one variant get the very same
page; it counts Set-Cookie and Vary: Cookie on those
GETs (both must be 0); and it times the consent lookup and the article page with and without a choice.

Uses a scratch SQLite database; the page cache itself comes with issue 7.

Run: make bench-consent   (or: .venv/bin/python bench/consent.py --readers 2000)
"""

import argparse
import hashlib
import json
import os
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


TIMESTAMP = re.compile(rb'name="token" value="[^"]*"')


def median_ms(samples):
    return round(statistics.median(samples) * 1000, 3)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--readers", type=int, default=2000)
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client, RequestFactory

    from articles.models import Article, Section
    from consent.state import consent_state, current_policy_version

    call_command("migrate", verbosity=0)
    section = Section.objects.create(name_ar="تقارير", slug="reports")
    article = Article.objects.create(
        headline_ar="قوارب الصيد تعود إلى الفرات",
        body_ar="<p>عاد الصيادون.</p><p>https://www.youtube.com/watch?v=dQw4w9WgXcQ</p>"
        + "<p>فقرة من التقرير.</p>" * 30,
        section=section,
        status=Article.Status.PUBLISHED,
        published_at=django.utils.timezone.now(),
    )
    url = article.get_absolute_url()
    version = current_policy_version()
    rng = random.Random(7)  # noqa: S311 - a repeatable simulation, not a secret
    choices = [f"{version}:none", f"{version}:analytics", f"{version}:embeds", f"{version}:analytics+embeds"]

    pages, variants, set_cookies, vary_cookie = {}, {}, 0, 0
    for _ in range(args.readers):
        client = Client()
        kind = rng.random()
        if kind > 0.3:
            client.cookies[settings.NEWSROOM_CONSENT_COOKIE] = rng.choice(choices)
        elif kind > 0.25:
            client.cookies[settings.NEWSROOM_CONSENT_COOKIE] = f"{version + 7}:analytics+embeds"  # stale policy
        if rng.random() > 0.5:
            client.cookies[settings.NEWSROOM_CONSENT_ID_COOKIE] = "".join(rng.choices("0123456789abcdef", k=32))
        for name in rng.sample(["_ga", "theme", "csrftoken", "ab_test", "_pk_id.1.ab12"], k=rng.randint(0, 3)):
            # A CSRF cookie as comments.js leaves it (Django replaces a malformed one, with a Set-Cookie).
            client.cookies[name] = "".join(rng.choices("abcdefghijkLMNOPQ0123456789", k=32))
        headers = {"Sec-GPC": "1"} if rng.random() < 0.1 else {}
        response = client.get(url, headers=headers)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        # The comment form's signed timestamp changes each second, for every reader alike: left out of the comparison.
        digest = hashlib.sha256(TIMESTAMP.sub(b"", response.content)).hexdigest()
        request = RequestFactory().get(url, headers=headers)
        request.COOKIES = {name: morsel.value for name, morsel in client.cookies.items()}
        variant = consent_state(request).variant
        pages.setdefault(digest, set()).add(variant)
        variants.setdefault(variant, set()).add(digest)
        set_cookies += len(response.cookies)
        vary_cookie += "cookie" in response.get("Vary", "").lower()

    if any(len(pages_of_variant) != 1 for pages_of_variant in variants.values()):
        raise SystemExit("readers of one consent variant got different pages")

    timings = {}
    samples = []
    for _ in range(2000):
        request = RequestFactory().get(url)
        started = time.perf_counter()
        consent_state(request)
        samples.append(time.perf_counter() - started)
    timings["consent_state_warm_ms"] = median_ms(samples)
    for label, cookie in (("first_visit", None), ("chosen_all", f"{version}:analytics+embeds")):
        client = Client()
        if cookie:
            client.cookies[settings.NEWSROOM_CONSENT_COOKIE] = cookie
        client.get(url)
        samples = []
        for _ in range(300):
            started = time.perf_counter()
            client.get(url)
            samples.append(time.perf_counter() - started)
        timings[f"article_page_{label}_ms"] = median_ms(samples)

    result = {
        "readers": args.readers,
        "distinct_pages": len(pages),
        "variants": sorted(variants),
        "set_cookie_headers_on_gets": set_cookies,
        "vary_cookie_on_gets": vary_cookie,
        **timings,
        "python": sys.version.split()[0],
        "django": django.get_version(),
    }
    print(json.dumps(result, indent=2, ensure_ascii=False))
    output = ROOT / "bench" / "results" / "consent.json"
    output.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
