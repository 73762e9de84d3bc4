"""`refugiu hsds_import PATH`: import an HSDS 3.0 file or tabular package into the directory.

Three ways, each listing every problem of the file in one run (record, field, place in the file, what is
wrong, how to fix it), on stdout for --check and on stderr otherwise:
- by default, all or nothing: on any problem nothing is written;
- `--check`: the same reading and checks, and nothing is written whatever it finds;
- `--skip-invalid`: the valid records are imported; the others, with everything that belongs to them,
  are written with their reasons to a JSON file (`--rejected`, by default beside the input), which can be
  corrected and imported again as it is.
What is accepted is described in `directory.hsds.importer`; the exit codes in EXIT_CODES.
"""

import argparse
import json
import os
import textwrap
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, DjangoHelpFormatter
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from refugiu.directory.hsds.importer import hsds_check_path, hsds_import_path
from refugiu.directory.hsds.problems import HsdsImportError, Problem
from refugiu.directory.hsds.summary import ImportSummary, Rejected

OK, PROBLEMS, USAGE, SOME_REJECTED = 0, 1, 2, 3
EXIT_CODES = f"""exit codes:
  {OK}  imported, or with --check: no problem found
  {PROBLEMS}  problems found, nothing written (and with --check, whatever it finds); or the file cannot
     be read at all
  {USAGE}  wrong use of the command (an unknown option, no PATH)
  {SOME_REJECTED}  with --skip-invalid: the valid records imported, the others written to the rejected file
"""


class _HelpFormatter(DjangoHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Django's order of options, and the exit codes laid out as written."""


def rejected_default(path: Path) -> Path:
    """Where --skip-invalid writes the records it set aside: beside the input, named after it."""
    path = Path(path)
    return path.parent / f"{path.name.rstrip('/')}.rejected.json"


class Command(BaseCommand):
    help = (
        "Import HSDS 3.0 data: a JSON file (an organization in full form, a list of them or a page "
        '{"contents": [...]}), an NDJSON file (one organization per line), or a tabular data package '
        "(a folder or .zip with datapackage.json and its CSV files). Records are matched by id. All or "
        "nothing: on any problem nothing is written, and every problem of the file is listed (record, "
        "field, place in the file, what is wrong, how to fix it). --check lists them without writing "
        "anything; --skip-invalid imports the valid records and writes the others, with their reasons, "
        "to a JSON file that can be corrected and imported again."
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.formatter_class = _HelpFormatter
        parser.description = textwrap.fill(self.help, width=100)
        parser.epilog = EXIT_CODES
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="the file, folder or .zip to import")
        how = parser.add_mutually_exclusive_group()
        how.add_argument(
            "--check",
            action="store_true",
            help="check the file as an import would and list every problem; write nothing to the database",
        )
        how.add_argument(
            "--skip-invalid",
            action="store_true",
            help="import the valid records; write the others, with their reasons, to the rejected file",
        )
        parser.add_argument(
            "--rejected",
            type=Path,
            metavar="FILE",
            help="with --skip-invalid: where to write the rejected records (JSON); by default "
            "PATH.rejected.json beside the input, replaced if it is there",
        )

    def handle(
        self,
        *args: Any,
        path: Path,
        check: bool = False,
        skip_invalid: bool = False,
        rejected: Path | None = None,
        **options: Any,
    ) -> None:
        path = Path(path)  # call_command passes keyword options unparsed
        if rejected is not None and not skip_invalid:
            raise CommandError("--rejected goes with --skip-invalid", returncode=USAGE)
        if check:
            self._check(path)
        elif skip_invalid:
            self._import_valid(path, Path(rejected) if rejected else rejected_default(path))
        else:
            self._import(path)

    # --- the three ways

    def _check(self, path: Path) -> None:
        started = time.perf_counter()
        try:
            found = hsds_check_path(path)
        except HsdsImportError as exc:
            self._list(exc.problems, self.stdout)
            raise CommandError(
                _("%(file)s cannot be read; nothing was written") % {"file": path.name}, returncode=PROBLEMS
            ) from exc
        seconds = time.perf_counter() - started
        self._list(found.problems, self.stdout)
        for warning in found.warnings:
            self.stdout.write(f"warning: {warning}")
        records = ", ".join(
            f"{number:,} {plural.replace('_', ' ')}" for plural, number in found.records.items() if number
        )
        self.stdout.write(_("Read: %(records)s.") % {"records": records or _("no records")})
        if found.problems:
            raise CommandError(
                ngettext(
                    "%(problems)s problem in %(units)s of %(total)s top-level records or rows of %(file)s; "
                    "nothing was written.",
                    "%(problems)s problems in %(units)s of %(total)s top-level records or rows of %(file)s; "
                    "nothing was written.",
                    len(found.problems),
                )
                % {
                    "problems": f"{len(found.problems):,}",
                    "units": f"{found.bad_units:,}",
                    "total": f"{found.units:,}",
                    "file": path.name,
                },
                returncode=PROBLEMS,
            )
        self.stdout.write(
            self.style.SUCCESS(
                _("%(file)s: no problem found in %(seconds).1f s; nothing was written.")
                % {"file": path.name, "seconds": seconds}
            )
        )

    def _import(self, path: Path) -> None:
        started = time.perf_counter()
        try:
            summary = hsds_import_path(path)
        except HsdsImportError as exc:
            self._list(exc.problems, self.stderr)
            if len(exc.problems) == 1:
                raise CommandError(f"nothing imported: {exc}", returncode=PROBLEMS) from exc
            raise CommandError(
                ngettext(
                    "nothing imported: %(count)s problem, listed above",
                    "nothing imported: %(count)s problems, listed above",
                    len(exc.problems),
                )
                % {"count": f"{len(exc.problems):,}"},
                returncode=PROBLEMS,
            ) from exc
        self._done(path, summary, time.perf_counter() - started)

    def _import_valid(self, path: Path, rejected_file: Path) -> None:
        started = time.perf_counter()
        if rejected_file.resolve() == path.resolve():
            raise CommandError("--rejected must not be the file being imported", returncode=USAGE)
        try:
            rejected_file.parent.mkdir(parents=True, exist_ok=True)
            # Made before the import, readable by its owner only (a shelter's address may be in it): a
            # folder we cannot write to is found before anything is imported.
            descriptor = os.open(rejected_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        except OSError as exc:
            raise CommandError(
                _(
                    "cannot write the rejected records to %(file)s (%(error)s); choose another file with "
                    "--rejected"
                )
                % {"file": rejected_file, "error": exc.strerror},
                returncode=PROBLEMS,
            ) from exc
        with os.fdopen(descriptor, "wb") as stream:
            try:
                summary = hsds_import_path(path, skip_invalid=True)
            except HsdsImportError as exc:
                stream.close()
                rejected_file.unlink(missing_ok=True)
                self._list(exc.problems, self.stderr)
                raise CommandError(f"nothing imported: {exc}", returncode=PROBLEMS) from exc
            if summary.rejected:
                document = rejected_document(path, summary)
                stream.write(json.dumps(document, ensure_ascii=False, indent=2).encode())
        if not summary.rejected:
            rejected_file.unlink(missing_ok=True)
        self._done(path, summary, time.perf_counter() - started)
        if summary.rejected:
            self._list(summary.problems, self.stderr)
            for item in summary.rejected:
                if item.because:
                    self.stderr.write(f"{item.label}: {item.because}")
            raise CommandError(
                ngettext(
                    "%(count)s top-level record or row rejected, with what belongs to it: written with the "
                    "reasons to %(file)s",
                    "%(count)s top-level records or rows rejected, with what belongs to them: written with "
                    "the reasons to %(file)s",
                    len(summary.rejected),
                )
                % {"count": f"{len(summary.rejected):,}", "file": rejected_file},
                returncode=SOME_REJECTED,
            )

    # --- output

    def _list(self, problems: list[Problem], stream: Any) -> None:
        """Every problem, numbered: the record, the field and where it is; what is wrong; how to fix it."""
        total = len(problems)
        for number, problem in enumerate(problems, 1):
            head = problem.record
            if problem.field:
                head = _("%(record)s, field %(field)s") % {"record": head, "field": problem.field}
            stream.write(f"{number}/{total} {head}")
            if problem.path:
                stream.write("    " + _("where: %(path)s") % {"path": problem.path})
            stream.write("    " + _("what is wrong: %(reason)s") % {"reason": problem.reason})
            if problem.fix:
                stream.write("    " + _("how to fix it: %(fix)s") % {"fix": problem.fix})

    def _done(self, path: Path, summary: ImportSummary, seconds: float) -> None:
        self.stdout.write(str(summary))
        services = summary.services.created + summary.services.updated
        rate = ""
        if services and seconds > summary.reindex_seconds:
            rate = (
                f", {services / (seconds - summary.reindex_seconds):,.0f} services/s before the search index"
            )
        index = f"search index {summary.reindex_seconds:.1f} s{rate}"
        self.stdout.write(self.style.SUCCESS(f"Imported {path.name} in {seconds:.1f} s ({index})."))


def rejected_document(source: Path, summary: ImportSummary) -> dict[str, Any]:
    """The rejected file: `contents` holds the rejected records as the source has them (a page, which
    `hsds_import` reads), `rejected` says why, item by item. From a tabular package, the rows and their
    cells instead, to correct in the package's CSV files."""
    contents: list[Any] = []
    items = []
    for item in summary.rejected:
        entry = _rejected_entry(item)
        if item.file:
            entry["file"], entry["cells"] = item.file, item.data
        elif item.text:
            entry["text"] = item.text
        elif item.data is not None:
            entry["contents_index"] = len(contents)
            contents.append(item.data)
        items.append(entry)
    return {
        "about": _(
            "Records refugiu hsds_import did not import from %(source)s. Each one in contents is as it was "
            "there; rejected says why, in the same order. Correct them here and import this file again. "
            "Rows of a tabular package are corrected in its CSV files."
        )
        % {"source": source.name},
        "source": str(source),
        "contents": contents,
        "rejected": items,
    }


def _rejected_entry(item: Rejected) -> dict[str, Any]:
    entry: dict[str, Any] = {"record": item.label, "path": item.path}
    if item.problems:
        entry["problems"] = [problem.as_dict() for problem in item.problems]
    if item.because:
        entry["reason"] = item.because
    if item.with_it:
        entry["rejected_with_it"] = [
            {
                "record": record,
                "reason": _("rejected with %(record)s, which it belongs to") % {"record": owner},
            }
            for record, owner in item.with_it
        ]
    return entry
