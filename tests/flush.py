"""How the tests empty the database after a test that commits for real: DELETE the rows of the
tables that have any, instead of Django's TRUNCATE of every table.

pytest-django empties the database after each transactional test (a live server's, a worker's)
with Django's flush: one TRUNCATE of all of the project's tables. PostgreSQL gives every table
and index a new file for it, about 0.3 s a test whatever the test wrote, and the TRUNCATE's
exclusive locks are what deadlocked with a request still being served (tests/conftest.py).
Such a test leaves a few rows in a few tables: one query finds those tables and a DELETE each
empties them, with every foreign key checked at the commit (Django makes them all DEFERRABLE
INITIALLY DEFERRED; tests/test_flush.py fails if a migration adds one that is not).

Content types and permissions are left as the migrations made them, and the flush's
post_migrate, whose every receiver (tests/test_flush.py lists them) only makes those again, is
not sent: it cost another 0.15 s a test. A test asking for its sequences to be reset
(``reset_sequences=True``) gets Django's TRUNCATE of every table and the signal.
"""

from django.core.management.commands import flush as flush_command
from django.db.backends.postgresql.operations import DatabaseOperations

# Rows the migrations make and post_migrate would make again, identical, after every flush.
KEPT = frozenset({"django_content_type", "auth_permission"})

_truncate_every_table = DatabaseOperations.sql_flush
_emit_post_migrate_signal = flush_command.emit_post_migrate_signal
# Whether the last flush kept the rows post_migrate makes (read and reset by the signal's stand-in).
_kept_what_post_migrate_makes = False


def sql_flush_deleting_rows(self, style, tables, *, reset_sequences=False, allow_cascade=False):
    global _kept_what_post_migrate_makes
    _kept_what_post_migrate_makes = False
    if reset_sequences:
        return _truncate_every_table(
            self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
    tables = [table for table in tables if table not in KEPT]
    _kept_what_post_migrate_makes = True
    if not tables:
        return []
    with self.connection.cursor() as cursor:
        cursor.execute(
            " UNION ALL ".join(
                f"(SELECT %s WHERE EXISTS (SELECT 1 FROM {self.quote_name(table)}))" for table in tables
            ),
            tables,
        )
        filled = [table for (table,) in cursor.fetchall()]
    return ["SET CONSTRAINTS ALL DEFERRED", *(f"DELETE FROM {self.quote_name(table)}" for table in filled)]


def post_migrate_unless_kept(*args, **kwargs):
    global _kept_what_post_migrate_makes
    if _kept_what_post_migrate_makes:
        _kept_what_post_migrate_makes = False
        return
    _emit_post_migrate_signal(*args, **kwargs)


def install():
    DatabaseOperations.sql_flush = sql_flush_deleting_rows
    flush_command.emit_post_migrate_signal = post_migrate_unless_kept
