"""core/routing.py hands its answers to Wagtail through private attributes (its
docstring says why no public hook will do). This test fails on any Wagtail or
treebeard other than the versions that code was read against, and whenever the
installed code stops reading those attributes, so an upgrade cannot quietly turn the
fast path into wrong answers or extra queries."""

import inspect
from importlib.metadata import version

from treebeard.mp_tree import MP_Node
from wagtail.models import Page, Site

from core import routing


def test_installed_versions_are_the_ones_routing_was_checked_against():
    installed = {name: version(name) for name in routing.CHECKED_WITH}
    assert installed == routing.CHECKED_WITH, (
        "Wagtail or treebeard changed: read Page.route_for_request, Page.route, "
        "Site.find_for_request and MP_Node.get_parent in the new versions, check that "
        "core/routing.py's attributes still mean the same, then update CHECKED_WITH."
    )


def test_wagtail_reads_the_route_the_router_leaves_on_the_request():
    source = inspect.getsource(Page.route_for_request)
    assert f"if not hasattr(request, {routing.ROUTE_ATTRIBUTE!r})" in source.replace('"', "'")
    assert f"return request.{routing.ROUTE_ATTRIBUTE}" in source


def test_wagtail_reads_the_site_the_router_leaves_on_the_request():
    source = inspect.getsource(Site.find_for_request)
    assert f"if not hasattr(request, {routing.SITE_ATTRIBUTE!r})" in source.replace('"', "'")
    assert f"return request.{routing.SITE_ATTRIBUTE}" in source


def test_treebeard_returns_the_parent_the_router_leaves_on_the_page():
    assert f"return self.{routing.PARENT_ATTRIBUTE}" in inspect.getsource(MP_Node.get_parent)
    # Wagtail's own route sets the same attribute on the child it hands over.
    assert f"subpage.{routing.PARENT_ATTRIBUTE} = self" in inspect.getsource(Page.route)
