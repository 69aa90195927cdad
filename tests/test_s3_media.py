"""Photos on S3-compatible storage (django-storages), against a real S3 server on loopback: moto's, started here."""

import io
import json
import os
import socket
import subprocess
import sys
import urllib.error
import urllib.request

import boto3
import pytest
from moto.server import ThreadedMotoServer
from PIL import Image as Picture

from articles.models import Image
from articles.services.images import image_store
from tests import photos
from tests.factories import make_article

PUBLIC, PRIVATE = "newsroom-media", "newsroom-originals"


@pytest.fixture(scope="module")
def s3_server():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3(s3_server, settings, monkeypatch):
    """Two empty buckets (public renditions, private originals) and the storages pointing at them, as settings.py
    makes them from NEWSROOM_S3_* (checked in test_the_settings_build_the_s3_storages)."""
    for name, value in {"AWS_ACCESS_KEY_ID": "newsroom", "AWS_SECRET_ACCESS_KEY": "newsroom-secret",
                        "AWS_DEFAULT_REGION": "us-east-1"}.items():  # fmt: skip
        monkeypatch.setenv(name, value)
    client = boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1")
    for bucket in (PUBLIC, PRIVATE):
        client.create_bucket(Bucket=bucket)
    # Readers fetch renditions straight from the bucket (or a CDN in front of it): a policy lets anyone read it.
    public_read = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
                   "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{PUBLIC}/*"}]}  # fmt: skip
    client.put_bucket_policy(Bucket=PUBLIC, Policy=json.dumps(public_read))
    common = {"endpoint_url": s3_server, "region_name": "us-east-1", "file_overwrite": False}
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "storages.backends.s3.S3Storage",
                    "OPTIONS": {**common, "bucket_name": PUBLIC, "querystring_auth": False}},
        "originals": {"BACKEND": "storages.backends.s3.S3Storage",
                      "OPTIONS": {**common, "bucket_name": PRIVATE, "querystring_auth": True}},
    }  # fmt: skip
    settings.MEDIA_URL = f"{s3_server}/{PUBLIC}/"
    yield client
    for bucket in (PUBLIC, PRIVATE):
        for item in client.list_objects_v2(Bucket=bucket).get("Contents", []):
            client.delete_object(Bucket=bucket, Key=item["Key"])
        client.delete_bucket(Bucket=bucket)


def keys(client, bucket):
    return sorted(item["Key"] for item in client.list_objects_v2(Bucket=bucket).get("Contents", []))


@pytest.mark.django_db
def test_a_photo_goes_to_the_buckets_without_its_metadata(s3, s3_server):
    image = image_store(image=Image(alt_ar="عبّارة على الفرات"), upload=photos.camera_jpeg(2000, 1500))
    originals, renditions = keys(s3, PRIVATE), keys(s3, PUBLIC)
    assert originals == [image.original.name] and not originals[0].startswith("renditions/")
    assert len(renditions) == 6 and all(key.startswith("renditions/") for key in renditions)

    for rendition in image.renditions.all():
        url = rendition.file.url
        assert url.startswith(f"{s3_server}/{PUBLIC}/renditions/")
        with urllib.request.urlopen(url) as response:
            picture = Picture.open(io.BytesIO(response.read()))
        assert picture.width == rendition.width and not picture.getexif()
    with pytest.raises(urllib.error.HTTPError) as refused:  # the original cannot be fetched without the keys
        urllib.request.urlopen(f"{s3_server}/{PRIVATE}/{image.original.name}")
    assert refused.value.code == 403
    stored = s3.get_object(Bucket=PRIVATE, Key=image.original.name)["Body"].read()
    original = Picture.open(io.BytesIO(stored))
    assert not original.getexif() and b"SN-0042-SECRET" not in stored and b"GPS" not in stored


@pytest.mark.django_db
def test_the_article_page_shows_photos_from_the_bucket(client, s3, s3_server):
    image = image_store(image=Image(alt_ar="سوق الخضار"), upload=photos.camera_jpeg(1600, 1200))
    inline = image.renditions.get(width=480, format="webp").file.url
    article = make_article(featured_image=image, body_ar=f'<p>نص.</p><img src="{inline}" alt="السوق">')
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'srcset="{s3_server}/{PUBLIC}/renditions/' in html
    # The inline photo is one of ours: stored by reference, drawn from the bucket.
    inline_jpeg = image.renditions.get(width=480, format="jpeg").file.url
    assert f'<img src="{inline_jpeg}"' in html and inline_jpeg.startswith(f"{s3_server}/{PUBLIC}/renditions/")


@pytest.mark.django_db
def test_deleting_a_photo_deletes_its_files(s3, django_capture_on_commit_callbacks):
    image = image_store(image=Image(alt_ar="جسر"), upload=photos.camera_jpeg(1200, 900))
    with django_capture_on_commit_callbacks(execute=True):
        image.delete()
    assert keys(s3, PUBLIC) == [] and keys(s3, PRIVATE) == []


def test_the_settings_build_the_s3_storages():
    environment = {
        **os.environ, "DJANGO_ENV_FILE": "", "DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "k" * 40 + "0123456789abcdef",
        "DJANGO_ALLOWED_HOSTS": "news.example.org", "NEWSROOM_S3_BUCKET": PUBLIC,
        "NEWSROOM_S3_PRIVATE_BUCKET": PRIVATE, "NEWSROOM_S3_PUBLIC_URL": "https://media.example.org",
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
    }  # fmt: skip
    script = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.STORAGES['default'], s.STORAGES['originals'], s.MEDIA_URL, "
        "s.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src']]))"
    )
    output = subprocess.run(
        [sys.executable, "-c", script], env=environment, capture_output=True, text=True, check=True
    ).stdout
    public, private, media_url, images = json.loads(output.strip().splitlines()[-1])
    assert public["BACKEND"] == private["BACKEND"] == "storages.backends.s3.S3Storage"
    assert public["OPTIONS"]["bucket_name"] == PUBLIC and public["OPTIONS"]["querystring_auth"] is False
    assert public["OPTIONS"]["custom_domain"] == "media.example.org"
    assert private["OPTIONS"]["bucket_name"] == PRIVATE and private["OPTIONS"]["querystring_auth"] is True
    assert media_url == "https://media.example.org/" and "https://media.example.org" in images
