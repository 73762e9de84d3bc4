"""Reports made in the background: asked for over HTTP, made by the database backend's real worker,
followed and downloaded by the person who asked, and by nobody else.

Every kind of report is replaced by a quick stand-in (tests/reports/renderers_fake.py) in the registry
(refugiu.reports.registry.REPORTS); the task, the queue, the worker and the pages are the real ones.
"""

import datetime
import logging
import os
import signal
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from refugiu.accounts.roles import Role
from refugiu.core.models import WorkerHeartbeat
from refugiu.core.workers import heartbeat_beat
from refugiu.programmes.models import Project
from refugiu.reports import registry, tasks
from refugiu.reports.models import ReportRun
from tests.accounts.mfa import force_login_with_mfa
from tests.factories import UserFactory
from tests.reports import renderers_fake

REPO = Path(__file__).resolve().parents[2]
GENERIC_FAILURE = "The report could not be made. Please try again later or tell the administrator."
REFRESH = 'http-equiv="refresh"'


@pytest.fixture
def fake_renderers(monkeypatch):
    for kind, fake in renderers_fake.fake_kinds().items():
        monkeypatch.setitem(registry.REPORTS, kind, fake)


def _run_worker():
    """Make every queued task with the backend's own worker command, in this process, then stop. The
    command installs its own signal handlers; pytest's are put back."""
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", batch=True, reload=False, startup_delay=False, interval=0, verbosity=0)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)


def _request(client, **data):
    return client.post(reverse("reports:run_request"), data)


@pytest.mark.django_db(transaction=True)
def test_requested_report_is_made_by_the_worker_and_downloaded_by_its_requester_only(client, fake_renderers):
    staff = UserFactory(roles=[Role.PROGRAMME_STAFF])
    colleague = UserFactory(roles=[Role.PROGRAMME_STAFF])
    client.force_login(staff)

    response = _request(client, kind="annual", format="pdf", year="2019")
    run = ReportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:run_detail", args=[run.pk])
    assert (run.requested_by, run.kind, run.format, run.status) == (staff, "annual", "pdf", "queued")
    assert run.parameters["year"] == 2019
    assert run.task_id
    assert DBTaskResult.objects.get(id=run.task_id).task_path == "refugiu.reports.tasks.make_report"

    page = client.get(reverse("reports:run_detail", args=[run.pk])).content.decode()
    assert REFRESH in page and "<progress" in page

    _run_worker()

    run.refresh_from_db()
    assert run.status == ReportRun.Status.DONE
    assert run.progress == 100
    assert run.filename == f"fake-report-{run.pk}.pdf"
    assert run.finished_at is not None
    assert run.file.name.startswith("reports/")
    assert DBTaskResult.objects.get(id=run.task_id).status == "SUCCESSFUL"

    page = client.get(reverse("reports:run_detail", args=[run.pk])).content.decode()
    assert REFRESH not in page
    assert reverse("reports:run_download", args=[run.pk]) in page
    download = client.get(reverse("reports:run_download", args=[run.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"] == f'attachment; filename="fake-report-{run.pk}.pdf"'
    assert b"".join(download.streaming_content) == f"report {run.pk} annual pdf".encode()
    listing = client.get(reverse("reports:run_list")).content.decode()
    assert reverse("reports:run_detail", args=[run.pk]) in listing

    client.force_login(colleague)
    for name in ("run_detail", "run_download"):
        assert client.get(reverse(f"reports:{name}", args=[run.pk])).status_code == 404
    assert (
        reverse("reports:run_detail", args=[run.pk])
        not in client.get(reverse("reports:run_list")).content.decode()
    )


@pytest.mark.django_db(transaction=True)
def test_a_failing_report_shows_a_generic_message_and_logs_no_personal_data(client, fake_renderers, caplog):
    staff = UserFactory(roles=[Role.PROGRAMME_STAFF])
    client.force_login(staff)
    _request(client, kind="annual", format="pdf", year=str(renderers_fake.FAILING_YEAR))

    with caplog.at_level(logging.INFO):
        _run_worker()

    run = ReportRun.objects.get()
    assert run.status == ReportRun.Status.FAILED
    assert run.message == GENERIC_FAILURE
    assert not run.file
    assert run.finished_at is not None
    assert "ValueError" in caplog.text
    assert renderers_fake.SECRET_IN_ERROR not in caplog.text
    page = client.get(reverse("reports:run_detail", args=[run.pk])).content.decode()
    assert REFRESH not in page
    assert GENERIC_FAILURE in page
    assert renderers_fake.SECRET_IN_ERROR not in page
    assert client.get(reverse("reports:run_download", args=[run.pk])).status_code == 404


@pytest.mark.django_db
def test_a_kind_of_report_missing_from_the_registry_fails_the_run_clearly(monkeypatch):
    monkeypatch.delitem(registry.REPORTS, "annual")
    run = ReportRun.objects.create(
        requested_by=UserFactory(), kind="annual", format="pdf", parameters={"year": 2019}
    )

    tasks.make_report.call(run.pk)

    run.refresh_from_db()
    assert run.status == ReportRun.Status.FAILED
    assert run.message == "This report cannot be made yet: the part of Refugiu that makes it is missing."


@pytest.mark.django_db
def test_a_task_run_twice_makes_its_report_once(fake_renderers, tmp_path, monkeypatch):
    log = tmp_path / "made.txt"
    monkeypatch.setenv("REFUGIU_FAKE_RENDER_LOG", str(log))
    run = ReportRun.objects.create(
        requested_by=UserFactory(), kind="statistics", format="csv", parameters={"year": 2019}
    )

    tasks.make_report.call(run.pk)
    run.refresh_from_db()
    first = (run.status, run.file.name, run.finished_at)
    tasks.make_report.call(run.pk)
    run.refresh_from_db()

    assert first[0] == ReportRun.Status.DONE
    assert (run.status, run.file.name, run.finished_at) == first
    assert len(log.read_text().splitlines()) == 1


@pytest.mark.django_db
def test_progress_is_written_only_when_it_changed_and_not_too_often(django_assert_num_queries):
    run = ReportRun.objects.create(requested_by=UserFactory(), kind="annual", format="pdf", status="running")
    progress = tasks._Progress(run)

    with django_assert_num_queries(1):
        progress(20, "Reading")
    with django_assert_num_queries(0):
        progress(30, "Still reading")  # too soon after the last write
        progress(20, "Reading")  # nothing changed
    run.refresh_from_db()
    assert (run.progress, run.message) == (20, "Reading")


@pytest.mark.django_db
def test_detail_refreshes_itself_only_while_the_report_is_pending(client):
    staff = UserFactory(roles=[Role.PROGRAMME_STAFF])
    client.force_login(staff)
    run = ReportRun.objects.create(requested_by=staff, kind="annual", format="pdf", parameters={"year": 2019})
    url = reverse("reports:run_detail", args=[run.pk])
    for status, refreshes in [("queued", True), ("running", True), ("done", False), ("failed", False)]:
        ReportRun.objects.filter(pk=run.pk).update(status=status, progress=40)
        page = client.get(url).content.decode()
        assert (REFRESH in page) is refreshes, status
        assert ('<progress id="run-progress" max="100" value="40">' in page) is refreshes, status


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.ADMINISTRATOR, {"annual"}),
        (Role.PROGRAMME_STAFF, {"annual", "funder"}),
        (Role.COORDINATOR, {"annual", "statistics"}),
        (Role.RESEARCHER, {"statistics"}),
    ],
)
def test_each_role_may_ask_only_for_its_kinds_of_report(client, role, allowed):
    user = UserFactory(roles=[role])
    force_login_with_mfa(client, user)
    project = Project.objects.create(title="A fake project")
    posts = {
        "annual": {"kind": "annual", "format": "docx", "year": "2019"},
        "funder": {"kind": "funder", "format": "xlsx", "project": project.pk, "date_from": "2019-01-01"},
        "statistics": {"kind": "statistics", "format": "csv", "year": "2019"},
    }
    for kind, data in posts.items():
        response = _request(client, **data)
        assert response.status_code == (302 if kind in allowed else 404), kind
    assert set(ReportRun.objects.values_list("kind", flat=True)) == allowed
    assert client.get(reverse("reports:run_request")).status_code == 200
    assert client.get(reverse("reports:run_list")).status_code == 200
    funder = ReportRun.objects.filter(kind="funder").first()
    if funder:
        assert funder.parameters == {
            "project": project.pk,
            "date_from": "2019-01-01",
            "date_to": None,
            "language": "en",
        }


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.DIRECTORY_EDITOR, Role.DATA_PROTECTION_OFFICER])
def test_roles_without_reports_get_404_everywhere(client, role):
    user = UserFactory(roles=[role])
    owner = UserFactory(roles=[Role.PROGRAMME_STAFF])
    run = ReportRun.objects.create(requested_by=owner, kind="annual", format="pdf")
    force_login_with_mfa(client, user)
    assert client.get(reverse("reports:run_list")).status_code == 404
    assert client.get(reverse("reports:run_request")).status_code == 404
    assert _request(client, kind="annual", format="pdf", year="2019").status_code == 404
    assert client.get(reverse("reports:run_detail", args=[run.pk])).status_code == 404
    assert client.delete(reverse("reports:run_detail", args=[run.pk])).status_code == 404


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("reports:run_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.django_db
def test_a_run_of_a_kind_the_person_may_no_longer_ask_for_is_hidden(client):
    user = UserFactory(roles=[Role.PROGRAMME_STAFF])
    run = ReportRun.objects.create(requested_by=user, kind="statistics", format="csv", status="done")
    client.force_login(user)
    assert client.get(reverse("reports:run_detail", args=[run.pk])).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "annual", "format": "xlsx", "year": "2019"}, "format"),
        ({"kind": "annual", "format": "pdf"}, "year"),
        ({"kind": "funder", "format": "pdf"}, "project"),
        ({"kind": "funder", "format": "pdf", "date_from": "2019-12-31", "date_to": "2019-01-01"}, "date_to"),
    ],
)
def test_invalid_requests_are_shown_again_with_their_errors(client, data, field):
    client.force_login(UserFactory(roles=[Role.PROGRAMME_STAFF]))
    response = _request(client, **data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not ReportRun.objects.exists()


def _postgres_url() -> str:
    d = connection.settings_dict
    user = urllib.parse.quote(d["USER"] or "")
    password = f":{urllib.parse.quote(d['PASSWORD'])}" if d["PASSWORD"] else ""
    return f"postgres://{user}{password}@{d['HOST'] or 'localhost'}:{d['PORT'] or 5432}/{d['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_several_workers_on_postgresql_make_each_report_exactly_once(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip(
            "several workers take tasks side by side only on PostgreSQL (SELECT … FOR UPDATE SKIP LOCKED)"
        )
    log = tmp_path / "made.txt"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.reports.settings_fake_renderers",
        "DATABASE_URL": _postgres_url(),
        "REFUGIU_FAKE_RENDER_LOG": str(log),
        "REFUGIU_FAKE_RENDER_SECONDS": "0.5",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    }
    outputs = [tmp_path / f"worker-{number}.txt" for number in (1, 2)]
    workers = []
    try:
        for number, output in enumerate(outputs, start=1):
            command = [
                sys.executable,
                "-m",
                "refugiu.cli",
                "db_worker",
                "--no-reload",
                "--no-startup-delay",
                "--interval",
                "0.1",
                "--worker-id",
                f"test-worker-{number}",
            ]
            with output.open("w") as handle:
                worker = subprocess.Popen(command, cwd=REPO, env=env, stdout=handle, stderr=subprocess.STDOUT)  # noqa: S603
                workers.append(worker)
        deadline = time.monotonic() + 60
        while not all("Starting worker" in output.read_text() for output in outputs):
            assert time.monotonic() < deadline, [output.read_text() for output in outputs]
            assert all(worker.poll() is None for worker in workers), [
                output.read_text() for output in outputs
            ]
            time.sleep(0.1)

        user = UserFactory(roles=[Role.PROGRAMME_STAFF])
        runs = [
            tasks.request_report(user=user, kind="annual", parameters={"year": 2019}, format="pdf")
            for _n in range(6)
        ]
        deadline = time.monotonic() + 60
        while ReportRun.objects.exclude(status=ReportRun.Status.DONE).exists():
            assert time.monotonic() < deadline, list(ReportRun.objects.values_list("status", "message"))
            time.sleep(0.2)
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=30)

    made = [line.split() for line in log.read_text().splitlines()]
    assert sorted(int(run_id) for run_id, _pid in made) == sorted(run.pk for run in runs)
    assert len({pid for _run_id, pid in made}) == 2, "both workers made reports"
    results = DBTaskResult.objects.filter(id__in=[run.task_id for run in ReportRun.objects.all()])
    assert len(results) == 6
    assert all(result.status == "SUCCESSFUL" and len(result.worker_ids) == 1 for result in results)
    assert {result.worker_ids[0] for result in results} == {"test-worker-1", "test-worker-2"}


@pytest.mark.parametrize("kind", ReportRun.Kind.values)
def test_every_kind_of_report_is_registered_with_its_renderers(kind):
    report_kind = registry.report_kind(kind)
    assert report_kind.kind == kind
    assert report_kind.formats and len(set(report_kind.formats)) == len(report_kind.formats)
    for format_ in report_kind.formats:
        assert registry.renderer(kind, format_).format == format_
    with pytest.raises(ValueError):
        registry.renderer(kind, "odt")


@pytest.mark.django_db
def test_a_real_report_is_made_by_the_task(settings):
    run = ReportRun.objects.create(
        requested_by=UserFactory(),
        kind="statistics",
        format="csv",
        parameters={"year": 2019, "language": "en"},
    )
    tasks.make_report.call(run.pk)
    run.refresh_from_db()
    assert (run.status, run.progress, run.message) == (ReportRun.Status.DONE, 100, "")
    assert run.filename.endswith(".csv")
    with run.file.open("rb") as handle:
        assert handle.read()


@pytest.mark.django_db  # serve checks the encryption keys against the database first (core.startup)
@pytest.mark.parametrize(("task_workers", "expected"), [(None, "default"), (0, 0), (3, 3)])
def test_serve_starts_task_workers_with_the_server_and_stops_them_after(monkeypatch, task_workers, expected):
    """`refugiu serve` (and so `refugiu demo`) starts the task workers before the web server and stops them
    when it stops; by default one on SQLite and two on PostgreSQL."""
    from gunicorn.app.wsgiapp import WSGIApplication

    from refugiu.core.management.commands import serve

    if expected == "default":
        expected = 1 if connection.vendor == "sqlite" else 2
    events = []
    monkeypatch.setattr(serve, "call_command", lambda *args, **kwargs: None)  # collectstatic

    class TaskWorkers:  # core.supervisor's, whose own processes are tested in tests/test_supervisor.py
        def start(self, count):
            self.count = count
            events.append(("start", count))

        def stop(self):
            events.append(("stop", self.count))

    monkeypatch.setattr(serve, "TaskWorkers", TaskWorkers)

    def server_stops(self):
        events.append(("serve", None))
        raise SystemExit(0)

    monkeypatch.setattr(WSGIApplication, "run", server_stops)
    monkeypatch.setattr(sys, "argv", list(sys.argv))
    with pytest.raises(SystemExit):
        call_command("serve", bind="127.0.0.1:0", task_workers=task_workers)
    assert events == [("start", expected), ("serve", None), ("stop", expected)]


@pytest.mark.django_db
def test_a_run_whose_worker_died_is_shown_as_failed_after_the_timeout(client, settings):
    settings.REFUGIU = {**settings.REFUGIU, "REPORT_TIMEOUT_MINUTES": 60}
    staff = UserFactory(roles=[Role.PROGRAMME_STAFF])
    stuck, recent = (
        ReportRun.objects.create(
            requested_by=staff, kind="annual", format="pdf", status=ReportRun.Status.RUNNING
        )
        for _ in range(2)
    )
    ReportRun.objects.filter(pk=stuck.pk).update(
        requested_at=stuck.requested_at - datetime.timedelta(minutes=61)
    )
    client.force_login(staff)
    page = client.get(reverse("reports:run_detail", args=[stuck.pk])).content.decode()
    stuck.refresh_from_db()
    recent.refresh_from_db()
    assert stuck.status == ReportRun.Status.FAILED and "interrupted" in stuck.message
    assert REFRESH not in page
    assert recent.status == ReportRun.Status.RUNNING


def _running(user, *, worker_id: str) -> ReportRun:
    """A run being made by `worker_id`, as the worker leaves it after claiming its task."""
    run = ReportRun.objects.create(requested_by=user, kind="annual", format="pdf", parameters={"year": 2019})
    result = tasks.make_report.enqueue(run.pk)
    DBTaskResult.objects.get(id=result.id).claim(worker_id)
    ReportRun.objects.filter(pk=run.pk).update(task_id=str(result.id), status=ReportRun.Status.RUNNING)
    run.refresh_from_db()
    return run


def _seen(worker_id: str, *, ago: datetime.timedelta) -> None:
    heartbeat_beat(worker_id=worker_id, started_at=timezone.now())
    WorkerHeartbeat.objects.filter(pk=worker_id).update(last_seen=timezone.now() - ago)


@pytest.mark.django_db
def test_a_run_whose_worker_stopped_being_seen_is_failed_and_can_be_asked_for_again(client, settings):
    settings.REFUGIU = {**settings.REFUGIU, "WORKER_LOST_MINUTES": 3}
    staff = UserFactory(roles=[Role.PROGRAMME_STAFF])
    orphan = _running(staff, worker_id="killed-worker")
    busy = _running(staff, worker_id="busy-worker")
    _seen("killed-worker", ago=datetime.timedelta(minutes=3, seconds=5))
    _seen("busy-worker", ago=datetime.timedelta(seconds=4))
    client.force_login(staff)

    page = client.get(reverse("reports:run_detail", args=[orphan.pk])).content.decode()
    orphan.refresh_from_db()
    assert orphan.status == ReportRun.Status.FAILED and orphan.finished_at is not None
    assert orphan.message == "The report was interrupted before it was ready. Please ask for it again."
    assert orphan.message in page and REFRESH not in page
    task = DBTaskResult.objects.get(id=orphan.task_id)
    assert (task.status, task.exception_class_path) == ("FAILED", "refugiu.core.workers.WorkerLost")
    busy.refresh_from_db()
    assert busy.status == ReportRun.Status.RUNNING  # its worker is alive: maybe a long report
    assert DBTaskResult.objects.get(id=busy.task_id).status == "RUNNING"

    again = f"{reverse('reports:run_request')}?kind=annual"
    assert f'href="{again}"' in page
    assert client.get(again).status_code == 200
    assert _request(client, kind="annual", format="pdf", year="2019").status_code == 302
    assert ReportRun.objects.filter(requested_by=staff, status=ReportRun.Status.QUEUED).count() == 1


@pytest.mark.django_db
def test_a_run_of_a_worker_never_seen_or_whose_task_ended_is_failed(client, settings):
    """A worker without a heartbeat row (killed before this version recorded one, or its row removed) is
    lost; a task that ended (failed after an outage) without finishing its run will never finish it."""
    staff = UserFactory(roles=[Role.PROGRAMME_STAFF])
    unseen = _running(staff, worker_id="never-seen")
    ended = _running(staff, worker_id="back-after-an-outage")
    _seen("back-after-an-outage", ago=datetime.timedelta(seconds=1))
    DBTaskResult.objects.filter(id=ended.task_id).update(status="FAILED")
    waiting = ReportRun.objects.create(requested_by=staff, kind="annual", format="pdf")
    tasks.make_report.enqueue(waiting.pk)  # in the queue, no worker yet: it waits

    client.force_login(staff)
    assert client.get(reverse("reports:run_list")).status_code == 200
    for run, status in ((unseen, "failed"), (ended, "failed"), (waiting, "queued")):
        run.refresh_from_db()
        assert run.status == status, run


@pytest.mark.django_db
def test_pending_runs_are_checked_in_three_queries(client, django_assert_num_queries):
    staff, idle = UserFactory(roles=[Role.PROGRAMME_STAFF]), UserFactory(roles=[Role.PROGRAMME_STAFF])
    _running(staff, worker_id="busy-worker")
    _seen("busy-worker", ago=datetime.timedelta(seconds=1))
    with django_assert_num_queries(3):
        assert tasks.runs_abandoned_fail(user=staff) == 0
    with django_assert_num_queries(1):
        assert tasks.runs_abandoned_fail(user=idle) == 0
