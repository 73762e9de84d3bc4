"""A start does not prepare the static files again (core.staticfiles); `refugiu upgrade` does what a new
version needs, as often as it is run; `serve` says "Serving on" only once it answers."""

import threading

import pytest
from django.test import override_settings

from refugiu.core.staticfiles import static_prepare, static_prepared
from tests.installation import BIN, installation
from tests.outage import Process, free_port, get

MANIFEST = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


@pytest.fixture
def sources(tmp_path):
    """A small static folder, prepared with the production storage (hashed names, compressed copies) into
    a data folder of its own."""
    source = tmp_path / "source"
    (source / "css").mkdir(parents=True)
    rules = "".join(f".rule-{n} {{ margin: {n}px; }}\n" for n in range(200))  # worth compressing
    (source / "css" / "site.css").write_text("body { background: url('../img/dot.svg'); }\n" + rules)
    (source / "img").mkdir()
    (source / "img" / "dot.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"></svg>\n')
    (tmp_path / "data").mkdir()
    with override_settings(
        STATIC_ROOT=tmp_path / "data" / "static",
        STATICFILES_DIRS=[source],
        STATICFILES_FINDERS=["django.contrib.staticfiles.finders.FileSystemFinder"],
        STORAGES=MANIFEST,
    ):
        yield source


def served(tmp_path) -> dict[str, bytes]:
    root = tmp_path / "data" / "static"
    return {str(path.relative_to(root)): path.read_bytes() for path in root.rglob("*") if path.is_file()}


def test_the_static_files_are_prepared_once_and_then_served_as_they_are(sources, tmp_path):
    assert not static_prepared()
    assert static_prepare() is True
    files = served(tmp_path)
    assert "staticfiles.json" in files and "css/site.css.gz" in files
    assert any(
        name.startswith("css/site.") and name.endswith(".css") and name != "css/site.css" for name in files
    )
    stamps = {path: path.stat().st_mtime_ns for path in (tmp_path / "data" / "static").rglob("*")}

    assert static_prepared()
    assert static_prepare() is False  # the second start
    assert {path: path.stat().st_mtime_ns for path in (tmp_path / "data" / "static").rglob("*")} == stamps
    assert not (tmp_path / "data" / "static" / "static.prepared").exists()  # the stamp is not served
    assert [p.name for p in (tmp_path / "data").iterdir() if p.name.startswith(".static")] == []


def test_a_changed_source_file_is_prepared_again(sources, tmp_path):
    static_prepare()
    (sources / "css" / "site.css").write_text("body { color: #222; }\n")
    assert not static_prepared()
    assert static_prepare() is True
    assert served(tmp_path)["css/site.css"] == b"body { color: #222; }\n"


def test_a_preparation_that_fails_leaves_the_files_served_before(sources, tmp_path):
    static_prepare()
    before = served(tmp_path)
    # A stylesheet pointing at a file that does not exist: the manifest storage refuses it.
    (sources / "css" / "site.css").write_text("body { background: url('../img/missing.svg'); }\n")
    with pytest.raises(ValueError, match="missing.svg"):
        static_prepare()
    assert served(tmp_path) == before
    assert not static_prepared()  # the next start tries again
    assert [p.name for p in (tmp_path / "data").iterdir() if p.name.startswith(".static")] == []


def test_two_starts_at_once_prepare_the_files_once(sources, tmp_path):
    results = []
    starts = [threading.Thread(target=lambda: results.append(static_prepare())) for _ in range(2)]
    for start in starts:
        start.start()
    for start in starts:
        start.join(timeout=60)
    assert sorted(results) == [False, True]
    assert "css/site.css.gz" in served(tmp_path)


@pytest.mark.django_db(transaction=True)
def test_upgrade_prepares_a_new_installation_and_is_safe_to_run_again(tmp_path):
    with installation(tmp_path / "data", suffix="upgrade") as site:
        site.env["REFUGIU_ENCRYPTION_KEYS"] = None  # an empty installation: upgrade makes its key file
        first = site.run("upgrade")
        assert first.returncode == 0, first.stderr
        assert "Prepared the static files for this version." in first.stdout
        assert "Made a new encryption key" in first.stderr
        assert site.sql("SELECT COUNT(*) FROM django_migrations")[0][0] > 0
        assert (tmp_path / "data" / "encryption.keys").exists()
        static = tmp_path / "data" / "static"
        inode = static.stat().st_ino

        again = site.run("upgrade")
        assert again.returncode == 0, again.stderr
        assert "No migrations to apply." in again.stdout
        assert "The static files were already prepared for this version." in again.stdout
        assert "Made a new encryption key" not in again.stderr
        assert static.stat().st_ino == inode


@pytest.mark.django_db(transaction=True)
def test_serve_says_serving_only_when_it_answers_and_a_second_start_prepares_nothing(tmp_path):
    with installation(tmp_path / "data", suffix="serve_start") as site:
        assert site.run("migrate").returncode == 0
        port = free_port()
        outputs = []
        for start in ("first", "second"):
            server = Process(
                site,
                [str(BIN / "refugiu"), "serve", "--bind", f"127.0.0.1:{port}", "--task-workers", "0"],
                tmp_path / f"{start}.log",
            )
            try:
                server.wait_for("Serving on", timeout=120)
                # Said once a web worker is ready: the very next request is answered.
                status, _headers, _body = get(f"http://127.0.0.1:{port}/healthz")
                assert status == 200
                if start == "first":
                    inode = (tmp_path / "data" / "static").stat().st_ino
            finally:
                server.stop()
            outputs.append(server.text())
        first, second = outputs
        assert "Prepared the static files for this version (once)." in first
        assert "Prepared the static files" not in second
        assert (tmp_path / "data" / "static").stat().st_ino == inode
        assert first.count("Serving on") == second.count("Serving on") == 1
        assert f"Serving on http://127.0.0.1:{port}/" in second
