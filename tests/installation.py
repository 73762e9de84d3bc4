"""A real installation for tests that run `refugiu` (or gunicorn) as a subprocess: its own data folder and
its own database (SQLite in the data folder, or a scratch PostgreSQL database beside the test database when
the suite runs on PostgreSQL), the project's real settings, no test shortcuts.
"""

import os
import shutil
import signal
import subprocess
import sys
import urllib.parse
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection

BIN = Path(sys.executable).parent
SECRET_KEY = "a-secret-key-for-a-test-installation-only"


@dataclass
class Installation:
    data_dir: Path
    database_url: str | None  # None: SQLite in the data folder (the default)
    env: dict = field(default_factory=dict)  # added to (or, with None values, removed from) every run

    def environment(self, **extra) -> dict:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("REFUGIU_", "DATABASE_URL", "DJANGO_SETTINGS_MODULE", "SECRET_KEY"))
        }
        env.update(
            DJANGO_SETTINGS_MODULE="refugiu.settings",
            REFUGIU_DATA_DIR=str(self.data_dir),
            REFUGIU_MANIFEST_STATIC="0",
            SECRET_KEY=SECRET_KEY,
        )
        if self.database_url:
            env["DATABASE_URL"] = self.database_url
        for key, value in {**self.env, **extra}.items():
            if value is None:
                env.pop(key, None)
            else:
                env[key] = value
        return env

    def run(self, *command: str, timeout: float = 120, **extra) -> subprocess.CompletedProcess:
        """Run `refugiu COMMAND…`, or `gunicorn …` / `python …` when that is the first word; a process still
        running after `timeout` seconds is stopped with everything it started, and the test fails."""
        program, *arguments = command
        if program == "python":
            argv = [sys.executable, *arguments]
        elif program == "gunicorn":
            argv = [shutil.which("gunicorn", path=str(BIN)), *arguments]
        else:
            argv = [shutil.which("refugiu", path=str(BIN)), *command]
        process = subprocess.Popen(  # noqa: S603 - our own commands, fixed arguments
            argv,
            cwd=self.data_dir.parent,
            env=self.environment(**extra),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,  # its own process group: stopped whole, task workers included
        )
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            stdout, stderr = process.communicate()
            raise AssertionError(f"`{' '.join(command)}` still running after {timeout} s: {stderr}") from None
        return subprocess.CompletedProcess(argv, process.returncode, stdout, stderr)

    def sql(self, statement: str) -> list[tuple]:
        """Rows of a query against this installation's database, read directly (not through Django)."""
        if self.database_url is None:
            import sqlite3

            with sqlite3.connect(self.data_dir / "refugiu.sqlite3") as database:
                return database.execute(statement).fetchall()
        import psycopg

        with psycopg.connect(self.database_url) as database:
            return database.execute(statement).fetchall()


def postgres_url(name: str) -> str:
    d = connection.settings_dict
    user = urllib.parse.quote(d["USER"] or "")
    password = f":{urllib.parse.quote(d['PASSWORD'])}" if d["PASSWORD"] else ""
    return f"postgres://{user}{password}@{d['HOST'] or 'localhost'}:{d['PORT'] or 5432}/{name}"


@contextmanager
def installation(data_dir: Path, *, suffix: str):
    """An Installation whose database does not exist yet (SQLite: no file; PostgreSQL: an empty scratch
    database named after the test database and `suffix`, dropped afterwards)."""
    if connection.vendor != "postgresql":
        yield Installation(data_dir=data_dir, database_url=None)
        return
    import psycopg
    from psycopg import sql

    name = f"{connection.settings_dict['NAME']}_{suffix}"
    admin_url = postgres_url("postgres")
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield Installation(data_dir=data_dir, database_url=postgres_url(name))
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
