"""The `refugiu` command: Django's manage.py for the installed project, plus `demo` and `serve`."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    # Everything this process creates (data folder, database, keys, uploads, mail, reports) is readable by
    # this account only; the start check (core.startup) tightens what an older version left looser.
    os.umask(0o077)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "refugiu.settings")
    import django
    from django.core.management import execute_from_command_line

    django.setup()
    from refugiu.core.i18n import compile_catalogues

    compile_catalogues()
    execute_from_command_line(["refugiu", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
