"""`make run` serves the site as readers get it: the local settings it writes (Makefile, ENV_FILE) turn debug off, so
a missing page is the site's Arabic 404 and static files are hashed and compressed; photos are still served on the
developer's machine; and DJANGO_DEBUG=1 in the environment still switches Django's debug pages on for a run.

The settings are the project's own (newsroom.settings, not the suite's), read from a file the Makefile's recipe
writes, with a database, static and media folders of the test's own."""

import os
import re
import subprocess
import sys
import urllib.request

import pytest

from tests.processes import BASE_DIR, free_port, get, manage, stop_group, wait_for

# Not inherited from the environment the tests run in: what the file the Makefile writes says (every key in it),
# and what would send the site elsewhere.
LEFT_TO_THE_FILE = {"DJANGO_SETTINGS_MODULE", "REDIS_URL", "DATABASE_URL"}


@pytest.fixture(scope="module")
def local_env_file(tmp_path_factory):
    folder = tmp_path_factory.mktemp("local-run")
    target = folder / "local.env"
    subprocess.run(["make", "-s", f"ENV_FILE={target}", str(target)], cwd=BASE_DIR, check=True, capture_output=True)
    return target


@pytest.fixture(scope="module")
def local_site(local_env_file):
    """The environment `make run` gives manage.py: the written file, a database, static and media of the test's."""
    folder = local_env_file.parent
    (folder / "media").mkdir()
    (folder / "media" / "note.txt").write_text("a photo would be here\n")
    written = {line.split("=", 1)[0] for line in local_env_file.read_text().splitlines() if "=" in line}
    variables = {key: value for key, value in os.environ.items() if key not in LEFT_TO_THE_FILE | written}
    variables.update({
        "DJANGO_SETTINGS_MODULE": "newsroom.settings", "DJANGO_ENV_FILE": str(local_env_file),
        "DATABASE_URL": f"sqlite:///{folder / 'local.sqlite3'}", "DJANGO_STATIC_ROOT": str(folder / "static"),
        "DJANGO_MEDIA_ROOT": str(folder / "media"),
    })  # fmt: skip
    manage(variables, "migrate", "--noinput", "-v0", timeout=300)
    manage(variables, "collectstatic", "--noinput", "-v0", timeout=300)
    return variables


def serve(variables, folder):
    """The development server as Procfile.dev starts it; its address, and the process to stop."""
    port = free_port()
    log = open(folder / f"runserver-{port}.log", "w")  # closed with the process (serve()'s callers)
    process = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"], cwd=BASE_DIR, env=variables,
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    address = f"http://127.0.0.1:{port}"
    wait_for(lambda: get(f"{address}/healthz")[0] == 200 or process.poll() is not None, 60, "the development server")
    assert process.poll() is None, (folder / f"runserver-{port}.log").read_text()
    return address, process, log


@pytest.fixture(scope="module")
def served(local_site, local_env_file):
    address, process, log = serve(local_site, local_env_file.parent)
    yield address
    stop_group(process)
    log.close()


def test_the_written_settings_are_local_and_turn_debug_off(local_env_file):
    lines = local_env_file.read_text().splitlines()
    written = dict(line.split("=", 1) for line in lines if "=" in line and not line.startswith("#"))
    assert written["DJANGO_DEBUG"] == "0"
    assert written["DJANGO_ALLOWED_HOSTS"] == "127.0.0.1,localhost"
    assert written["DJANGO_HTTPS"] == "0"
    assert len(written["DJANGO_SECRET_KEY"]) >= 50


def test_a_missing_page_is_the_sites_arabic_404(served):
    status, _headers, body = get(f"{served}/no-such-page/")
    assert status == 404
    assert '<html lang="ar" dir="rtl"' in body and "الصفحة غير موجودة" in body
    assert "Traceback" not in body and "DEBUG = True" not in body


def test_static_files_are_hashed_and_served_compressed(served):
    _status, _headers, home = get(f"{served}/")
    stylesheet = re.search(r'<link rel="stylesheet" href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', home)
    assert stylesheet, "the page's stylesheet has no hashed name"
    for encoding in ("br", "gzip"):
        request = urllib.request.Request(served + stylesheet.group(1), headers={"Accept-Encoding": encoding})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.headers["Content-Encoding"] == encoding
            assert "immutable" in response.headers["Cache-Control"]


def test_photos_are_served_on_the_developers_machine(served):
    status, _headers, body = get(f"{served}/media/note.txt")
    assert (status, body) == (200, "a photo would be here\n")


def test_debug_can_still_be_switched_on_for_a_run(local_site, local_env_file):
    """The environment wins over the file: DJANGO_DEBUG=1 make run shows Django's debug 404."""
    address, process, log = serve({**local_site, "DJANGO_DEBUG": "1"}, local_env_file.parent)
    try:
        status, _headers, body = get(f"{address}/no-such-page/")
    finally:
        stop_group(process)
        log.close()
    assert status == 404 and "DEBUG = True" in body
