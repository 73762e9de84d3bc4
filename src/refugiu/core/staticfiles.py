"""The static files (styles, scripts, images, the fonts the reports embed), prepared once per installed
version instead of at every start.

Preparing means what `collectstatic` does with the configured storage: copy some 1,400 files (25 MB,
mostly fonts) into STATIC_ROOT, give each a name with its content's hash and compress it (WhiteNoise).
That takes from half a minute to two on the machines NGOs have, so doing it at every start made every
restart (after a crash, an upgrade, a reboot) a minute of downtime, and `refugiu demo` look broken.

Now a fingerprint of what would be collected (Refugiu's version, the storage, and the path, size and
modification time of every file the finders see) is kept beside STATIC_ROOT once the files are prepared;
a start whose fingerprint matches serves at once. `refugiu upgrade` prepares them (once per deploy), and
`serve` and `demo` do it themselves when the fingerprint differs: a first start, a new version, a file
changed in a development checkout.

The files are collected into a new folder beside STATIC_ROOT and swapped in when complete (two renames),
so a failed or interrupted preparation leaves the previous files served, and a lock makes a second
process starting at the same time (two servers on one shared data folder) wait for the first one's
result instead of collecting again.
"""

import contextlib
import fcntl
import hashlib
import importlib.metadata
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.management.commands import collectstatic
from django.core.management import call_command
from django.utils.module_loading import import_string

STAMP_NAME = "static.prepared"
LOCK_NAME = "static.lock"


def static_root() -> Path:
    return Path(settings.STATIC_ROOT)


def _stamp_path() -> Path:
    # Beside STATIC_ROOT, not in it: everything in STATIC_ROOT is served to anyone.
    return static_root().with_name(STAMP_NAME)


def static_fingerprint() -> str:
    """What the prepared files depend on: the installed version, the storage that prepares them, and every
    source file the finders list (path, size, modification time). Reading it costs a stat per file."""
    digest = hashlib.sha256()
    try:
        version = importlib.metadata.version("refugiu")
    except importlib.metadata.PackageNotFoundError:  # run from a source tree that was never installed
        version = "source"
    for part in (version, settings.STORAGES["staticfiles"]["BACKEND"], settings.STATIC_URL):
        digest.update(f"{part}\n".encode())
    for finder in finders.get_finders():
        for path, storage in finder.list([]):
            prefix = getattr(storage, "prefix", None) or ""
            status = os.stat(storage.path(path))
            digest.update(f"{prefix}/{path}\0{status.st_size}\0{status.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def static_prepared(fingerprint: str | None = None) -> bool:
    """The static files in STATIC_ROOT are the ones this version would prepare."""
    try:
        stamp = _stamp_path().read_text().strip()
    except FileNotFoundError:
        return False
    return stamp == (fingerprint or static_fingerprint()) and static_root().is_dir()


@contextlib.contextmanager
def _preparation_lock() -> Iterator[None]:
    """Held while the files are checked and prepared: one process of the installation at a time."""
    path = static_root().with_name(LOCK_NAME)
    with open(path, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def static_prepare(*, force: bool = False) -> bool:
    """Prepare the static files unless they are prepared for this version already (or `force`); True when
    they were prepared now."""
    with _preparation_lock():
        fingerprint = static_fingerprint()
        if not force and static_prepared(fingerprint):
            return False
        root = static_root()
        new = root.with_name(f".static-new-{os.getpid()}")
        old = root.with_name(f".static-old-{os.getpid()}")
        for leftover in root.parent.glob(".static-*-*"):  # of a preparation that was interrupted
            shutil.rmtree(leftover, ignore_errors=True)
        try:
            _collect(new)
            _stamp_path().unlink(missing_ok=True)
            if root.exists():
                root.rename(old)
            new.rename(root)
        finally:
            shutil.rmtree(new, ignore_errors=True)
            shutil.rmtree(old, ignore_errors=True)
        _stamp_path().write_text(fingerprint + "\n")
        return True


def _collect(folder: Path) -> None:
    """`collectstatic` with the configured storage, into `folder` instead of STATIC_ROOT."""
    folder.mkdir(mode=0o700)
    command = collectstatic.Command()
    backend = settings.STORAGES["staticfiles"]
    command.storage = import_string(backend["BACKEND"])(location=str(folder), **backend.get("OPTIONS", {}))
    call_command(command, interactive=False, verbosity=0)
