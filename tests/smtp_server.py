"""Mail servers of the suite's own on loopback: a real SMTP server (aiosmtpd) a test can stop and start again on the
same port, and one that accepts connections and never answers (a hanging mail server)."""

import contextlib
import email
import socket
import threading

from aiosmtpd.controller import Controller

from tests.processes import free_port


class _Collector:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


class SMTPServer:
    """An SMTP server on 127.0.0.1:`port` keeping what it receives in `messages` (email.message.Message)."""

    def __init__(self):
        self.port = free_port()
        self._collector = _Collector()
        self._controller = None

    @property
    def messages(self):
        return self._collector.messages

    def start(self):
        self._controller = Controller(self._collector, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self):
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def settings(self):
        """The Django settings that send mail here."""
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": self.port,
            "EMAIL_USE_TLS": False,
            "EMAIL_USE_SSL": False,
            "EMAIL_HOST_USER": "",
            "EMAIL_HOST_PASSWORD": "",
        }


@contextlib.contextmanager
def smtp_server():
    server = SMTPServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


class _Silent:
    def __init__(self, port, accepted):
        self.port = port
        self._accepted = accepted

    def connections(self):
        """How many connections it has accepted so far."""
        return len(self._accepted)


@contextlib.contextmanager
def silent_server():
    """A port that accepts connections and then says nothing, as a mail server that hangs does. Yields an object
    with its `port` and the number of `connections()` accepted."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    accepted = []
    stopping = threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stopping.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue
            except OSError:
                return

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield _Silent(listener.getsockname()[1], accepted)
    finally:
        stopping.set()
        thread.join(timeout=2)
        for connection in accepted:
            connection.close()
        listener.close()
