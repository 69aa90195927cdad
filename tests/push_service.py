"""A Web Push service of the suite's own on loopback, and browsers' subscriptions to it: it takes the site's POSTs
as a real push service does, checks their VAPID signature (RFC 8292) and decrypts their payload (RFC 8291's
aes128gcm, RFC 8188) with the private key of the subscribing "browser", which only the test holds."""

import base64
import contextlib
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Browser:
    """A browser's side of a subscription: its P-256 key pair and authentication secret."""

    key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    auth: bytes = field(default_factory=lambda: secrets.token_bytes(16))

    @property
    def p256dh(self) -> str:
        return b64url(
            self.key.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        )

    def keys(self):
        return {"p256dh": self.p256dh, "auth": b64url(self.auth)}


@dataclass
class Received:
    path: str
    headers: object  # email.message.Message: case-insensitive, as HTTP headers are
    payload: dict  # decrypted and parsed
    claims: dict  # the VAPID JWT's


class PushService:
    """An HTTP server on 127.0.0.1 (a free port). `subscribe()` gives a browser an endpoint here; `answers[path]`
    is a list of statuses to answer a path's next POSTs with (201 once it is empty). A POST whose signature or
    encryption does not verify is answered 400 and kept in `rejected` with the reason."""

    def __init__(self, vapid_public_key: str):
        self.vapid_public_key = vapid_public_key
        self.browsers: dict[str, Browser] = {}
        self.answers: dict[str, list[int]] = {}
        self.received: list[Received] = []
        self.rejected: list[str] = []
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                status = service._take(self.path, self.headers, body)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def subscribe(self, name=None):
        """A new browser subscribed here: (endpoint, its keys as PushSubscription.toJSON() gives them, browser)."""
        path = f"/push/{name or secrets.token_urlsafe(12)}"
        browser = self.browsers[path] = Browser()
        return f"{self.origin}{path}", browser.keys(), browser

    def _claims(self, headers):
        scheme, _, credentials = headers.get("Authorization", "").partition(" ")
        parts = dict(part.strip().split("=", 1) for part in credentials.split(","))
        if scheme != "vapid" or parts.get("k") != self.vapid_public_key:
            raise ValueError("not signed with the site's VAPID key")
        header, payload, signature = parts["t"].split(".")
        raw = unb64url(signature)
        public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(parts["k"]))
        der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
        public.verify(der, f"{header}.{payload}".encode(), ec.ECDSA(hashes.SHA256()))
        claims = json.loads(unb64url(payload))
        if claims["aud"] != self.origin or claims["exp"] < time.time() or claims["exp"] > time.time() + 86400:
            raise ValueError(f"bad claims {claims}")
        return claims

    def _take(self, path, headers, body):
        browser = self.browsers.get(path)
        if browser is None:
            return 404
        planned = self.answers.get(path)
        if planned:
            return planned.pop(0)
        try:
            claims = self._claims(headers)
            if headers.get("Content-Encoding") != "aes128gcm":
                raise ValueError("not aes128gcm")
            plain = http_ece.decrypt(body, private_key=browser.key, auth_secret=browser.auth, version="aes128gcm")
            self.received.append(Received(path, headers, json.loads(plain), claims))
        except (ValueError, KeyError, InvalidSignature) as error:
            self.rejected.append(f"{path}: {error!r}")
            return 400
        return 201

    def start(self):
        self._thread.start()

    def stop(self):
        self._server.shutdown()
        self._server.server_close()


@contextlib.contextmanager
def push_service(vapid_public_key):
    service = PushService(vapid_public_key)
    service.start()
    try:
        yield service
    finally:
        service.stop()
