"""The `refugiu` command: Django's manage.py for the installed project, plus `demo` and `serve`."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "refugiu.settings")
    import django
    from django.core.management import execute_from_command_line

    django.setup()
    from refugiu.core.i18n import compile_catalogues

    compile_catalogues()  # package files, for whoever runs Refugiu: made with the usual umask
    # Everything the command creates from here on (database, mail, uploads, reports, case files) is readable
    # by this account only; the settings already made the data folder 0700 and the secret key 0600, and the
    # start check (core.startup) tightens what an older version left looser.
    os.umask(0o077)
    execute_from_command_line(["refugiu", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
