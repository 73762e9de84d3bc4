"""Reading an HSDS file or tabular package into the import's rows (`path_collect`): a JSON file holding one
organisation in full form, a list of them or an API page of them; NDJSON, one a line; a tabular data
package through `tabular`. Each top-level record (or row) is a unit, read through `records`. Only a file
that cannot be read at all (not JSON, over a limit, a damaged zip) raises HsdsImportError; a line that is
not JSON is a problem of its own unit, and the reading goes on.
"""

import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from refugiu.core import fastjson
from refugiu.core.limits import file_limit, file_too_big, record_limit, record_too_long
from refugiu.directory.hsds import problems as say
from refugiu.directory.hsds.problems import HsdsImportError, Invalid, json_type_name
from refugiu.directory.hsds.records import ImportRows, Place
from refugiu.directory.hsds.tabular import PackageError, tabular_package_collect

__all__ = ["path_collect"]


def _json_load(text: str) -> Any:
    """`fastjson.loads`, or `Invalid`; NaN and Infinity, which the json module reads, are not JSON, and no
    database would store them as JSON. A JSONDecodeError is the caller's."""

    def refuse(constant: str):
        raise Invalid(
            _("is not JSON (%(constant)s is not a JSON value)") % {"constant": constant},
            _("Write null instead, or leave the field out: JSON has no NaN or Infinity."),
        )

    try:
        return fastjson.loads(text, parse_constant=refuse)
    except RecursionError:
        raise say.too_deep() from None


def _refused(where: str, invalid: Invalid, key: str = "") -> HsdsImportError:
    """A file that cannot be read at all."""
    return HsdsImportError(where, key, invalid.reason, fix=invalid.fix)


def _file_read(path: Path) -> bytes:
    """The bytes of a file an import reads whole, refused (HsdsImportError) past the limit for one file,
    before it is read when its size says so, or as soon as it has given more."""
    if not path.is_file():
        raise HsdsImportError(
            path.name,
            "",
            "is not a file",
            fix=_("Give the path of an HSDS file, a package's folder or a .zip."),
        )
    limit = file_limit()
    size = path.stat().st_size
    if size <= limit:
        with path.open("rb") as handle:
            content = handle.read(limit + 1)
        if len(content) <= limit:
            return content
        size = len(content)  # it grew while being read
    raise _refused(path.name, say.too_long(file_too_big(size)))


@dataclass(slots=True)
class _Entry:
    """A top-level record of a JSON or NDJSON file: where it is, and the record (or why it is none)."""

    path: str  # its JSON path: "$[2]", "$.contents[2]", "$", "line 7: $"
    position: str  # how to name it before its id is known: "#3", "on line 7"
    record: Any = None
    invalid: Invalid | None = None  # a line that is not JSON
    text: str = ""  # that line


def _json_records(path: Path) -> list[_Entry]:
    """The top-level records of a JSON or NDJSON file, or HsdsImportError naming what is wrong with it."""
    try:
        text = _file_read(path).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise HsdsImportError(
            path.name, "", "is not UTF-8 text", fix=_("Save the file again as UTF-8 text.")
        ) from None
    if not text.strip():
        raise HsdsImportError(
            path.name, "", "is empty", fix=_("Check that this is the file you meant: it holds nothing.")
        )
    try:
        data = _json_load(text)
    except Invalid as exc:
        raise _refused(path.name, exc) from None
    except json.JSONDecodeError as exc:
        if exc.msg != "Extra data":
            raise HsdsImportError(
                path.name,
                "",
                f"is not JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})",
                fix=_(
                    "Correct the JSON at that place (a missing comma, quote or bracket is the usual cause); "
                    "python3 -m json.tool FILE shows where it breaks."
                ),
            ) from None
        return list(_ndjson_records(path.name, text))
    base = "$"
    if isinstance(data, dict) and "contents" in data and "id" not in data:
        data, base = data["contents"], "$.contents"
        if not isinstance(data, list):
            raise _refused(path.name, say.not_list("contents", data), "contents")
    if isinstance(data, dict):
        return [_Entry("$", "#1", data)]
    if isinstance(data, list):
        return [_Entry(f"{base}[{index}]", f"#{index + 1}", item) for index, item in enumerate(data)]
    raise HsdsImportError(
        path.name,
        "",
        "must hold an organization (a JSON object), a list of them or a page of them "
        f'({{"contents": [...]}}), not {json_type_name(data)}',
        fix=_('Put the records in a list, [{"id": …, "name": …}, …], or write one record per line (NDJSON).'),
    )


def _ndjson_records(name: str, text: str) -> Iterator[_Entry]:
    """The records of NDJSON text, one a line; a line that is not one is an entry with its problem."""
    longest = record_limit()
    for number, line in enumerate(text.splitlines(), 1):
        entry = _Entry(f"line {number}: $", f"on line {number}")
        if len(line) > longest:
            entry.invalid = say.too_long(record_too_long())  # not kept: it is over the limit
        elif not line.strip():
            continue
        else:
            try:
                entry.record = _json_load(line)
            except Invalid as exc:
                entry.invalid, entry.text = exc, line
            except json.JSONDecodeError as exc:
                entry.invalid, entry.text = say.not_json_line(exc.msg), line
        yield entry


def path_collect(path: Path, *, keep_data: bool = False) -> ImportRows:
    """Read the file or package at `path` into rows, noting every problem; HsdsImportError if it cannot be
    read at all. `keep_data`: keep each top-level record as the file has it, for the rejected ones."""
    if not path.exists():
        raise HsdsImportError(
            str(path), "", "no such file or folder", fix=_("Check the path: nothing is there.")
        )
    collector = ImportRows(keep_data=keep_data)
    if path.is_dir() or zipfile.is_zipfile(path):
        try:
            tabular_package_collect(path=path, rows=collector)
        except PackageError as exc:
            raise HsdsImportError(exc.where, exc.field, exc.reason, fix=exc.fix) from exc
        return collector
    for entry in _json_records(path):
        if entry.invalid is not None:
            label = f"{path.name} {entry.path.split(':')[0]}"
            unit = collector.begin(label=label, path=entry.path, text=entry.text)
            collector.unit_problem(unit, entry.invalid)
            continue
        _top_level(collector, entry.record, path=entry.path, position=entry.position)
    return collector


def _top_level(collector: ImportRows, record: Any, *, path: str, position: str) -> None:
    """One unit: a top-level record, with what is nested in it."""
    unit = collector.begin(label=f"organization {position}", path=path, data=record)
    try:
        collector.top_level(record, place=Place(path=path, label=position))
    except RecursionError:
        collector.unit_problem(unit, say.too_deep())
