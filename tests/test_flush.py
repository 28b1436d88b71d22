"""What tests/flush.py relies on to empty the database after a transactional test."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.models.signals import post_migrate

from tests.factories import make_article, make_author, make_category
from tests.flush import KEPT


def rows_left():
    """{table: rows} for every table of the project's models that has any."""
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    with connection.cursor() as cursor:
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return {table: count for table, count in counts.items() if count}


@pytest.mark.django_db(transaction=True)
def test_a_flush_empties_every_table_but_content_types_and_permissions(writer, superuser):
    kinds, permissions = set(ContentType.objects.values_list("pk", "model")), Permission.objects.count()
    make_article(title="公開", authors=[make_author(name="著者", slug="a")], published=True)
    make_category(name="分類", slug="c")
    before = rows_left()
    assert {"articles_article", "articles_category", "auth_user", "auth_group_permissions"} <= before.keys()
    call_command("flush", verbosity=0, interactive=False, reset_sequences=False, allow_cascade=False)
    assert rows_left().keys() == KEPT
    # As the migrations left them: the same ids, none made again.
    assert set(ContentType.objects.values_list("pk", "model")) == kinds
    assert Permission.objects.count() == permissions


@pytest.mark.django_db
def test_every_foreign_key_is_checked_at_the_commit():
    """Rows are deleted table by table in no particular order: a key checked at once would refuse."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname FROM pg_constraint"
            " WHERE contype = 'f' AND NOT (condeferrable AND condeferred)"
        )
        assert cursor.fetchall() == []


def test_post_migrate_only_makes_content_types_and_permissions():
    """The flush does not send post_migrate, whose receivers must then make nothing but what it keeps."""
    receivers = {entry[1]().__qualname__ for entry in post_migrate.receivers}
    assert receivers == {"create_contenttypes", "create_permissions", "name_default_permissions"}
