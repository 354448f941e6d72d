"""The review app's pages, one router per concern; ``review.app.create_app`` includes them all.

Each router declares what its pages need through the dependencies of ``review.web`` (session,
role, CSRF) and calls ``store`` functions and the rules of ``review.service``; error answers are
the app's (``review.errors``).
"""
