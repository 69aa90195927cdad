import base64

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.management.base import BaseCommand


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def vapid_key_pair() -> tuple[str, str]:
    """A new P-256 key pair, base64url: the public key uncompressed (what browsers take as applicationServerKey),
    the private key as its 32 octets (what pywebpush reads)."""
    key = ec.generate_private_key(ec.SECP256R1())
    public = key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return b64url(public), b64url(key.private_numbers().private_value.to_bytes(32, "big"))


class Command(BaseCommand):
    help = "Print a new VAPID key pair for Web Push, as environment lines (keep the private key secret)."

    def handle(self, *args, **options):
        public, private = vapid_key_pair()
        self.stdout.write(f"NEWSROOM_VAPID_PUBLIC_KEY={public}\nNEWSROOM_VAPID_PRIVATE_KEY={private}")
