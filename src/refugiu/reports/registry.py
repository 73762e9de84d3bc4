"""Every kind of report that can be made as a file, keyed by its `ReportRun.Kind`, with its renderers keyed
by format (refugiu.reports.rendering describes the interface).

The pages and the `report` command ask `renderer(kind, format)` for a file made while the person waits;
the background task (refugiu.reports.tasks) calls `render_run`. A new kind of report is a package with a
builder, its renderers and a `KIND`, added to REPORTS below and to `ReportRun.Kind`.

Tests (and a task worker started with test settings, tests/reports/renderers_fake.py) replace entries of
REPORTS with quick stand-ins.
"""

from typing import Any

from refugiu.reports import annual, assistance, funder
from refugiu.reports.models import ReportRun
from refugiu.reports.rendering import Progress, Renderer, ReportKind

REPORTS: dict[str, ReportKind[Any]] = {
    kind.kind: kind for kind in (annual.KIND, funder.KIND, assistance.KIND)
}


class RendererUnavailable(LookupError):
    """No kind of report of this name is registered (a kind added to ReportRun.Kind before its package)."""


def report_kind(kind: str) -> ReportKind[Any]:
    try:
        return REPORTS[kind]
    except KeyError:
        raise RendererUnavailable(f"no report of kind {kind!r} is registered") from None


def formats(kind: str) -> tuple[str, ...]:
    """The formats `kind` is made in, in the order the pages offer them."""
    return report_kind(kind).formats


def renderer(kind: str, format: str) -> Renderer[Any]:
    """The renderer of `kind` in `format`: RendererUnavailable for an unknown kind, ValueError for a
    format the kind is not made in."""
    return report_kind(kind).renderer(format)


def render_run(run: ReportRun, progress: Progress) -> tuple[bytes, str]:
    """Make the file of a background run: its builder reads the run's parameters into the view model (saying
    how far it got through `progress`), the renderer of the run's format writes it. Returns the file's
    content and its name (nothing personal in it). ValueError for a format the kind is not made in,
    before anything is read."""
    kind = report_kind(run.kind)
    writer = kind.renderer(run.format)
    report = kind.build_run(run, progress)
    content = writer.render(report)
    progress(100, str(kind.done_message))
    return content, report.filename(run.format)
