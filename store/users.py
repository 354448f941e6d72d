"""Users of the review app. Password hashing is the caller's (review.auth, argon2); this stores rows.

Every change that alters what a user may do (password, active flag, role) ends that user's
sessions in the same transaction, so a stolen or stale cookie never outlives the change.
"""

from __future__ import annotations

import unicodedata

from sqlalchemy import select
from sqlalchemy.orm import Session

from store import sessions
from store.schema import User

ROLES = ("moderator", "lead", "analyst", "admin")
# categories that render as nothing or reorder text (U+202E, zero-width, controls): never in a new name
HIDDEN = {"Cc", "Cf", "Co", "Cn", "Cs", "Zl", "Zp"}


def create_user(session: Session, username: str, password_hash: str, role: str) -> User:
    """Add a user; raises ValueError for an unknown role or a taken name."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; one of {', '.join(ROLES)}")
    if not username or any(unicodedata.category(c) in HIDDEN for c in username):
        raise ValueError("a username must be non-empty and free of control, format and separator characters")
    if get_by_name(session, username) is not None:
        raise ValueError(f"user {username!r} exists")
    user = User(username=username, password_hash=password_hash, role=role, active=True)
    session.add(user)
    session.flush()
    return user


def get_by_name(session: Session, username: str) -> User | None:
    """The user called ``username`` (active or not)."""
    return session.execute(select(User).where(User.username == username)).scalar_one_or_none()


def get_user(session: Session, user_id: int) -> User | None:
    """The user with id ``user_id``."""
    return session.get(User, user_id)


def list_users(session: Session) -> list[User]:
    """Every user, by name."""
    return list(session.execute(select(User).order_by(User.username)).scalars())


def set_password_hash(session: Session, user: User, password_hash: str, end_sessions: bool = True) -> None:
    """Replace a user's hash; a new password ends the user's sessions (not so a same-password rehash)."""
    user.password_hash = password_hash
    if end_sessions:
        sessions.revoke_all(session, user.id, "password_changed")


def set_active(session: Session, user_id: int, active: bool) -> None:
    """Enable or disable a user; disabling ends every session of theirs at once."""
    user = session.get(User, user_id)
    if user is not None:
        user.active = active
        if not active:
            sessions.revoke_all(session, user_id, "user_disabled")


def set_role(session: Session, user_id: int, role: str) -> None:
    """Change a user's role; their sessions end, so the new privileges start with a new session id."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; one of {', '.join(ROLES)}")
    user = session.get(User, user_id)
    if user is not None and user.role != role:
        user.role = role
        sessions.revoke_all(session, user_id, "role_changed")
