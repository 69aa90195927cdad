"""The nginx recipe of docs/production.md, run as shipped (docs/nginx/, only its addresses and paths changed) by
Debian's nginx in front of a live server: only a real staff session bypasses nginx's micro-cache. A bare, forged,
borrowed or expired pair of cookies is a reader's request, answered from nginx's copy without reaching the
application."""

import contextlib
import grp
import hashlib
import hmac
import http.client
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils.crypto import salted_hmac

from articles.models import Article
from core.staff import STAFF_COOKIE, staff_marker
from tests.factories import make_article, sign_in
from tests.processes import free_port, stop_group

pytestmark = pytest.mark.django_db(transaction=True)

RECIPE = Path(__file__).resolve().parent.parent / "docs" / "nginx"
JS_MODULE = Path("/usr/lib/nginx/modules/ngx_http_js_module.so")
HEADLINE = "عودة العبارات إلى الميادين"
CORRECTED = "عنوان صُحّح ولم يُنشر بعد"


def nginx_executable():
    executable = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")
    if not executable or not JS_MODULE.exists():
        message = (
            "Debian's nginx and its njs module are not installed (`make test` installs nginx and "
            "libnginx-mod-http-js when run as root)"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return executable


def site_config(*, listen, upstream, cache, key_file):
    """docs/nginx/newsroom.conf with this machine's addresses and paths: each replaced text must be there once, so
    the file tested is the file documented."""
    text = (RECIPE / "newsroom.conf").read_text()
    replacements = {
        "listen 443 ssl http2;": f"listen 127.0.0.1:{listen};",
        "    server 10.0.0.11:8001;\n    server 10.0.0.12:8001;\n": f"    server 127.0.0.1:{upstream};\n",
        "proxy_cache_path /var/cache/nginx/newsroom ": f'proxy_cache_path "{cache}" ',
        "include /etc/nginx/newsroom-staff-key.conf;": f'include "{key_file}";',
        "js_path /etc/nginx/njs/;": f'js_path "{RECIPE}/";',
        "js_var $newsroom_session_cookie_age 28800;": (
            f"js_var $newsroom_session_cookie_age {settings.SESSION_COOKIE_AGE};"
        ),
    }
    for shipped, here in replacements.items():
        assert text.count(shipped) == 1, f"docs/nginx/newsroom.conf no longer holds {shipped!r}"
        text = text.replace(shipped, here)
    return text


def main_config(folder, site):
    """What Debian's /etc/nginx/nginx.conf provides around a site, all of it inside `folder`."""
    # The master reads the configuration, the key and the module as root; workers run as nobody, as Debian's run
    # as www-data, and only need the cache and temporary folders, which the master creates for them.
    if os.geteuid() == 0:
        nobody = pwd.getpwnam("nobody")
        user = f"user {nobody.pw_name} {grp.getgrgid(nobody.pw_gid).gr_name};"
    else:
        user = ""
    temporary = "\n".join(
        f'    {kind}_temp_path "{folder / kind}";' for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""
daemon off;
worker_processes 1;
pid "{folder / "nginx.pid"}";
error_log "{folder / "error.log"}" notice;
{user}
load_module "{JS_MODULE}";
events {{ worker_connections 64; }}
http {{
    access_log "{folder / "access.log"}";
{temporary}
    include "{site}";
}}
"""


class MicroCache:
    """Debian's nginx running the recipe in a process of its own, on a free loopback port."""

    def __init__(self, executable, upstream, marker_key):
        self.folder = Path(tempfile.mkdtemp(prefix="newsroom-nginx-"))
        try:
            self._start(executable, upstream, marker_key)
        except BaseException:
            shutil.rmtree(self.folder, ignore_errors=True)
            raise

    def _start(self, executable, upstream, marker_key):
        self.folder.chmod(0o711)  # workers (nobody) reach their cache folder inside
        self.port = free_port()
        key_file = self.folder / "newsroom-staff-key.conf"
        key_file.write_text(f'js_var $newsroom_staff_marker_key "{marker_key}";\n')
        key_file.chmod(0o600)
        site = self.folder / "newsroom.conf"
        site.write_text(
            site_config(listen=self.port, upstream=upstream, cache=self.folder / "cache", key_file=key_file)
        )
        config = self.folder / "nginx.conf"
        config.write_text(main_config(self.folder, site))
        self.error_log = self.folder / "error.log"
        self.process = subprocess.Popen(
            [executable, "-p", f"{self.folder}/", "-c", str(config), "-e", str(self.error_log)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its workers in its own process group, to stop them all if it hangs
        )

    def wait_until_listening(self):
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"nginx exited with {self.process.returncode}:\n{self.log()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        pytest.fail(f"nginx did not listen on 127.0.0.1:{self.port} within 10 s:\n{self.log()}")

    def log(self):
        return self.error_log.read_text() if self.error_log.exists() else "(no error log)"

    def get(self, path, cookie=None):
        """Status, headers and text of a GET through nginx, as a browser sends it."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
            response = connection.getresponse()
            return response.status, response.headers, response.read().decode()
        finally:
            connection.close()

    def stop(self):
        stop_group(self.process, self.folder)


@pytest.fixture
def marker_key(settings):
    """A key of nginx's and the application's own, unlike SECRET_KEY, which nginx never sees."""
    settings.NEWSROOM_STAFF_MARKER_KEY = secrets.token_hex(32)
    return settings.NEWSROOM_STAFF_MARKER_KEY


@contextlib.contextmanager
def running_nginx(live_server, marker_key):
    micro_cache = MicroCache(nginx_executable(), urlsplit(live_server.url).port, marker_key)
    try:
        micro_cache.wait_until_listening()
        yield micro_cache
    finally:
        micro_cache.stop()


@pytest.fixture
def nginx(live_server, marker_key, privacy_policy):
    with running_nginx(live_server, marker_key) as micro_cache:
        yield micro_cache


@pytest.fixture
def article():
    return make_article(headline_ar=HEADLINE)


@pytest.fixture
def cached(nginx, article):
    """The article's address, in nginx's cache (a reader asked for it), and then corrected with no purge: whoever
    reaches the application again sees the correction, whoever is served nginx's copy does not."""
    url = article.get_absolute_url()
    status, headers, text = nginx.get(url)
    assert status == 200 and headers["X-Micro-Cache"] == "MISS" and HEADLINE in text, nginx.log()
    Article.objects.filter(pk=article.pk).update(headline_ar=CORRECTED)
    return url


def expiry_of(marker):
    """The `<expires>` of a marker `<expires>.<hmac>`."""
    return int(marker.partition(".")[0])


def in_an_hour():
    return int(time.time()) + 3600


def test_the_marker_is_keyed_as_nginx_checks_it(marker_key, settings):
    """`<expires>.<hmac>`: Django's salted_hmac under NEWSROOM_STAFF_MARKER_KEY, which is what
    docs/nginx/newsroom_staff.js computes: HMAC-SHA256 of `<session key>.<expires>`, keyed with sha256(salt + key).
    Not SECRET_KEY, which nginx does not hold."""
    session_key, expires = "k" * 32, 1_900_000_000
    derived = hashlib.sha256(b"newsroom.staff.marker" + marker_key.encode()).digest()
    signature = hmac.new(derived, f"{session_key}.{expires}".encode(), hashlib.sha256).hexdigest()
    assert staff_marker(session_key, expires) == f"{expires}.{signature}"
    unkeyed = salted_hmac("newsroom.staff.marker", f"{session_key}.{expires}", algorithm="sha256").hexdigest()
    assert staff_marker(session_key, expires) != f"{expires}.{unkeyed}"
    assert settings.SECRET_KEY != marker_key


def test_a_reader_is_served_nginxs_copy_the_second_time(nginx, article):
    url = article.get_absolute_url()
    status, headers, text = nginx.get(url)
    assert status == 200 and headers["X-Micro-Cache"] == "MISS" and headers["X-Page-Cache"] == "miss"
    assert HEADLINE in text
    status, headers, again = nginx.get(url)
    assert status == 200 and headers["X-Micro-Cache"] == "HIT" and again == text


@pytest.mark.parametrize(
    "cookie",
    [
        "sessionid=x",
        f"sessionid=x; {STAFF_COOKIE}=forged",
        f"sessionid=x; {STAFF_COOKIE}=" + "0" * 64,
        f"sessionid=x; {STAFF_COOKIE}=1900000000." + "0" * 64,
        "borrowed",  # a real marker, of another session
        "marker alone",
        "another key",  # the right shape, made with a key that is not nginx's
        "expired",  # correctly signed, a second ago
        "too far ahead",  # correctly signed, further ahead than any session cookie lasts
        "hmac alone",
        "leading zero",  # a second spelling of the signed time
    ],
    ids=[
        "bare session",
        "forged marker",
        "forged hex marker",
        "forged timed marker",
        "borrowed marker",
        "marker alone",
        "another key",
        "expired",
        "too far ahead",
        "hmac alone",
        "leading zero",
    ],
)
def test_cookies_without_a_real_staff_session_are_served_nginxs_copy(nginx, cached, cookie):
    if cookie == "borrowed":
        cookie = f"sessionid=x; {STAFF_COOKIE}={staff_marker('another-session', in_an_hour())}"
    elif cookie == "marker alone":
        cookie = f"{STAFF_COOKIE}={staff_marker('x', in_an_hour())}"
    elif cookie == "another key":
        expires = in_an_hour()
        forged = salted_hmac("newsroom.staff.marker", f"x.{expires}", secret="not nginx's key", algorithm="sha256")
        cookie = f"sessionid=x; {STAFF_COOKIE}={expires}.{forged.hexdigest()}"
    elif cookie == "expired":
        cookie = f"sessionid=x; {STAFF_COOKIE}={staff_marker('x', time.time() - 1)}"
    elif cookie == "too far ahead":
        cookie = f"sessionid=x; {STAFF_COOKIE}={staff_marker('x', time.time() + settings.SESSION_COOKIE_AGE + 3600)}"
    elif cookie == "hmac alone":
        cookie = f"sessionid=x; {STAFF_COOKIE}={staff_marker('x', in_an_hour()).partition('.')[2]}"
    elif cookie == "leading zero":
        cookie = f"sessionid=x; {STAFF_COOKIE}=0{staff_marker('x', in_an_hour())}"
    status, headers, text = nginx.get(cached, cookie=cookie)
    assert status == 200 and headers["X-Micro-Cache"] == "HIT", nginx.log()
    assert HEADLINE in text and CORRECTED not in text


def test_a_forged_pair_on_an_uncached_page_stores_the_readers_page(nginx, article):
    """nginx asks the application, which treats the forger as a reader too, and stores the page for everyone."""
    url = article.get_absolute_url()
    forged = f"sessionid={'k' * 32}; {STAFF_COOKIE}={staff_marker('another-session', in_an_hour())}"
    status, headers, text = nginx.get(url, cookie=forged)
    assert status == 200 and headers["X-Micro-Cache"] == "MISS" and headers["X-Page-Cache"] == "miss"
    assert "Set-Cookie" not in headers
    status, headers, reader = nginx.get(url)
    assert headers["X-Micro-Cache"] == "HIT" and reader == text


def test_a_real_staff_session_bypasses_nginx_and_gets_fresh_pages(nginx, cached, staff_cookies):
    """Staff see the correction at once, past both caches; what they see is stored by neither."""
    session_key, marker = staff_cookies
    # Among the other cookies a browser sends, in any order.
    cookie = f"{STAFF_COOKIE}={marker}; consent=3:none; sessionid={session_key}; csrftoken=abc"
    status, headers, text = nginx.get(cached, cookie=cookie)
    assert status == 200 and headers["X-Micro-Cache"] == "BYPASS", nginx.log()
    assert headers["X-Page-Cache"] == "bypass" and CORRECTED in text
    status, headers, reader = nginx.get(cached)
    assert headers["X-Micro-Cache"] == "HIT" and HEADLINE in reader and CORRECTED not in reader


def test_a_staff_session_with_a_tampered_marker_is_a_readers(nginx, cached, staff_cookies):
    session_key, marker = staff_cookies
    tampered = marker[:-1] + ("1" if marker[-1] == "0" else "0")
    status, headers, text = nginx.get(cached, cookie=f"sessionid={session_key}; {STAFF_COOKIE}={tampered}")
    assert status == 200 and headers["X-Micro-Cache"] == "HIT" and CORRECTED not in text


def test_nginx_with_another_key_never_stores_what_staff_are_shown(live_server, privacy_policy, article, staff_cookies):
    """With a key that is not the application's, editors are readers for nginx (they read the readers' copy), but a
    page the application draws for them, knowing them, is not stored for readers."""
    session_key, marker = staff_cookies
    with running_nginx(live_server, secrets.token_hex(32)) as nginx:
        url = article.get_absolute_url()
        status, headers, _ = nginx.get(url, cookie=f"sessionid={session_key}; {STAFF_COOKIE}={marker}")
        assert status == 200 and headers["X-Micro-Cache"] == "MISS" and headers["X-Page-Cache"] == "bypass"
        status, headers, _ = nginx.get(url)
        assert status == 200 and headers["X-Micro-Cache"] == "MISS" and headers["X-Page-Cache"] == "miss"


def test_nginx_checks_the_time_as_the_application_signs_it(nginx, cached, staff_cookies):
    """A marker the application would make for this session, for any time still ahead, bypasses nginx: both sides
    sign `<session key>.<expires>` alike."""
    session_key, _ = staff_cookies
    marker = staff_marker(session_key, time.time() + settings.SESSION_COOKIE_AGE)
    status, headers, text = nginx.get(cached, cookie=f"sessionid={session_key}; {STAFF_COOKIE}={marker}")
    assert status == 200 and headers["X-Micro-Cache"] == "BYPASS", nginx.log()
    assert CORRECTED in text


def test_a_correctly_signed_marker_whose_time_has_passed_is_a_readers(nginx, cached, staff_cookies):
    """The real session's key, signed with the right key, but a time gone by: nginx's copy."""
    session_key, _ = staff_cookies
    for expires in (time.time() - 1, 1):
        marker = staff_marker(session_key, expires)
        status, headers, text = nginx.get(cached, cookie=f"sessionid={session_key}; {STAFF_COOKIE}={marker}")
        assert status == 200 and headers["X-Micro-Cache"] == "HIT", nginx.log()
        assert HEADLINE in text and CORRECTED not in text


@pytest.mark.parametrize("change", [1, 3600, -60])
def test_a_staff_marker_whose_time_was_changed_is_a_readers(nginx, cached, staff_cookies, change):
    """The hmac kept, the time moved (to stretch the marker's life, or otherwise): it no longer matches."""
    session_key, marker = staff_cookies
    tampered = f"{expiry_of(marker) + change}.{marker.partition('.')[2]}"
    status, headers, text = nginx.get(cached, cookie=f"sessionid={session_key}; {STAFF_COOKIE}={tampered}")
    assert status == 200 and headers["X-Micro-Cache"] == "HIT" and CORRECTED not in text, nginx.log()


def test_a_real_staff_pair_is_a_readers_once_its_session_cookie_has_expired(
    live_server, privacy_policy, article, marker_key, settings
):
    """A pair kept after its session ended (a logout, a deleted session, former staff) bypasses nginx no longer
    than the session cookie would have lasted. nginx's own clock decides, so the session here lasts seconds."""
    settings.SESSION_COOKIE_AGE = 3
    with running_nginx(live_server, marker_key) as nginx:
        url = article.get_absolute_url()
        assert nginx.get(url)[1]["X-Micro-Cache"] == "MISS"
        editor = get_user_model().objects.create_user("hala", "hala@example.org", "a passphrase", is_staff=True)
        client = Client()
        sign_in(client, editor)
        client.get("/admin/")
        marker = client.cookies[STAFF_COOKIE].value
        cookie = f"sessionid={client.cookies['sessionid'].value}; {STAFF_COOKIE}={marker}"
        client.post("/admin/logout/")
        assert nginx.get(url, cookie=cookie)[1]["X-Micro-Cache"] == "BYPASS", nginx.log()
        while time.time() <= expiry_of(marker) + 0.1:
            time.sleep(0.1)
        status, headers, text = nginx.get(url, cookie=cookie)
        assert status == 200 and headers["X-Micro-Cache"] == "HIT" and HEADLINE in text, nginx.log()
