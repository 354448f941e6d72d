"""Cases: posts linked into networks through the contacts, authors and templates they share.

Stage between ``models`` and ``review`` in the one-way flow (feeds → features → models → **cases**
→ review → reports). Why its own package: linking needs both the entity extraction of ``features``
and the database (``store.networks``), which ``features`` (pure functions over text) must not touch;
and the review pages, queue priority and exports that show cases sit above it. It does not use
``models``: a network is made of facts in the posts, not of model scores.
"""
