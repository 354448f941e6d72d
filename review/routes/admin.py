"""User administration: create, disable/enable, reset password, end sessions, change role.

Admins only; every change is audited (``admin_<op>``). Disabling a user, a password reset and a
role change end the user's sessions (``store.users``); an admin cannot disable or demote themselves.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from review import auth
from review.web import DB, Csrf, UserId, render, require_role
from store import audit, sessions, users
from store.schema import User

router = APIRouter()
Admin = Annotated[User, Depends(require_role("admin"))]


def _target(session: Session, user_id: int) -> User:
    target = users.get_user(session, user_id)
    if target is None:
        raise HTTPException(status_code=404)
    return target


def _check_password(password: str) -> None:
    if len(password) < 12 or len(password) > auth.MAX_PASSWORD:
        raise HTTPException(status_code=400, detail="passwords need 12 to 1024 characters")


@router.get("/admin/users", response_class=HTMLResponse)
def users_page(request: Request, user: Admin, session: DB) -> Response:
    rows = [{"u": u, "sessions": sessions.live_count(session, u.id)} for u in users.list_users(session)]
    return render(request, "users.html", {"_user": user, "rows": rows, "roles": users.ROLES, "error": None})


@router.post("/admin/users", dependencies=[Csrf])
def create_user(
    user: Admin,
    session: DB,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    role: Annotated[str, Form()],
) -> Response:
    _check_password(password)
    try:
        new = users.create_user(session, username.strip()[:100], auth.hash_password(password), role)
    except ValueError as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from exc
    audit.record(session, user.id, "create_user", "user", str(new.id), {"role": role})
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users/{user_id}", dependencies=[Csrf])
def change_user(
    user: Admin,
    session: DB,
    user_id: UserId,
    op: Annotated[str, Form()],
    role: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
) -> Response:
    target = _target(session, user_id)
    if target.id == user.id and op in ("disable", "role"):
        raise HTTPException(status_code=400, detail="an admin cannot disable or demote themselves here")
    detail: dict[str, Any] = {"op": op}
    if op == "disable":
        users.set_active(session, target.id, False)
    elif op == "enable":
        users.set_active(session, target.id, True)
    elif op == "end_sessions":
        detail["ended"] = sessions.revoke_all(session, target.id, "ended_by_admin")
    elif op == "role":
        try:
            users.set_role(session, target.id, role)
        except ValueError as exc:
            raise HTTPException(status_code=400, detail=str(exc)) from exc
        detail["role"] = role
    elif op == "password":
        _check_password(password)
        users.set_password_hash(session, target, auth.hash_password(password))
    else:
        raise HTTPException(status_code=400, detail="unknown operation")
    audit.record(session, user.id, f"admin_{op}", "user", str(target.id), detail)
    return RedirectResponse("/admin/users", status_code=303)
