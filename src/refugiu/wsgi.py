"""The WSGI application: `refugiu serve` runs it in gunicorn, and gunicorn (or another WSGI server) may
run it directly.

Before it answers anything, the start check runs (core.startup): the data folder is made private, and a
missing, malformed or wrong encryption key stops the server here, with the reason on stderr, instead of
being met by the people using it. It never makes a key: an empty installation gets one from
`refugiu check_keys`, `serve` or `demo`. Files it creates (uploads, mail, reports) are readable by this
account only (umask 077), as with the `refugiu` command (cli.py).
"""

import logging
import os

from django.core.wsgi import get_wsgi_application

os.umask(0o077)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "refugiu.settings")
application = get_wsgi_application()

from refugiu.core.logfilters import HealthProbeLogFilter  # noqa: E402 - needs the settings loaded above
from refugiu.core.startup import start_check_or_exit  # noqa: E402

# Load balancers probe /healthz and /readyz every few seconds: those lines stay out of gunicorn's access log.
logging.getLogger("gunicorn.access").addFilter(HealthProbeLogFilter())
start_check_or_exit()
