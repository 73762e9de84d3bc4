"""Filters for the logs (settings.LOGGING, and gunicorn's access log in wsgi.py). The logging configuration
imports this module before the apps are loaded: nothing here may import a model."""

import logging

from refugiu.core.database import DATABASE_UNAVAILABLE, database_error_summary
from refugiu.core.health import PATHS


class HealthProbeLogFilter(logging.Filter):
    """Leaves probes of /healthz and /readyz out of a log: gunicorn's access log (its records carry the
    request's atoms, "U" the path) and Django's request log (which logs every answer of 400 or more, so a
    failing /readyz every few seconds). A change of readiness is logged once instead (core.health)."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        if request is not None:
            return getattr(request, "path_info", None) not in PATHS
        if isinstance(record.args, dict):  # gunicorn's atoms
            return record.args.get("U") not in PATHS
        return True


class DatabaseUnavailableLogFilter(logging.Filter):
    """A request answered 503 because the database cannot be reached (core.errors) is logged by Django as
    one line per request: with the error's summary instead of its traceback, which during an outage would
    be the same long one again and again, and says nothing an operator needs."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if getattr(record, "status_code", None) == 503 and isinstance(error, DATABASE_UNAVAILABLE):
            record.msg = f"{record.msg} (the database is unavailable: %s)"
            args = record.args if isinstance(record.args, tuple) else ()  # Django logs a tuple here
            record.args = (*args, database_error_summary(error))
            record.exc_info = None
            record.exc_text = None
        return True
