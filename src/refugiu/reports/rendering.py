"""The one small interface between a report's builder and its renderers.

A kind of report is made in two steps:

- its **builder** reads the data into a plain view model (dataclasses of text and figures, nothing left
  to query); for a background run, `ReportKind.build_run` reads the run's parameters first and says how
  far it got through `Progress`;
- one **renderer** per format turns that view model into the bytes of a file (`Renderer.render`).

The view model names its own file (`Report.filename`), with nothing personal in the name. Every kind is
listed in refugiu.reports.registry, keyed by its `ReportRun.Kind`; the pages, the `report` command and the
background task find a renderer there by kind and format.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar

if TYPE_CHECKING:
    from django.utils.functional import Promise

    from refugiu.reports.models import ReportRun

# How far a report has got: a percentage and a message for the person who asked for it.
Progress = Callable[[int, str], None]


class Report(Protocol):
    """What every report's view model offers: the name of its file in a format."""

    def filename(self, format: str) -> str: ...


ReportT = TypeVar("ReportT", bound=Report)


@dataclass(frozen=True)
class Renderer(Generic[ReportT]):
    """Writes a report's view model in one format."""

    format: str
    content_type: str
    render: Callable[[ReportT], bytes]


@dataclass(frozen=True)
class ReportKind(Generic[ReportT]):
    """One kind of report: how a background run becomes its view model, and its renderers, in the order
    the pages offer them."""

    kind: str  # a ReportRun.Kind
    build_run: Callable[[ReportRun, Progress], ReportT]
    renderers: tuple[Renderer[ReportT], ...]
    done_message: str | Promise  # the last step's message, once the file is written

    @property
    def formats(self) -> tuple[str, ...]:
        return tuple(renderer.format for renderer in self.renderers)

    def renderer(self, format: str) -> Renderer[ReportT]:
        """The renderer of `format`; ValueError when this kind is not made in that format."""
        for renderer in self.renderers:
            if renderer.format == format:
                return renderer
        raise ValueError(
            f"unknown format {format!r} for the {self.kind} report; expected one of {', '.join(self.formats)}"
        )
