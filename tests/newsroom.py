"""Helpers shared by the workflow, feed, API and security tests."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

import pytest
from django.contrib.auth.models import Group
from django.core.files.images import ImageFile
from django.utils import timezone
from PIL import Image as PILImage

EDITORS = "Biên tập viên"
MODERATORS = "Thư ký tòa soạn"
STRONG_PASSWORD = "Mật-khẩu-đủ-dài-2026"


def make_user(django_user_model, username, group=None, **extra):
    user = django_user_model.objects.create_user(
        username=username, email=f"{username}@example.vn", password=STRONG_PASSWORD, **extra
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def make_image(title="Ảnh", size=(1600, 900), color=(30, 90, 160)):
    from wagtail.images.models import Image

    buffer = BytesIO()
    PILImage.new("RGB", size, color).save(buffer, "JPEG")
    return Image.objects.create(
        title=title, file=ImageFile(BytesIO(buffer.getvalue()), name="anh.jpg")
    )


def publish_article(section, title, *, days_ago=0, live=True, **fields):
    from news.models import ArticlePage

    page = ArticlePage(
        title=title,
        published_at=timezone.now() - timedelta(days=days_ago) if live else None,
        lead=fields.pop("lead", f"Sapo của {title}."),
        live=live,
        **fields,
    )
    section.add_child(instance=page)
    revision = page.save_revision()
    if live:
        revision.publish()
    return page


def publish_event(events, title, *, days_ahead=3, **fields):
    from news.models import EventPage

    event = EventPage(title=title, start_at=timezone.now() + timedelta(days=days_ahead), **fields)
    events.add_child(instance=event)
    event.save_revision().publish()
    return event


@pytest.fixture
def fresh_cache():
    """An empty cache before and after: throttles count in it."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def add_events_section(home, title="Lịch sự kiện", slug="lich-su-kien"):
    from news.models import EventIndexPage

    page = home.add_child(instance=EventIndexPage(title=title, slug=slug))
    page.save_revision().publish()
    return page
