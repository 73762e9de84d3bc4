"""Filters for the logs (settings.LOGGING, and gunicorn's access log in wsgi.py). The logging configuration
imports this module before the apps are loaded: nothing here may import a model."""

import logging

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
