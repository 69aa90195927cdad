"""The Varnish recipe of docs/production.md ("Varnish in front, purged by tag"), run as documented (only the
backends' and the ACL's addresses changed) by Debian's varnishd with vmod_xkey, in front of a live server: pages stay
in Varnish until what they show changes; a change made the way the desk makes it (through the services) leaves
Varnish within a second, while the pages that do not show it are still Varnish's copies."""

import http.client
import os
import re
import shutil
import subprocess
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.utils import timezone

from articles.models import Article
from articles.services.articles import article_publish, article_save
from comments.models import Comment
from comments.services import comments as comment_services
from core.staff import STAFF_COOKIE, staff_marker
from tests.factories import make_article, make_section, make_staff, run_jobs
from tests.processes import free_port, stop_group

pytestmark = pytest.mark.django_db(transaction=True)

PRODUCTION = Path(__file__).resolve().parent.parent / "docs" / "production.md"
SECTION = "## Varnish in front, purged by tag"
XKEY_MODULE = "libvmod_xkey.so"


def varnishd_executable():
    executable = shutil.which("varnishd") or shutil.which("varnishd", path="/usr/sbin:/usr/local/sbin")
    has_xkey = any(Path("/usr/lib").glob(f"*/varnish/vmods/{XKEY_MODULE}")) or any(
        Path("/usr/lib").glob(f"varnish/vmods/{XKEY_MODULE}")
    )
    if not executable or not has_xkey:
        message = "Debian's varnish and varnish-modules are not installed (`make test` installs them when run as root)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return executable


def recipe_vcl():
    """The one VCL block of docs/production.md's Varnish section."""
    text = PRODUCTION.read_text()
    section = text[text.index(SECTION) :]
    section = section[: section.index("\n## ", len(SECTION))]
    blocks = re.findall(r"```vcl\n(.*?)```", section, re.S)
    assert len(blocks) == 1, "docs/production.md's Varnish section should hold exactly one VCL block"
    return blocks[0]


def vcl_for(upstream, purger):
    """The documented VCL with this machine's addresses: each replaced text must be there once, so the VCL tested
    is the VCL documented."""
    text = recipe_vcl()
    replacements = {'    "10.0.0.11";\n    "10.0.0.12";\n': f'    "{purger}";\n'}
    for name, shipped in (("app1", "10.0.0.11"), ("app2", "10.0.0.12")):
        backend = f"backend {name} {{ .host = "
        replacements[f'{backend}"{shipped}"; .port = "8001";'] = f'{backend}"127.0.0.1"; .port = "{upstream}";'
    for shipped, here in replacements.items():
        assert text.count(shipped) == 1, f"docs/production.md's VCL no longer holds {shipped!r}"
        text = text.replace(shipped, here)
    return text


class Varnish:
    """Debian's varnishd running the recipe in a process of its own, on a free loopback port."""

    def __init__(self, upstream, purger="127.0.0.1"):
        self.folder = Path(tempfile.mkdtemp(prefix="newsroom-varnish-"))
        self.port = free_port()
        vcl = self.folder / "newsroom.vcl"
        vcl.write_text(vcl_for(upstream, purger))
        self.log_file = self.folder / "varnishd.log"
        with self.log_file.open("w") as log:
            self.process = subprocess.Popen(
                # -F: in the foreground, as the test's child; -j none: as this user; -T none: no admin port.
                [
                    *(varnishd_executable(), "-F", "-j", "none", "-T", "none", "-n", str(self.folder / "work")),
                    *("-a", f"127.0.0.1:{self.port}", "-f", str(vcl), "-s", "malloc,64m"),
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its child process in its own group, to stop them together
            )
        try:
            self._wait_until_listening()
        except BaseException:
            self.stop()
            raise

    def _wait_until_listening(self):
        deadline = time.monotonic() + 30  # the VCL is compiled to C first
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"varnishd exited with {self.process.returncode}:\n{self.log()}")
            try:
                status, _headers, _text = self.request("GET", "/healthz")
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        pytest.fail(f"varnishd did not answer on 127.0.0.1:{self.port} within 30 s:\n{self.log()}")

    def log(self):
        return self.log_file.read_text() if self.log_file.exists() else "(no log)"

    def request(self, method, path, headers=None, source="127.0.0.1"):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10, source_address=(source, 0))
        try:
            connection.request(method, path, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.headers, response.read().decode()
        finally:
            connection.close()

    def get(self, path, cookie=None, **headers):
        """Status, headers and text of a reader's GET through Varnish."""
        if cookie:
            headers["Cookie"] = cookie
        return self.request("GET", path, headers)

    def warm(self, *paths):
        """Each page drawn once, then answered by Varnish."""
        for path in paths:
            self.get(path)
            status, headers, _ = self.get(path)
            assert status == 200 and headers["X-Cache"] == "HIT", f"{path}: {status} {headers['X-Cache']}"

    def stop(self):
        stop_group(self.process, self.folder)


@pytest.fixture
def varnish(live_server, privacy_policy, editorial_groups, settings):
    """Varnish in front of the live server, and the application told to purge it."""
    front = Varnish(urlsplit(live_server.url).port)
    settings.NEWSROOM_HTTP_CACHE = {
        "BACKEND": "core.httpcache.VarnishXkey",
        "LOCATIONS": [f"http://127.0.0.1:{front.port}"],
        "OPTIONS": {"timeout": 2},
    }
    try:
        yield front
    finally:
        front.stop()


def until(predicate, seconds):
    """How long it took `predicate()` to hold (None if it did not within `seconds`)."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if predicate():
            return time.monotonic() - started
        time.sleep(0.01)
    return None


def test_a_readers_pages_are_varnishs_copies_with_their_tags_kept_to_varnish(varnish):
    article = make_article(headline_ar="عودة العبّارات إلى الميادين")
    url = article.get_absolute_url()
    status, headers, text = varnish.get(url)
    assert status == 200 and headers["X-Cache"] == "MISS" and headers["X-Page-Cache"] == "miss", varnish.log()
    assert "عودة العبّارات" in text
    # Varnish read its tags; readers are not shown them (a CDN in front still gets Surrogate-Key and Cache-Tag).
    assert "xkey" not in headers and f"article-{article.pk}" in headers["Surrogate-Key"].split()
    # Cookies a page does not depend on, and parameters that only say where a reader came from, share the copy.
    for path, cookie in [
        (url, None),
        (url, "csrftoken=abc; sessionid=x; consent_id=" + "0" * 32),
        (f"{url}?utm_source=facebook&fbclid=IwAR0", None),
        (f"{url}?gclid=1", "consent=junk"),
    ]:
        status, headers, again = varnish.get(path, cookie)
        assert status == 200 and headers["X-Cache"] == "HIT" and again == text, (path, cookie)
    # A parameter that changes the page does not.
    assert varnish.get(f"{url}?page=2")[1]["X-Cache"] == "MISS"


def test_consent_variants_are_kept_apart(varnish, privacy_policy):
    """The banner's variants are separate copies, as in the application's page cache: a reader who chose is never
    served the banner drawn for one who has not, nor the reverse."""
    make_article()
    chose = f"consent={privacy_policy.number}:none"
    _, first, undecided = varnish.get("/")
    _, second, decided = varnish.get("/", chose)
    assert first["X-Cache"] == second["X-Cache"] == "MISS" and undecided != decided
    _, gpc_first, gpc_page = varnish.get("/", **{"Sec-GPC": "1"})
    assert gpc_first["X-Cache"] == "MISS"
    for cookie, headers, expected in [(None, {}, undecided), (chose, {}, decided), (None, {"Sec-GPC": "1"}, gpc_page)]:
        _, served, text = varnish.get("/", cookie, **headers)
        assert served["X-Cache"] == "HIT" and text == expected, (cookie, headers)


def test_a_publish_leaves_varnish_within_a_second_and_other_pages_stay_cached(varnish):
    editor = make_staff("varnish-editor", "editor")
    politics, economy = make_section(name_ar="سياسة"), make_section(name_ar="اقتصاد")
    older = make_article(headline_ar="انقطاع الجسر الوحيد", section=politics)
    other = make_article(headline_ar="أسعار الوقود في السوق", section=economy)
    draft = make_article(headline_ar="الجسر يعود إلى الخدمة", section=politics, status=Article.Status.DRAFT)
    changing = ["/", politics.get_absolute_url(), older.get_absolute_url()]  # the last shows it as related
    unrelated = [economy.get_absolute_url(), other.get_absolute_url()]
    varnish.warm(*changing, *unrelated)
    before = {path: varnish.get(path)[2] for path in unrelated}

    started = time.monotonic()
    article_publish(article=draft, by=editor)
    shown = until(lambda: "الجسر يعود إلى الخدمة" in varnish.get("/")[2], seconds=5)
    assert shown is not None and time.monotonic() - started < 1, f"home page refreshed after {shown} s"
    for path in changing:
        _, headers, text = varnish.get(path)
        assert "الجسر يعود إلى الخدمة" in text, path
    for path in unrelated:
        _, headers, text = varnish.get(path)
        assert headers["X-Cache"] == "HIT" and text == before[path], path


def test_approving_a_comment_refreshes_that_article_in_varnish_not_the_front_page(varnish):
    moderator = make_staff("varnish-moderator", "moderator")
    article, neighbour = make_article(), make_article()
    varnish.warm("/", article.get_absolute_url(), neighbour.get_absolute_url())
    comment = comment_services.comment_submit(article=article, name="سلمى", email="s@example.org", body="شكراً للتغطية")
    assert varnish.get(article.get_absolute_url())[1]["X-Cache"] == "HIT"  # pending: nothing shows it yet
    started = time.monotonic()
    comment_services.comments_approve(comments=Comment.objects.filter(pk=comment.pk), by=moderator)
    assert "شكراً للتغطية" in varnish.get(article.get_absolute_url())[2]
    assert time.monotonic() - started < 1
    for path in ("/", neighbour.get_absolute_url()):
        assert varnish.get(path)[1]["X-Cache"] == "HIT", path


def test_a_purge_missed_at_the_commit_is_made_again_from_the_job_queue(varnish, settings):
    """Varnish out of the application's reach when the change commits (here its address refuses connections, as a
    network partition or a firewall would): the purge at the commit fails, readers still get Varnish's old copy,
    and the job enqueued with the change purges it once Varnish can be reached."""
    settings.NEWSROOM_HTTP_CACHE_REPEAT_SECONDS = 0
    editor = make_staff("varnish-editor", "editor")
    article = make_article(headline_ar="عنوان قبل التصحيح")
    url = article.get_absolute_url()
    varnish.warm(url)
    reachable = settings.NEWSROOM_HTTP_CACHE["LOCATIONS"]
    settings.NEWSROOM_HTTP_CACHE["LOCATIONS"] = [f"http://127.0.0.1:{free_port()}"]
    article.headline_ar = "عنوان بعد التصحيح"
    article_save(article=article, by=editor, loaded_version=article.version)
    _, headers, text = varnish.get(url)
    assert headers["X-Cache"] == "HIT" and "عنوان قبل التصحيح" in text
    settings.NEWSROOM_HTTP_CACHE["LOCATIONS"] = reachable
    assert run_jobs() >= 1
    _, headers, text = varnish.get(url)
    assert headers["X-Cache"] == "MISS" and "عنوان بعد التصحيح" in text


def test_a_scheduled_article_reaches_varnish_when_publish_scheduled_runs(varnish):
    """No reader's request reaches the application while Varnish has every page, so the application cannot purge
    what came due on a request: the minute's publish_scheduled does it."""
    editor = make_staff("varnish-editor", "editor")
    story = make_article(headline_ar="نبأ مجدول للنشر", status=Article.Status.DRAFT)
    due = timezone.now() + timedelta(seconds=1.5)
    article_publish(article=story, by=editor, at=due)
    varnish.warm("/")
    assert "نبأ مجدول للنشر" not in varnish.get("/")[2]
    time.sleep(max(0, (due - timezone.now()).total_seconds()) + 0.1)
    _, headers, text = varnish.get("/")
    assert headers["X-Cache"] == "HIT" and "نبأ مجدول للنشر" not in text  # Varnish had no reason to ask
    call_command("publish_scheduled", stdout=open(os.devnull, "w"))
    _, headers, text = varnish.get("/")
    assert headers["X-Cache"] == "MISS" and "نبأ مجدول للنشر" in text


def test_staff_sessions_pass_and_a_forged_pair_is_answered_as_a_reader(varnish, staff_cookies):
    article = make_article(headline_ar="عنوان منشور")
    url = article.get_absolute_url()
    varnish.warm(url)
    Article.objects.filter(pk=article.pk).update(headline_ar="عنوان صُحّح ولم يُنشر بعد")  # no purge
    session_key, marker = staff_cookies
    _, headers, text = varnish.get(url, f"consent=1:none; sessionid={session_key}; {STAFF_COOKIE}={marker}")
    assert headers["X-Cache"] == "PASS" and headers["X-Page-Cache"] == "bypass" and "صُحّح" in text
    forged = f"sessionid={'k' * 32}; {STAFF_COOKIE}={staff_marker('another-session', int(time.time()) + 3600)}"
    _, headers, text = varnish.get(url, forged)
    # Past Varnish, which cannot check the marker, to the application, which takes it for a reader's.
    assert headers["X-Cache"] == "PASS" and headers["X-Page-Cache"] == "hit" and "صُحّح" not in text
    _, headers, text = varnish.get(url)
    assert headers["X-Cache"] == "HIT" and "صُحّح" not in text


def test_only_the_listed_addresses_may_purge(live_server, privacy_policy):
    """The ACL lists 127.0.0.1 here; a request from 127.0.0.2 is refused and purges nothing."""
    front = Varnish(urlsplit(live_server.url).port, purger="127.0.0.1")
    try:
        article = make_article()
        url = article.get_absolute_url()
        front.warm(url)
        status, _, _ = front.request("PURGE", "/", {"xkey-purge": "site"}, source="127.0.0.2")
        assert status == 403 and front.get(url)[1]["X-Cache"] == "HIT"
        status, _, text = front.request("PURGE", "/", {"xkey-purge": f"article-{article.pk} nothing-else"})
        assert status == 200 and "Purged 1 objects" in text
        assert front.get(url)[1]["X-Cache"] == "MISS"
    finally:
        front.stop()


def test_one_varnish_down_does_not_leave_the_others_stale(varnish, settings):
    """Two caches in front, the first unreachable: the second is purged all the same (the failure is logged, and
    the job tries the first again)."""
    editor = make_staff("varnish-editor", "editor")
    article = make_article(headline_ar="عنوان قبل التصحيح")
    url = article.get_absolute_url()
    varnish.warm(url)
    settings.NEWSROOM_HTTP_CACHE["LOCATIONS"] = [
        f"http://127.0.0.1:{free_port()}",
        *settings.NEWSROOM_HTTP_CACHE["LOCATIONS"],
    ]
    article.headline_ar = "عنوان بعد التصحيح"
    article_save(article=article, by=editor, loaded_version=article.version)
    _, headers, text = varnish.get(url)
    assert headers["X-Cache"] == "MISS" and "عنوان بعد التصحيح" in text
