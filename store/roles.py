"""The least-privilege PostgreSQL role the web app and the flows connect as.

Migrations run as the owner of the tables; the services connect as a role that may read and write
rows but owns nothing, so it cannot ALTER or DROP a table, disable or drop a trigger, or TRUNCATE.
On ``audit_log`` it may only SELECT and INSERT (the triggers refuse UPDATE, DELETE and TRUNCATE
even to the owner); on ``alembic_version`` only SELECT. The statements are in ``GRANTS`` (also
printed in docs/review.md) and are re-run after each migration that adds tables.
"""

from __future__ import annotations

import re

from sqlalchemy import Connection, text

ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
GRANTS = (
    "GRANT CONNECT ON DATABASE {db} TO {role}",
    "GRANT USAGE ON SCHEMA public TO {role}",
    "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
    "REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON audit_log FROM {role}",
    "REVOKE INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON alembic_version FROM {role}",
    "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
)


def grant_app_role(conn: Connection, role: str) -> list[str]:
    """Give the existing ``role`` exactly the app's privileges on this database; returns the SQL run.

    Run as the tables' owner (the migrating role). The role itself is created by the DBA
    (``CREATE ROLE chhmam_app LOGIN PASSWORD …``): roles are cluster-wide, migrations are per database.
    """
    if conn.dialect.name != "postgresql":
        raise ValueError("database roles exist on PostgreSQL only")
    if not ROLE_NAME.match(role):
        raise ValueError(f"not a plain role name: {role!r}")
    prep = conn.dialect.identifier_preparer
    db = str(conn.execute(text("SELECT current_database()")).scalar())
    done = []
    for stmt in GRANTS:
        sql = stmt.format(db=prep.quote(db), role=prep.quote(role))
        conn.execute(text(sql))
        done.append(sql)
    return done
