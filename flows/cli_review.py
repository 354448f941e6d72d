"""``chhmam users …`` and ``chhmam review …``: accounts for the review app and label export."""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

users_app = typer.Typer(help="Review app users.", no_args_is_help=True)
review_app = typer.Typer(help="The review stage.", no_args_is_help=True)
err = Console(stderr=True)
DEMO_PASSWORD_ENV = "CHHMAM_DEMO_PASSWORD"  # noqa: S105 (a variable name, not a password)
DEMO_KEY_FILE = "secret_key"
LOOPBACK = ("127.0.0.1", "::1", "localhost")
DEMO_USERS = (
    ("moderator1", "moderator"),
    ("moderator2", "moderator"),
    ("lead1", "lead"),
    ("analyst1", "analyst"),
    ("admin1", "admin"),
)


@users_app.command("create")
def create(
    username: Annotated[str, typer.Option(help="Login name.")],
    role: Annotated[str, typer.Option(help="moderator, lead, analyst or admin.")],
    password_env: Annotated[str | None, typer.Option(help="Read the password from this variable.")] = None,
) -> None:
    """Create a user; the password is prompted (hidden) unless --password-env names a variable."""
    from review.auth import hash_password
    from store.db import migrate, session_scope
    from store.users import create_user

    if password_env:
        password = os.environ.get(password_env, "")
        if not password:
            raise typer.BadParameter(f"${password_env} is empty", param_hint="--password-env")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < 12:
        raise typer.BadParameter("passwords need at least 12 characters")
    migrate()
    try:
        with session_scope() as s:
            create_user(s, username, hash_password(password), role)
    except ValueError as exc:
        err.print(f"[red]{exc}[/]")
        raise typer.Exit(1) from exc
    err.print(f"created {role} {username}")


@users_app.command("demo")
def demo() -> None:
    """Create the demo users (if absent) and print how to log in: for `make demo` only."""
    from review.auth import hash_password
    from store.db import migrate, session_scope
    from store.users import create_user, get_by_name

    password = os.environ.get(DEMO_PASSWORD_ENV) or "chhmam-demo-2026"  # demo only; printed below
    migrate()
    with session_scope() as s:
        for name, role in DEMO_USERS:
            if get_by_name(s, name) is None:
                create_user(s, name, hash_password(password), role)
    Console().print(
        "[bold]Demo login[/] (http://127.0.0.1:8000): "
        + ", ".join(f"{n} ({r})" for n, r in DEMO_USERS)
        + f" — password [bold]{password}[/]"
    )


@review_app.command("export-labels")
def export_labels_cmd(out_dir: Annotated[Path | None, typer.Option(help="Default: data/labels.")] = None) -> None:
    """Write moderators' standing decisions to data/labels/review.jsonl (held-out share and quarantine apart)."""
    from flows.retrain import export_training_labels
    from store.db import migrate

    migrate()
    done = export_training_labels(out_dir=out_dir)
    err.print(
        f"{done.rows} decisions -> {done.path} ({done.heldout_rows} held out, {done.quarantined_rows} quarantined)"
    )


def local_demo_key(data_dir: Path) -> str:
    """The local demo's secret key: generated once into ``data_dir/secret_key`` (mode 0600), then reused.

    Refuses a key file that others can read: a key anyone on the machine can read signs nothing.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / DEMO_KEY_FILE
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            raise typer.BadParameter(f"{path} is readable by others (mode {mode:o}); chmod 600 it") from None
        return path.read_text(encoding="ascii").strip()
    key = secrets.token_urlsafe(48)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key + "\n")
    return key


def serve_key(local_demo: bool, host: str) -> str:
    """The secret key `chhmam serve` runs with: CHHMAM_SECRET_KEY, or a local demo's own key file.

    Without the variable the server refuses to start unless ``--local-demo`` is given, and a local
    demo listens on the loopback interface only.
    """
    from review.auth import check_key
    from store.settings import get_settings

    settings = get_settings()
    key = settings.secret_key
    if not key:
        if not local_demo:
            raise typer.BadParameter(
                "set CHHMAM_SECRET_KEY (a private random value of 32+ characters), "
                "or pass --local-demo for a demo on this machine only"
            )
        if host not in LOOPBACK:
            raise typer.BadParameter("--local-demo serves on 127.0.0.1 only; set CHHMAM_SECRET_KEY to serve elsewhere")
        key = local_demo_key(settings.data_dir)
    try:
        check_key(key)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc
    return key


@review_app.command("grant-app-role")
def grant_app_role_cmd(role: Annotated[str, typer.Option(help="An existing PostgreSQL role (LOGIN).")]) -> None:
    """Grant ROLE the web app's least privileges on the configured PostgreSQL database (run as the owner)."""
    from store.db import get_engine, migrate
    from store.roles import grant_app_role

    migrate()
    with get_engine().begin() as conn:
        for sql in grant_app_role(conn, role):
            err.print(sql)
