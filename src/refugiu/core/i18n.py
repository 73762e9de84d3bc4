"""Compiling the gettext catalogues shipped as .po files.

Compiled .mo files are build products, so they are not committed; they are written next to their .po
file when missing or older, in pure Python (polib), so neither the demo nor the tests need GNU gettext.
"""

from pathlib import Path

import polib
from django.conf import settings


def compile_catalogues(locale_dirs: list[Path] | None = None) -> list[Path]:
    written = []
    for locale_dir in locale_dirs or [Path(p) for p in settings.LOCALE_PATHS]:
        for po_path in Path(locale_dir).glob("*/LC_MESSAGES/*.po"):
            mo_path = po_path.with_suffix(".mo")
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
            written.append(mo_path)
    return written
