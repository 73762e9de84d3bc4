"""Database outages for tests of a real installation (tests/installation.py) run in subprocesses.

- PostgreSQL: the installation reaches its database through a TCP forwarder in the test process. Cutting
  it closes every connection it carries (as a server restart or a network cut does) and refuses new ones
  (nothing listens on its port); restoring it listens on the same port again.
- SQLite: the database lives in a folder of its own; cutting renames that folder away (a lost volume: a
  new connection cannot open the file, while one already open keeps working on it, as with a real unmount
  of a network share it held), restoring renames it back.
"""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from tests.installation import BIN, Installation


class Forwarder:
    """Forwards TCP connections from 127.0.0.1:<port> to `target`, until cut."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.port = 0
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._listener: socket.socket | None = None
        self.restore()

    def restore(self) -> None:
        listener = socket.create_server(("127.0.0.1", self.port))
        listener.settimeout(0.1)
        self.port = listener.getsockname()[1]
        self._listener = listener
        self._accepting = threading.Thread(target=self._accept, args=(listener,), daemon=True)
        self._accepting.start()

    def cut(self) -> None:
        listener, self._listener = self._listener, None
        self._accepting.join()  # out of accept(), so that the port is free for restore()
        listener.close()
        with self._lock:
            sockets, self._sockets = self._sockets, set()
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _accept(self, listener: socket.socket) -> None:
        while self._listener is listener:
            try:
                client, _address = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets |= {client, upstream}
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                sink.shutdown(socket.SHUT_WR)


class Outage:
    """The database of an installation that a test can take away and give back (see the module)."""

    def __init__(self, *, database_url: str | None, folder: Path):
        if database_url is None:
            self.folder = folder / "database"
            self.folder.mkdir(mode=0o700)
            self.away = folder / "database-away"
            self.database_url = f"sqlite:///{self.folder / 'refugiu.sqlite3'}"
            self.forwarder = None
        else:
            url = urllib.parse.urlsplit(database_url)
            self.forwarder = Forwarder((url.hostname, url.port or 5432))
            netloc = f"{url.netloc.rsplit('@', 1)[0]}@127.0.0.1:{self.forwarder.port}"
            self.database_url = urllib.parse.urlunsplit(url._replace(netloc=netloc))

    @property
    def is_cut(self) -> bool:
        return self.forwarder._listener is None if self.forwarder else not self.folder.exists()

    def cut(self) -> None:
        if self.forwarder:
            self.forwarder.cut()
        else:
            self.folder.rename(self.away)

    def restore(self) -> None:
        if self.forwarder:
            self.forwarder.restore()
        else:
            self.away.rename(self.folder)

    @contextlib.contextmanager
    def cut_for(self):
        self.cut()
        try:
            yield
        finally:
            self.restore()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Process:
    """A long-running process of an installation (gunicorn, a task worker) in its own process group, its
    output in a file."""

    def __init__(self, site: Installation, argv: list[str], output: Path, **extra):
        self.output = output
        with output.open("w") as handle:
            self.popen = subprocess.Popen(  # noqa: S603 - our own commands
                argv,
                cwd=site.data_dir.parent,
                env=site.environment(**extra),
                stdout=handle,
                stderr=subprocess.STDOUT,
                text=True,
                start_new_session=True,
            )

    def text(self) -> str:
        return self.output.read_text()

    def alive(self) -> bool:
        return self.popen.poll() is None

    def wait_for(self, words: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while words not in self.text():
            assert self.alive(), self.text()
            assert time.monotonic() < deadline, self.text()
            time.sleep(0.1)

    def stop(self) -> None:
        if self.alive():
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait()


def gunicorn(site: Installation, output: Path, *, port: int, **extra) -> Process:
    """The WSGI application in gunicorn, as an operator may run it without `refugiu serve`."""
    argv = [shutil.which("gunicorn", path=str(BIN)), "--bind", f"127.0.0.1:{port}", "--workers", "1"]
    argv += ["--access-logfile", "-", "--access-logformat", '"%(m)s %(U)s" %(s)s']  # as `refugiu serve`
    return Process(site, [*argv, "refugiu.wsgi:application"], output, **extra)


def get(url: str, **headers) -> tuple[int, dict, bytes]:
    """GET `url`: status, headers (lower-case names) and body, whatever the status."""
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - http://127.0.0.1 only
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


def wait_until(condition, *, timeout: float = 60, interval: float = 0.2, what: str = ""):
    """The first truthy value of condition(), tried until `timeout` seconds have passed."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        assert time.monotonic() < deadline, f"still not {what or condition} after {timeout} s"
        time.sleep(interval)
