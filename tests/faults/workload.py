"""What the fault tests publish, and how they count what happened.

Articles reach "scheduled" the way editors put them there, through the
workflow verbs (submit, approve), each by its own author with a login and an
address, so every publication owes exactly one e-mail to one person. A
trigger counts every write of ``published_at``, so a test can tell one
publication from two that wrote the same row.
"""

from contextlib import contextmanager

import psycopg
from django.contrib.auth import get_user_model
from django.db import connection

from articles.models import Article
from editorial import workflow
from editorial.models import Transition
from tests.factories import READY_BODY, make_article, make_author

COUNT_PUBLISHED_AT_WRITES = """
CREATE TABLE IF NOT EXISTS fault_published_at_writes (article_id bigint NOT NULL, new timestamptz);
CREATE OR REPLACE FUNCTION fault_count_published_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO fault_published_at_writes VALUES (NEW.id, NEW.published_at);
    RETURN NEW;
END $$;
DROP TRIGGER IF EXISTS fault_published_at_writes ON articles_article;
CREATE TRIGGER fault_published_at_writes AFTER UPDATE OF published_at ON articles_article
    FOR EACH ROW WHEN (OLD.published_at IS DISTINCT FROM NEW.published_at)
    EXECUTE FUNCTION fault_count_published_at();
"""
STOP_COUNTING = """
DROP TRIGGER IF EXISTS fault_published_at_writes ON articles_article;
DROP FUNCTION IF EXISTS fault_count_published_at();
DROP TABLE IF EXISTS fault_published_at_writes;
"""


@contextmanager
def counting_published_at_writes():
    """Yield a function that returns {article id: number of published_at writes}."""
    with connection.cursor() as cursor:
        cursor.execute(COUNT_PUBLISHED_AT_WRITES)
    try:

        def writes():
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT article_id, count(*) FROM fault_published_at_writes GROUP BY article_id"
                )
                return dict(cursor.fetchall())

        yield writes
    finally:
        with connection.cursor() as cursor:
            cursor.execute(STOP_COUNTING)


def approved_through_the_workflow(count, *, editor, category, publish_at):
    """``count`` articles, each by its own author, submitted and approved for ``publish_at`` by ``editor``."""
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"author-{number}", email=f"author-{number}@example.jp", is_staff=True)
        for number in range(count)
    )
    articles = []
    for number, user in enumerate(users):
        article = make_article(
            title=f"予約記事 {number}",
            slug=f"scheduled-{number}",
            body=READY_BODY,
            excerpt="予約した記事です。",
            tags=["AI"],
            authors=[make_author(name=f"書き手 {number}", slug=f"author-{number}", user=user)],
            categories=[category],
        )
        workflow.submit(article, by=editor)
        workflow.approve(article, by=editor, publish_at=publish_at)
        articles.append(article)
    return articles


def still_scheduled():
    return Article.objects.filter(status=Article.Status.SCHEDULED).count()


def audit_rows_per_article():
    """{article id: number of "went live" audit rows}."""
    rows = Transition.objects.filter(to_status=Article.Status.PUBLISHED).values_list("article_id", flat=True)
    counts = {}
    for article_id in rows:
        counts[article_id] = counts.get(article_id, 0) + 1
    return counts


def outside_connection(**options):
    """A connection of its own, outside the test's (whose view of pg_stat_activity is frozen)."""
    settings = connection.settings_dict
    return psycopg.connect(
        host=settings["HOST"] or "127.0.0.1", port=settings["PORT"] or 5432, user=settings["USER"],
        dbname=settings["NAME"], **options,
    )  # fmt: skip


def backends(sql):
    with outside_connection(autocommit=True) as db:
        return [row[0] for row in db.execute(sql).fetchall()]


def blocked_inserting_into(table):
    """Server processes of this database waiting for a lock to insert into ``table``."""
    return backends(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        f" AND query LIKE 'INSERT INTO \"{table}\"%'"
    )
