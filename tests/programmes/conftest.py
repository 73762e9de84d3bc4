"""Fixtures shared by the programmes tests."""

import pytest


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """`sent(function, *args, **kwargs)`: call it and run the e-mails it queued on commit, inside the test's
    transaction."""

    def run(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run
