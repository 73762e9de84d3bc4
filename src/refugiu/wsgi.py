"""The WSGI application: `refugiu serve` runs it in gunicorn, and gunicorn (or another WSGI server) may
run it directly.

Before it answers anything, the start check runs (core.startup): a missing, malformed or wrong encryption
key stops the server here, with the reason on stderr, instead of being met by the people using it. It
never makes a key: an empty installation gets one from `refugiu check_keys`, `serve` or `demo`.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "refugiu.settings")
application = get_wsgi_application()

from refugiu.core.startup import start_check_or_exit  # noqa: E402 - needs the settings loaded above

start_check_or_exit()
