"""Review queue and the moderators' web app.

Stage four of the one-way flow (feeds → features → models → **review** → reports): flagged posts
are queued by priority, claimed, decided and audited here; decisions flow back to training as
``data/labels/*.jsonl``.
"""
