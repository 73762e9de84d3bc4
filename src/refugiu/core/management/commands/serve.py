"""Production server: gunicorn serving the WSGI application; WhiteNoise serves the static files."""

import os

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve Refugiu with gunicorn (production). Static files are collected first."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("REFUGIU_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("REFUGIU_WORKERS", "2")))

    def handle(self, *args, bind, workers, **options):
        from gunicorn.app.wsgiapp import WSGIApplication

        call_command("collectstatic", interactive=False, verbosity=0)
        argv = [
            "gunicorn",
            "--bind",
            bind,
            "--workers",
            str(workers),
            "--access-logfile",
            "-",
            # The access log carries no address and no query string: searches and visitors stay private.
            "--access-logformat",
            '"%(m)s %(U)s" %(s)s %(b)s %(L)s',
            "refugiu.wsgi:application",
        ]
        import sys

        sys.argv = argv
        WSGIApplication("%(prog)s [OPTIONS] [APP_MODULE]").run()
