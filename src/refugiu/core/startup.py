"""What every start checks before it serves a page or touches encrypted data: the data folder is private,
and the encryption keys are there, well-formed, and the ones this database was encrypted with.

The data folder (settings.DATA_DIR) holds the SQLite database, the keys, uploads, mail with reset links,
generated reports and case files: it is mode 0700 and nothing in it is readable by another account. Our
processes create files so (umask 077 in cli.py and wsgi.py; FILE_UPLOAD_PERMISSIONS); at each start
anything looser (left by an older version, a copy, another tool) is tightened, i.e. group and other lose
every permission, and each such path is named on stderr: refusing to start over a mode that can be fixed
would only make the operator type the chmod. When it cannot be fixed (a file owned by another account),
the start is refused with the path and the command to run. Symbolic links are not followed. A SQLite
database kept elsewhere (DATABASE_URL) gets the same for its file and its -wal and -shm files, never for
the folder it is in. Public files (an HSDS export to publish, say) belong outside the data folder.

Without this, a missing key file was discovered by the people using Refugiu: a new key was made silently,
every case page answered a bare error, search-before-register found nobody, and a person already
registered was registered again under the new key. Now `refugiu serve`, `demo`, `db_worker`,
`check_keys`, the commands that read or write encrypted data (`rotate_keys`, `generate_cases`) and the
WSGI application itself (gunicorn started directly) refuse to start, with a message that says what is
wrong, where the key is expected and what to do (never any key material), when
- the key file is missing (and REFUGIU_ENCRYPTION_KEYS unset) while the database holds encrypted data;
- a configured key is not a Fernet key;
- no configured key opens the check value (core.models.EncryptionCheck), or, before one was written, an
  encrypted value already stored.
A key file is made only for an empty installation (no check value, nothing encrypted), and only by the
commands that set one up (`serve`, `demo`, `check_keys`): never by the web application or a worker, so a
second application server started without the key refuses instead of splitting the data in two. The
check value is written the first time the keys are found right.

Commands that need no key (the HSDS import and export, the report command, the programme commands,
Django's own) do not check: they neither read nor write encrypted data.

A database that does not answer yet (a machine booting, PostgreSQL restarting) is waited for, up to
REFUGIU["START_WAIT_SECONDS"], saying so once on stderr; past that the start is refused with the reason
(the driver's first line: connection refused, authentication failed…), never a traceback. The WSGI
application, which gunicorn starts in each of its workers, waits at most WSGI_START_WAIT_MAX_SECONDS and then
ends with status 1, not 3: gunicorn then starts another worker, which waits again, instead of stopping the
whole server for a database that will come back.
"""

import os
import stat
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from cryptography.fernet import InvalidToken
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, OutputWrapper
from django.db import IntegrityError, connection, connections, transaction

from refugiu.core import crypto
from refugiu.core.database import DATABASE_UNAVAILABLE, connection_close_quietly, database_error_summary

CHECK_TEXT = "Refugiu encryption check v1"

REFUSED = "Refugiu cannot start: "
MISSING = (
    REFUSED + "the database holds encrypted data, but there is no encryption key ({problem}).\n"
    "Restore the key file from your backup (or copy it from another application server of this "
    "installation) to {file}, mode 0600, or set {env}; then start again. Do not let a new key be made: "
    "it could read none of the data already stored."
)
MALFORMED = (
    REFUSED + "{problem}.\n"
    "Put the right keys back (from your backup), one per line in the key file or comma-separated in {env}, "
    "newest first; then start again."
)
WRONG = (
    REFUSED + "no configured encryption key ({count} from {source}) opens the data in this database: the "
    "keys belong to another installation, or are older or newer than this database.\n"
    "Restore the keys this database was encrypted with (from your backup, or the key file of another "
    "application server of this installation) and start again."
)
NO_KEY_YET = (
    REFUSED + "this installation has no encryption key yet ({problem}).\n"
    "Run `refugiu check_keys` once (it makes the key file for an empty installation; `refugiu serve` and "
    "`refugiu demo` do it too), or set {env}; then start again."
)
UNSAFE_MODES = (
    REFUSED + "{count} files or folders of the data folder can be read by other accounts, and this account "
    "cannot change that (they belong to another account): {paths}.\n"
    "As their owner or root, run `chmod -R go-rwx {data_dir}` (and give them to the account that runs "
    "Refugiu), then start again."
)
NOT_MIGRATED = REFUSED + "the database is not set up. Run `refugiu migrate` first, then start again."
WAITING = "Refugiu is waiting for the database ({error}): trying again for up to {seconds:.0f} s."
ANSWERED = "The database answers after {seconds:.0f} s: starting."
UNREACHABLE = (
    REFUSED + "the database did not answer for {seconds:.0f} s ({error}).\n"
    "Check that it is running and reachable from this machine, and that DATABASE_URL names it (the data "
    "folder, for SQLite); then start again. REFUGIU_START_WAIT_SECONDS sets how long a start waits."
)
# gunicorn kills a worker that has not booted within its timeout (30 s by default): the WSGI application
# gives up before, with its message, and gunicorn starts another worker.
WSGI_START_WAIT_MAX_SECONDS = 20


class StartRefused(Exception):
    """Why this installation must not start, for the operator (no key material)."""


class DatabaseUnreachable(StartRefused):
    """The database did not answer within the time a start waits: it may later."""


def start_check(*, make_key: bool) -> list[str]:
    """Make the data folder private and check the keys against the database (see the module); returns
    notes for the operator, and raises StartRefused when the start must not go on. `make_key`: this
    start may give an empty installation its first key file."""
    return data_folder_secure() + keys_check(make_key=make_key)


def data_folder_secure() -> list[str]:
    """Take every permission of group and others from the data folder, everything in it, and the SQLite
    database's files wherever they are; returns what was changed, as notes."""
    data_dir = Path(settings.DATA_DIR)
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    loose = [path for path, mode in _tree_modes(str(data_dir)) if mode & 0o077]
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"]:
        database = Path(connection.settings_dict["NAME"]).resolve()
        if not database.is_relative_to(data_dir):
            for file in (database.with_name(database.name + suffix) for suffix in ("", "-wal", "-shm")):
                try:
                    status = file.lstat()
                except FileNotFoundError:
                    continue
                if not stat.S_ISLNK(status.st_mode) and status.st_mode & 0o077:
                    loose.append(str(file))
    tightened: list[str] = []
    stuck: list[str] = []
    for path in loose:
        try:
            os.chmod(path, stat.S_IMODE(os.lstat(path).st_mode) & 0o700)
        except FileNotFoundError:  # gone meanwhile (a SQLite -wal, a temporary file)
            continue
        except OSError:
            stuck.append(path)
        else:
            tightened.append(path)
    if stuck:
        raise StartRefused(UNSAFE_MODES.format(count=len(stuck), paths=_listed(stuck), data_dir=data_dir))
    if not tightened:
        return []
    return [
        f"Made {len(tightened)} files and folders readable by this account only (other accounts could read "
        f"them): {_listed(tightened)}."
    ]


def _tree_modes(folder: str) -> Iterator[tuple[str, int]]:
    """(path, mode) of `folder` and of everything under it, symbolic links left out (and not followed).
    os.scandir, because a start reads every file of the data folder: its entries carry their own lstat."""
    yield folder, stat.S_IMODE(os.lstat(folder).st_mode)
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return
    for entry in entries:
        try:
            if entry.is_symlink():
                continue
            mode = entry.stat(follow_symlinks=False).st_mode
        except FileNotFoundError:
            continue
        if stat.S_ISDIR(mode):
            yield from _tree_modes(entry.path)
        else:
            yield entry.path, stat.S_IMODE(mode)


def _listed(paths: list[str], most: int = 10) -> str:
    names = ", ".join(str(path) for path in paths[:most])
    return names + (f" and {len(paths) - most} more" if len(paths) > most else "")


def keys_check(*, make_key: bool) -> list[str]:
    from refugiu.core.models import EncryptionCheck

    notes = []
    crypto.keys_reset()
    try:
        keys = crypto.keys_load()
    except crypto.KeyUnavailable as problem:
        if os.environ.get(crypto.ENV_VAR, "").strip() or crypto.key_file().exists():
            raise StartRefused(MALFORMED.format(problem=problem, env=crypto.ENV_VAR)) from None
        keys, missing = None, problem
    if EncryptionCheck._meta.db_table not in connection.introspection.table_names():
        raise StartRefused(NOT_MIGRATED)

    stored_check = _check_value_stored()
    if keys is None:
        details = {"problem": missing, "file": crypto.key_file(), "env": crypto.ENV_VAR}
        if stored_check is not None or _encrypted_value_stored() is not None:
            raise StartRefused(MISSING.format(**details))
        if not make_key:
            raise StartRefused(NO_KEY_YET.format(**details))
        path = crypto.keys_create()
        notes.append(
            f"Made a new encryption key in {path} for this empty installation. Back it up apart from the "
            "database: without it the encrypted data cannot be read."
        )
        keys = crypto.keys_load()
    wrong = WRONG.format(count=len(keys), source=crypto.keys_source())
    if stored_check is None:
        sample = _encrypted_value_stored()
        if sample is not None and not _opens(sample):
            raise StartRefused(wrong)
        try:
            with transaction.atomic():
                EncryptionCheck.objects.create(id=1, value=CHECK_TEXT)
        except IntegrityError:  # another start wrote it first: it must open with our keys too
            stored_check = _check_value_stored()
    if stored_check is not None and _opens(stored_check) != CHECK_TEXT:
        raise StartRefused(wrong)
    return notes


def keys_open_check_value() -> bool:
    """The keys this process encrypts with open the check value stored in the database (readiness,
    core.health): false without a usable key, without a check value, or when the keys were rotated since."""
    stored = _check_value_stored()
    try:
        return stored is not None and _opens(stored) == CHECK_TEXT
    except crypto.KeyUnavailable:
        return False


def _opens(ciphertext: str) -> str | None:
    """The plaintext of a stored value under the configured keys, or None if none of them opens it."""
    try:
        return crypto.decrypt_text(ciphertext)
    except InvalidToken:
        return None


def _check_value_stored() -> str | None:
    """The check value as stored (ciphertext), read by SQL: the model would decrypt it on reading."""
    from refugiu.core.fields import concrete_column
    from refugiu.core.models import EncryptionCheck

    quote = connection.ops.quote_name
    table, column = (
        quote(EncryptionCheck._meta.db_table),
        quote(concrete_column(EncryptionCheck._meta.get_field("value"))),
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = 1")  # noqa: S608 - names from the model
        row = cursor.fetchone()
    return row[0] if row else None


# Other encrypted values than the models' encrypted fields (second-factor secrets kept in a JSON column by
# a library, say): each domain that keeps some registers, from its AppConfig.ready, a function returning one
# such stored ciphertext or None. Core knows no domain.
ENCRYPTED_VALUE_SAMPLERS: list[Callable[[], str | None]] = []


def encrypted_value_sampler_register(sampler: Callable[[], str | None]) -> None:
    if sampler not in ENCRYPTED_VALUE_SAMPLERS:
        ENCRYPTED_VALUE_SAMPLERS.append(sampler)


def _encrypted_value_stored() -> str | None:
    """One encrypted value already in the database (ciphertext), or None: any encrypted field of any
    model, then what the registered samplers find."""
    from refugiu.core.fields import concrete_column, encrypted_columns
    from refugiu.core.models import EncryptionCheck

    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model, fields in encrypted_columns():
            if model is EncryptionCheck:
                continue
            for field in fields:
                table, column = quote(model._meta.db_table), quote(concrete_column(field))
                # Names from the models only; nothing from input.
                cursor.execute(f"SELECT {column} FROM {table} WHERE {column} <> '' LIMIT 1")  # noqa: S608
                row = cursor.fetchone()
                if row:
                    stored: str = row[0]
                    return stored
    for sampler in ENCRYPTED_VALUE_SAMPLERS:
        value = sampler()
        if value is not None:
            return value
    return None


def start_check_waiting(
    *, make_key: bool, say: Callable[[str], None], wait_seconds: float | None = None
) -> list[str]:
    """start_check, waiting up to `wait_seconds` (REFUGIU["START_WAIT_SECONDS"] by default) for a database
    that does not answer, telling the operator once through `say`; raises DatabaseUnreachable past it."""
    wait = settings.REFUGIU["START_WAIT_SECONDS"] if wait_seconds is None else wait_seconds
    notes = data_folder_secure()  # no database needed, and a large folder takes a second: once
    started = time.monotonic()
    delay = 0.5
    told = False
    while True:
        try:
            notes += keys_check(make_key=make_key)
        except DATABASE_UNAVAILABLE as error:
            connection_close_quietly()
            summary = database_error_summary(error)
            waited = time.monotonic() - started
            if waited >= wait:
                raise DatabaseUnreachable(UNREACHABLE.format(seconds=wait, error=summary)) from None
            if not told:
                say(WAITING.format(error=summary, seconds=wait))
                told = True
            time.sleep(min(delay, wait - waited))
            delay = min(delay * 2, 5.0)
            continue
        if told:
            say(ANSWERED.format(seconds=time.monotonic() - started))
        return notes


def start_check_command(command: BaseCommand, *, make_key: bool) -> None:
    """start_check for a management command, waiting for the database: notes on its stderr, a refusal as
    a CommandError (the message and exit status 1, no traceback)."""
    try:
        notes = start_check_waiting(make_key=make_key, say=command.stderr.write)
    except StartRefused as refusal:
        raise CommandError(str(refusal)) from None
    for note in notes:
        command.stderr.write(note)


class StartCheckedCommand(BaseCommand):
    """A command that reads or writes encrypted data: it runs only after start_check passes."""

    make_key = False

    def execute(self, *args: Any, **options: Any) -> str | None:
        if options.get("stderr"):  # as BaseCommand.execute does, so that the notes go where asked
            self.stderr = OutputWrapper(options["stderr"])
        start_check_command(self, make_key=self.make_key)
        return super().execute(*args, **options)


def start_check_or_exit(*, make_key: bool = False) -> None:
    """start_check for a server process (the WSGI application at import), waiting for the database: a
    refusal is written to stderr and ends the process."""

    def say(message: str) -> None:
        sys.stderr.write(f"{message}\n")
        sys.stderr.flush()

    wait = min(settings.REFUGIU["START_WAIT_SECONDS"], WSGI_START_WAIT_MAX_SECONDS)
    try:
        notes = start_check_waiting(make_key=make_key, say=say, wait_seconds=wait)
    except StartRefused as refusal:
        say(str(refusal))
        # 3 is gunicorn's "worker failed to boot": its arbiter then stops with that status, instead of
        # starting the worker again and again, which is right for a wrong key, not for a database that will
        # come back (1: gunicorn starts another worker). Any other server sees the process end in failure.
        raise SystemExit(1 if isinstance(refusal, DatabaseUnreachable) else 3) from None
    finally:
        connections.close_all()  # opened before any fork of a preloading server: not to be shared
    for note in notes:
        sys.stderr.write(f"{note}\n")
