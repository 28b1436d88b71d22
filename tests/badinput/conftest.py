import pytest
from django.test import Client


@pytest.fixture
def editor_client(editor):
    """An editor's client that shows a 500 as a status, not as an exception raised into the test."""
    client = Client(raise_request_exception=False)
    client.force_login(editor)
    return client
