"""What a database that cannot be reached looks like, for the code that must outlive it: the start check
(core.startup), task workers (core.workers), the error pages (core.errors) and readiness (core.health)."""

import contextlib

from django.db import InterfaceError, OperationalError, connection

# What a database that cannot be reached, or went away mid-query, raises (through Django): connection
# refused or reset, a server restarting, SQLite unable to open its file or locked past its busy timeout.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


def database_error_summary(error: BaseException) -> str:
    """The class and first line of a DATABASE_UNAVAILABLE error, for the operator: "OperationalError:
    connection failed: …". These messages are about the connection (address, database and user names, a
    lock, a file), not about the rows a query touched; the rest of the message is left out all the same,
    and so is the traceback."""
    text = str(error).strip()
    first_line = text.splitlines()[0][:300] if text else ""
    name = type(error).__name__
    return f"{name}: {first_line}" if first_line else name


def connection_close_quietly() -> None:
    """Drop this thread's database connection, even a broken one: the next query opens a new one."""
    with contextlib.suppress(*DATABASE_UNAVAILABLE):
        connection.close()
