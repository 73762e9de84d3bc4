"""Cost templates as data: a JSON file per template (`finance/data/*.json`, or a funder's new one loaded with
`refugiu finance_template_load FILE`) becomes a `CostTemplate` and its category tree.

A file names the template's rules (time basis, productive time of a year, hours in a day-equivalent, the
indirect rate, the transfer threshold, the conversion rule) and its categories, each with a code, a name, a
kind (`vocabularies.CategoryKind`), whether it counts in the indirect costs' base (default: yes, except the
indirect category), whether approved time lands on it (`from_timesheets`, one leaf) and its children. Loading
again updates the template by its code: names and rules change, new categories are added; a category the file
no longer has is removed only when nothing is booked on it. Every problem of a file is reported at once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import ProtectedError

from refugiu.finance.vocabularies import CategoryKind, ConversionRule, TimeBasis

DATA_DIR = Path(__file__).resolve().parent / "data"
RULES = (
    "time_basis",
    "productive_time",
    "hours_per_day",
    "indirect_rate",
    "transfer_threshold",
    "conversion_rule",
)
DECIMALS = ("productive_time", "hours_per_day", "indirect_rate", "transfer_threshold")


class TemplateFileError(ValueError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class CategorySpec:
    code: str
    name: str
    kind: str
    in_indirect_base: bool
    from_timesheets: bool
    children: list[CategorySpec] = field(default_factory=list)


def bundled_template_files() -> list[Path]:
    return sorted(DATA_DIR.glob("*.json"))


def template_read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise TemplateFileError([f"{path.name}: not a readable JSON file ({error})"]) from error
    if not isinstance(data, dict):
        raise TemplateFileError([f"{path.name}: the file must hold one JSON object"])
    return data


def template_check(data: dict[str, Any]) -> tuple[dict[str, Any], list[CategorySpec]]:
    """The template's fields and category tree, or TemplateFileError listing every problem found."""
    problems: list[str] = []
    fields: dict[str, Any] = {}
    for key in ("code", "name"):
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{key}: required, a non-empty text")
        else:
            fields[key] = value.strip()
    for key in ("description", "source"):
        value = data.get(key, "")
        if not isinstance(value, str):
            problems.append(f"{key}: must be a text")
        else:
            fields[key] = value
    for key in RULES:
        value = data.get(key)
        if key in DECIMALS:
            try:
                number = Decimal(str(value))
            except (InvalidOperation, ValueError):
                problems.append(f'{key}: required, a number written as a string, e.g. "0.07"')
                continue
            if not number.is_finite() or number < 0:
                problems.append(f"{key}: must be a number of zero or more")
                continue
            if key in ("indirect_rate", "transfer_threshold") and number > 1:
                problems.append(f'{key}: a share between 0 and 1 (7 % is "0.07")')
                continue
            fields[key] = number
        else:
            allowed = TimeBasis.values if key == "time_basis" else ConversionRule.values
            if value not in allowed:
                problems.append(f"{key}: one of {', '.join(allowed)}")
            else:
                fields[key] = value
    categories = _categories(data.get("categories"), "categories", problems, seen=set())
    leaves = [spec for spec in _walk(categories) if not spec.children]
    if not categories:
        problems.append("categories: at least one category")
    if sum(spec.from_timesheets for spec in _walk(categories)) > 1:
        problems.append("categories: at most one category takes the costs of timesheets (from_timesheets)")
    if any(spec.from_timesheets and spec.children for spec in _walk(categories)):
        problems.append("categories: from_timesheets belongs on a category without children")
    if sum(spec.kind == CategoryKind.INDIRECT for spec in leaves) > 1:
        problems.append("categories: at most one indirect cost category")
    if problems:
        raise TemplateFileError(problems)
    return fields, categories


def _categories(value: Any, where: str, problems: list[str], *, seen: set[str]) -> list[CategorySpec]:
    if value is None:
        return []
    if not isinstance(value, list):
        problems.append(f"{where}: must be a list")
        return []
    specs = []
    for index, item in enumerate(value):
        here = f"{where}[{index}]"
        if not isinstance(item, dict):
            problems.append(f"{here}: must be an object")
            continue
        code, name, kind = item.get("code"), item.get("name"), item.get("kind")
        ok = True
        if not isinstance(code, str) or not code.strip() or len(code) > 20:
            problems.append(f"{here}.code: required, a text of at most 20 characters")
            ok = False
        elif code in seen:
            problems.append(f"{here}.code: {code} appears twice")
            ok = False
        else:
            seen.add(code)
        if not isinstance(name, str) or not name.strip() or len(name) > 200:
            problems.append(f"{here}.name: required, a text of at most 200 characters")
            ok = False
        if kind not in CategoryKind.values:
            problems.append(f"{here}.kind: one of {', '.join(CategoryKind.values)}")
            ok = False
        default_base = kind != CategoryKind.INDIRECT
        in_base = item.get("in_indirect_base", default_base)
        from_timesheets = item.get("from_timesheets", False)
        if not isinstance(in_base, bool) or not isinstance(from_timesheets, bool):
            problems.append(f"{here}: in_indirect_base and from_timesheets are true or false")
            ok = False
        elif kind == CategoryKind.INDIRECT and in_base:
            problems.append(f"{here}: the indirect cost category cannot count in its own base")
            ok = False
        children = _categories(item.get("children"), f"{here}.children", problems, seen=seen)
        if ok and isinstance(code, str) and isinstance(name, str) and isinstance(kind, str):
            specs.append(CategorySpec(code.strip(), name.strip(), kind, in_base, from_timesheets, children))
    return specs


def _walk(specs: list[CategorySpec]) -> list[CategorySpec]:
    found = []
    for spec in specs:
        found.append(spec)
        found.extend(_walk(spec.children))
    return found


def template_load(data: dict[str, Any], *, template_model: Any = None, category_model: Any = None) -> Any:
    """Create or update the template `data` describes; returns it. The models are the migration's historical
    ones when a data migration calls this, the live ones otherwise."""
    if template_model is None or category_model is None:
        from refugiu.finance.models import CostCategory, CostTemplate

        template_model, category_model = CostTemplate, CostCategory
    fields, categories = template_check(data)
    with transaction.atomic():
        template, _created = template_model.objects.update_or_create(code=fields.pop("code"), defaults=fields)
        kept: set[str] = set()
        order = 0

        def save(specs: list[CategorySpec], parent: Any) -> None:
            nonlocal order
            for spec in specs:
                order += 1
                kept.add(spec.code)
                category, _ = category_model.objects.update_or_create(
                    template=template,
                    code=spec.code,
                    defaults={
                        "name": spec.name,
                        "kind": spec.kind,
                        "in_indirect_base": spec.in_indirect_base,
                        "from_timesheets": False,  # set below, once the old holder let go
                        "parent": parent,
                        "order": order,
                    },
                )
                save(spec.children, category)

        category_model.objects.filter(template=template).update(from_timesheets=False)
        save(categories, None)
        timesheet_codes = [spec.code for spec in _walk(categories) if spec.from_timesheets]
        category_model.objects.filter(template=template, code__in=timesheet_codes).update(
            from_timesheets=True
        )
        gone = category_model.objects.filter(template=template).exclude(code__in=kept)
        for category in gone.order_by("-order"):
            try:
                category.delete()
            except ProtectedError:  # budget lines or expenses are booked on it
                raise TemplateFileError(
                    [f"categories: {category.code} is no longer in the file but costs are booked on it"]
                ) from None
    return template
