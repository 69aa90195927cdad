"""A Redis server of the suite's own, on a free loopback port, for the tests that need a real one: the suite never
writes to (let alone empties) a Redis it did not start."""

import contextlib
import shutil
import subprocess
import time

import redis

from tests.processes import free_port

STARTUP_SECONDS = 10


@contextlib.contextmanager
def redis_server(directory):
    """Run `redis-server` on 127.0.0.1 with nothing persisted (its files, if any, in `directory`) and yield its URL
    once it answers PING; stop it on the way out."""
    executable = shutil.which("redis-server")
    if executable is None:
        raise RuntimeError(
            "redis-server is not installed: the tests that need a real Redis start one of their own. "
            "Install it with `apt-get install redis-server` (.ci/system-packages does, as root)."
        )
    # Another process may take the port between the probe and the bind: try a few.
    for _ in range(3):
        port = free_port()
        log = directory / f"redis-{port}.log"
        with log.open("wb") as output:
            process = subprocess.Popen(
                [executable, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no",
                 "--dir", str(directory), "--daemonize", "no"],
                stdout=output, stderr=subprocess.STDOUT,
            )  # fmt: skip
        client = redis.Redis(host="127.0.0.1", port=port, socket_connect_timeout=0.2, socket_timeout=0.5)
        deadline = time.monotonic() + STARTUP_SECONDS
        while process.poll() is None and time.monotonic() < deadline:
            with contextlib.suppress(redis.ConnectionError, redis.TimeoutError):
                if client.ping():
                    break
            time.sleep(0.05)
        else:
            _stop(process)
            if "Address already in use" in log.read_text(errors="replace"):
                continue
            raise RuntimeError(f"redis-server did not answer on port {port}:\n{log.read_text(errors='replace')}")
        client.close()
        try:
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            _stop(process)
        return
    raise RuntimeError("redis-server found no free port on 127.0.0.1.")


def _stop(process):
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def delete_prefix(url, prefix):
    """Delete the keys a test's cache wrote under its own KEY_PREFIX (Django stores `<prefix>:<version>:<key>`),
    and nothing else: SCAN and DEL, never FLUSHDB."""
    client = redis.Redis.from_url(url)
    try:
        keys = list(client.scan_iter(match=f"{prefix}:*", count=500))
        if keys:
            client.delete(*keys)
    finally:
        client.close()
