"""The one database of Chhmam.

Every stage that persists goes through this package: the schema (``store.schema``), the Alembic
migrations (``store/migrations``), and small repository modules, one per concern. SQLite is the
embedded default; PostgreSQL is used by setting ``CHHMAM_DATABASE_URL``.

``store`` sits at the bottom of the layering: it imports no stage, so its functions take and return
plain values (dicts, tuples, ORM rows), never a stage's own record types.
"""
