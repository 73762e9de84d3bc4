"""A stand-in for the kinds of report in tests of the background runs: quick, and it records who made what.

`fake_kinds()` gives, for every registered kind, a ReportKind (refugiu.reports.rendering) with the same
formats whose builder reads nothing and whose renderers write "report <run id> <kind> <format>". Its
builder fails for the year 1999 with a message carrying a fake person's name, which must reach neither the
person nor the log. With REFUGIU_FAKE_RENDER_LOG set it appends "<run id> <process id>" to that file for
each report it makes, and with REFUGIU_FAKE_RENDER_SECONDS it takes that long.

Tests in this process put them into refugiu.reports.registry.REPORTS with monkeypatch; a task worker
started in its own process with tests.reports.settings_fake_renderers gets them from
`FakeRenderersConfig.ready()`, which runs after the reports app has loaded.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.apps import AppConfig

from refugiu.reports.rendering import Progress, Renderer, ReportKind

if TYPE_CHECKING:  # models are not loaded yet when Django imports this module for FakeRenderersConfig
    from refugiu.reports.models import ReportRun

FAILING_YEAR = 1999
SECRET_IN_ERROR = "Ioana Fictivescu"


@dataclass(frozen=True)
class FakeReport:
    run: ReportRun

    def filename(self, format: str) -> str:
        return f"fake-report-{self.run.pk}.{format}"


def build_run(run: ReportRun, progress: Progress) -> FakeReport:
    progress(10, "Reading the year's data")
    if run.parameters.get("year") == FAILING_YEAR:
        raise ValueError(f"cannot read the case of {SECRET_IN_ERROR}")
    time.sleep(float(os.environ.get("REFUGIU_FAKE_RENDER_SECONDS", "0")))
    if log := os.environ.get("REFUGIU_FAKE_RENDER_LOG"):
        with open(log, "a") as handle:
            handle.write(f"{run.pk} {os.getpid()}\n")
    progress(90, "Writing the file")
    return FakeReport(run)


def render(report: FakeReport) -> bytes:
    run = report.run
    return f"report {run.pk} {run.kind} {run.format}".encode()


def fake_kinds() -> dict[str, ReportKind[FakeReport]]:
    from refugiu.reports import registry

    return {
        kind: ReportKind(
            kind=kind,
            build_run=build_run,
            renderers=tuple(Renderer(format, "application/octet-stream", render) for format in real.formats),
            done_message="Done",
        )
        for kind, real in registry.REPORTS.items()
    }


class FakeRenderersConfig(AppConfig):
    """Installed after refugiu.reports by tests.reports.settings_fake_renderers: every kind made by the
    stand-in."""

    name = "tests.reports.renderers_fake"
    label = "reports_fake"

    def ready(self) -> None:
        from refugiu.reports import registry

        registry.REPORTS.update(fake_kinds())
