"""Uploads: size and pixel limits, real images only (Pillow), no bombs, no SVG."""

import struct
import zlib
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import Collection

from core.uploads import check_image
from tests.newsroom import EDITORS, make_user

pytestmark = pytest.mark.embedded


def jpeg(size=(640, 480), noise=False):
    buffer = BytesIO()
    image = PILImage.effect_noise(size, 80).convert("RGB") if noise else PILImage.new("RGB", size)
    image.save(buffer, "JPEG", quality=95)
    return buffer.getvalue()


def png_chunk(kind, data):
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def png_bomb(width=40_000, height=40_000):
    """A few hundred bytes that claim 1.6 billion pixels of zeros."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    rows = zlib.compress(b"\0" * (width + 1) * 8, 9)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", rows)
        + png_chunk(b"IEND", b"")
    )


def truncated_png():
    buffer = BytesIO()
    PILImage.effect_noise((400, 400), 60).save(buffer, "PNG")
    data = buffer.getvalue()
    return data[: len(data) // 2]


SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
)


def upload(name, data, content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("anh.svg", SVG, "svg"),
        ("anh.jpg", SVG, "svg"),
        ("anh.jpg", b"MZ\x90\x00 this is not an image at all" * 20, "invalid_image"),
        ("anh.png", truncated_png(), "invalid_image"),
        ("anh.png", png_bomb(), "too_many_pixels"),
    ],
)
def test_check_image_refuses(name, data, code):
    with pytest.raises(ValidationError) as error:
        check_image(upload(name, data))
    assert error.value.code == code


def test_check_image_limits_come_from_settings(settings):
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10_000
    with pytest.raises(ValidationError) as error:
        check_image(upload("anh.jpg", jpeg((800, 800), noise=True)))
    assert error.value.code == "file_too_large"
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 2**20
    settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS = 100 * 100
    with pytest.raises(ValidationError) as error:
        check_image(upload("anh.jpg", jpeg((101, 100))))
    assert error.value.code == "too_many_pixels"
    check_image(upload("anh.jpg", jpeg((100, 100))))


@pytest.fixture
def editor_client(client, django_user_model):
    client.force_login(make_user(django_user_model, "bientapvien", EDITORS))
    return client


def post_image(client, name, data, content_type="image/jpeg"):
    return client.post(
        "/admin/images/add/",
        {
            "title": "Ảnh thử",
            "collection": Collection.get_first_root_node().pk,
            "file": upload(name, data, content_type),
        },
    )


def test_editor_uploads_a_real_photo(editor_client):
    response = post_image(editor_client, "hoi-nghi.jpg", jpeg())
    assert response.status_code == 302
    assert Image.objects.get().width == 640


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("logo.svg", SVG, "image/svg+xml"),
        ("logo.jpg", SVG, "image/jpeg"),
        ("bom.png", png_bomb(), "image/png"),
        ("hong.png", truncated_png(), "image/png"),
        ("gia.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 2000, "image/jpeg"),
    ],
)
def test_admin_refuses_bad_images(editor_client, name, data, content_type):
    response = post_image(editor_client, name, data, content_type)
    assert response.status_code == 200  # the form again, with its error
    assert not Image.objects.exists()


def test_admin_refuses_oversized_images(editor_client, settings):
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 20_000
    response = post_image(editor_client, "lon.jpg", jpeg((800, 800), noise=True))
    assert response.status_code == 200
    assert not Image.objects.exists()


@pytest.mark.parametrize("name", ["trang.html", "hinh.svg", "chay.exe", "kich-ban.js"])
def test_admin_refuses_dangerous_documents(editor_client, name):
    response = editor_client.post(
        "/admin/documents/add/",
        {
            "title": "Tài liệu",
            "collection": Collection.get_first_root_node().pk,
            "file": SimpleUploadedFile(name, b"<script>alert(1)</script>"),
        },
    )
    assert response.status_code == 200
    assert not Document.objects.exists()
