"""``chhmam networks …``: link posts into networks (cases) and show how many there are.

``link`` links the posts not linked yet (what the pipeline does after scoring); ``rebuild``
forgets every link and network and links all stored posts again, which is how a change of the
allow-list or the caps reaches posts already linked; ``stats`` prints totals and the riskiest
networks. Nothing printed here shows an entity's value: kinds, counts and labels only.
Registered in ``flows/cli.py``; heavy imports happen inside the commands.
"""

from __future__ import annotations

import time
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

networks_app = typer.Typer(
    help="Networks: posts linked by shared phones, handles, authors, templates.", no_args_is_help=True
)
err = Console(stderr=True)
BatchSize = Annotated[int, typer.Option(help="Posts per transaction.")]


def _report(what: str, result: object, seconds: float) -> None:
    from cases.linking import LinkResult

    assert isinstance(result, LinkResult)
    rate = result.posts / seconds if seconds > 0 else 0.0
    err.print(
        f"[bold]{what}[/]: {result.posts} posts in {seconds:.1f} s ({rate:,.0f}/s), {result.links} links, "
        f"{result.merged} merges, {result.split} splits, {result.newly_common} entities became common, "
        f"{len(result.networks_touched)} networks touched"
    )


@networks_app.command("link")
def link_cmd(batch_size: BatchSize = 5000) -> None:
    """Link the posts not linked yet, then refresh the summaries of networks decided since."""
    from cases.linking import link_pending
    from store.db import migrate

    migrate()
    start = time.perf_counter()
    result = link_pending(batch_size)
    _report("linked", result, time.perf_counter() - start)


@networks_app.command("rebuild")
def rebuild_cmd(
    batch_size: BatchSize = 5000, yes: Annotated[bool, typer.Option("--yes", help="Do not ask.")] = False
) -> None:
    """Drop every link and network and link all stored posts again (after an allow-list or cap change)."""
    from cases.linking import rebuild
    from store.db import migrate

    if not yes:
        typer.confirm("Forget every network and link all posts again?", abort=True)
    migrate()
    start = time.perf_counter()
    result = rebuild(batch_size)
    _report("rebuilt", result, time.perf_counter() - start)


@networks_app.command("stats")
def stats_cmd(top: Annotated[int, typer.Option(help="How many of the riskiest networks to list.")] = 10) -> None:
    """Linked posts, entities per kind (how many common), networks by size, the riskiest networks."""
    from store import networks
    from store.db import migrate, session_scope

    migrate()
    with session_scope() as session:
        c = networks.counts(session)
        riskiest = networks.list_networks(session, order="risk", limit=top)
        table = Table(
            title=f"Networks: {c['networks']} with {c['posts_in_networks']} posts "
            f"(of {c['linked_posts']} linked; largest {c['largest']})"
        )
        for col in ("entity kind", "entities", "common"):
            table.add_column(col, justify="right" if col != "entity kind" else "left")
        for kind, n in sorted(c["entities"].items()):
            table.add_row(kind, str(n["total"]), str(n["common"]))
        Console().print(table)
        Console().print("sizes: " + ", ".join(f"{k}: {v}" for k, v in c["network_sizes"].items()))
        top_table = Table(title=f"Riskiest {len(riskiest)} networks")
        for col in ("network", "size", "authors", "first seen", "last seen", "sources", "decisions", "risk"):
            top_table.add_column(col)
        for n in riskiest:
            top_table.add_row(
                str(n.id),
                str(n.size),
                str(n.authors),
                n.first_seen.strftime("%Y-%m-%d") if n.first_seen else "",
                n.last_seen.strftime("%Y-%m-%d") if n.last_seen else "",
                ",".join(n.sources),
                ",".join(f"{k}:{v}" for k, v in sorted(n.decisions.items())),
                f"{n.risk:.3f}",
            )
        Console().print(top_table)
