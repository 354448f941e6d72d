"""Ministry exports: weekly aggregates only, never a post's text, a handle or a number.

Stage five of the one-way flow (feeds → features → models → review → **reports**).
"""
