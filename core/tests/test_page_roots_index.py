"""Wagtail's lookup of the page tree's root (a superuser's explorable root on every
admin page, `get_first_root_node`) reads the partial index of migration
core/0003_page_roots_index instead of scanning the page table."""

import pytest
from django.db import connection
from wagtail.models import Page
from wagtail.permission_policies.pages import PagePermissionPolicy

pytestmark = [pytest.mark.embedded, pytest.mark.django_db]


def test_wagtails_root_lookup_reads_the_roots_index(django_user_model):
    query = Page.objects.filter(depth=1)  # what Wagtail asks for a superuser
    if connection.vendor == "postgresql":
        # A test database is small enough for a scan to win; the plan with scans priced
        # out shows whether the index can answer the query.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
    plan = query.explain()
    assert "wagtailcore_page_roots" in plan
    root = Page.get_first_root_node()
    admin = django_user_model.objects.create_superuser("quantri", "qt@example.vn", "x")
    assert PagePermissionPolicy().explorable_root_instance(admin) == root
    assert root.depth == 1 and not root.get_ancestors().exists()
