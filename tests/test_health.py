"""/healthz and /readyz (core.health) through real requests: what they answer on a healthy installation,
which check each fault fails, and what they never do (touch the database for /healthz, need a sign-in,
set a cookie, get cached, redirect to HTTPS, refuse a load balancer's host name, fill the logs).

A database that cannot be reached is tested on a real installation in tests/test_faults.py.
"""

import datetime
import json
import logging

import pytest
from cryptography.fernet import Fernet
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from refugiu.core import crypto, health
from refugiu.core.models import AuditEntry, WorkerHeartbeat
from refugiu.core.workers import heartbeat_beat
from refugiu.reports.models import ReportRun
from refugiu.reports.tasks import make_report
from tests.factories import UserFactory
from tests.test_deployment import refugiu

pytestmark = pytest.mark.django_db

HEALTHY = {
    "status": "ok",
    "checks": {
        "database": {"status": "ok"},
        "migrations": {"status": "ok"},
        "keys": {"status": "ok"},
        "workers": {"status": "ok", "seen": 1},
        "queue": {"status": "ok", "longest_wait_seconds": 0},
    },
}


@pytest.fixture(autouse=True)
def _fresh_checks():
    health.migrations_forget()
    yield
    health.migrations_forget()
    crypto.keys_reset()


@pytest.fixture
def worker_seen():
    heartbeat_beat(worker_id="a-test-worker", started_at=timezone.now())


def queued_task(*, waited: datetime.timedelta) -> DBTaskResult:
    run = ReportRun.objects.create(requested_by=UserFactory(), kind="annual", format="pdf")
    result = make_report.enqueue(run.pk)
    task = DBTaskResult.objects.get(id=result.id)
    DBTaskResult.objects.filter(id=task.id).update(enqueued_at=timezone.now() - waited)
    return task


def test_healthz_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
        head = client.head("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})
    assert head.status_code == 200
    assert response["Cache-Control"] == "no-store" and not response.cookies


def test_a_healthy_installation_is_ready(client, worker_seen, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == HEALTHY
    assert response["Cache-Control"] == "no-store" and not response.cookies
    # The migrations are read from the database at most every few seconds.
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/readyz").status_code == 200
    assert not any("django_migrations" in query["sql"] for query in queries.captured_queries)
    assert len(queries) <= 5


def _unapplied_migration(monkeypatch, settings):
    MigrationRecorder(connection).record_unapplied("core", "0005_worker_heartbeat")


def _wrong_key(monkeypatch, settings):
    monkeypatch.setenv(crypto.ENV_VAR, Fernet.generate_key().decode())
    crypto.keys_reset()


def _no_key(monkeypatch, settings):
    monkeypatch.delenv(crypto.ENV_VAR)
    settings.DATA_DIR = settings.DATA_DIR / "an-empty-folder"
    crypto.keys_reset()


def _no_worker_seen(monkeypatch, settings):
    WorkerHeartbeat.objects.update(last_seen=timezone.now() - datetime.timedelta(seconds=31))


def _stuck_queue(monkeypatch, settings):
    queued_task(waited=datetime.timedelta(minutes=16))


@pytest.mark.parametrize(
    ("fault", "failing", "detail"),
    [
        (_unapplied_migration, "migrations", {}),
        (_wrong_key, "keys", {}),
        (_no_key, "keys", {}),
        (_no_worker_seen, "workers", {"seen": 0}),
        (_stuck_queue, "queue", {"longest_wait_seconds": 16 * 60}),
    ],
)
def test_each_fault_fails_its_own_check(client, worker_seen, monkeypatch, settings, fault, failing, detail):
    fault(monkeypatch, settings)
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failing"
    expected = {name: {**check} for name, check in HEALTHY["checks"].items()}
    expected[failing] = {**expected[failing], "status": "failing", **detail}
    if failing == "queue":
        assert 16 * 60 <= body["checks"]["queue"].pop("longest_wait_seconds") < 16 * 60 + 30
        expected["queue"].pop("longest_wait_seconds")
    assert body["checks"] == expected
    assert response["Cache-Control"] == "no-store"


def test_a_queue_that_moves_is_not_stuck(client, worker_seen):
    queued_task(waited=datetime.timedelta(minutes=14))
    body = client.get("/readyz").json()
    assert body["checks"]["queue"]["status"] == "ok"
    assert 14 * 60 <= body["checks"]["queue"]["longest_wait_seconds"] < 15 * 60


def test_a_deployment_without_workers_says_so_and_is_ready(client, settings):
    settings.REFUGIU = {**settings.REFUGIU, "READY_TASK_WORKERS": 0}
    queued_task(waited=datetime.timedelta(hours=5))
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["workers"] == {"status": "off"}
    assert response.json()["checks"]["queue"] == {"status": "off"}


def test_readiness_needs_as_many_workers_as_it_is_told(client, worker_seen, settings):
    settings.REFUGIU = {**settings.REFUGIU, "READY_TASK_WORKERS": 2}
    assert client.get("/readyz").json()["checks"]["workers"] == {"status": "failing", "seen": 1}
    heartbeat_beat(worker_id="another-test-worker", started_at=timezone.now())
    assert client.get("/readyz").status_code == 200


def test_probes_need_no_sign_in_no_host_name_and_are_neither_audited_nor_limited(client, worker_seen):
    audited = AuditEntry.objects.count()
    for _probe in range(50):
        assert client.get("/readyz").status_code == 200
    # A load balancer probes with its own address as the host, which pages refuse (ALLOWED_HOSTS).
    assert client.get("/", HTTP_HOST="10.1.2.3").status_code == 400
    assert client.get("/readyz", HTTP_HOST="10.1.2.3").status_code == 200
    assert client.get("/healthz", HTTP_HOST="10.1.2.3").status_code == 200
    assert AuditEntry.objects.count() == audited
    refused = client.post("/readyz")
    assert refused.status_code == 405 and refused["Allow"] == "GET, HEAD"


def test_behind_https_probes_over_plain_http_are_not_redirected(client, settings, tmp_path):
    """Load balancers probe over plain HTTP: REFUGIU_BEHIND_HTTPS redirects every page but these two."""
    for name, value in _https_settings(tmp_path).items():
        setattr(settings, name, value)
    assert client.get("/about/").status_code == 301
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code in (200, 503)
    assert client.get("/healthz/extra").status_code == 301


def _https_settings(tmp_path) -> dict:
    """The redirect settings a process started with REFUGIU_BEHIND_HTTPS has."""
    code = (
        "import json; from django.conf import settings; print(json.dumps({name: getattr(settings, name) for "
        "name in ('SECURE_SSL_REDIRECT', 'SECURE_REDIRECT_EXEMPT', 'SECURE_PROXY_SSL_HEADER')}))"
    )
    result = refugiu(tmp_path, "shell", "--no-imports", "-c", code, REFUGIU_BEHIND_HTTPS="1")
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    return values


def test_probes_stay_out_of_the_logs_and_a_change_of_readiness_is_logged_once(client, worker_seen, caplog):
    health._last_ready["ready"] = True
    caplog.set_level(logging.INFO)
    WorkerHeartbeat.objects.all().delete()
    for _probe in range(3):
        assert client.get("/readyz").status_code == 503
    heartbeat_beat(worker_id="a-test-worker", started_at=timezone.now())
    for _probe in range(3):
        assert client.get("/readyz").status_code == 200
    messages = [record.getMessage() for record in caplog.records]
    assert messages == [
        "Not ready (/readyz answers 503): workers failing.",
        "Ready again (/readyz answers 200).",
    ]
