"""Fixtures shared by the importer's tests."""

import uuid

import pytest


@pytest.fixture
def private_alias(settings):
    """A private Elasticsearch alias for one test, dropped afterwards: the index outlives
    the test's database transaction, and another test's pages would be "extra" there."""
    from search.backends import elastic

    settings.SEARCH_ES_INDEX = f"test-import-{uuid.uuid4().hex[:12]}"
    yield settings.SEARCH_ES_INDEX
    if settings.ELASTICSEARCH_URL:
        elastic.drop()
