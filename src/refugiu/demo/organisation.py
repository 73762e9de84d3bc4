"""The seed organisation, as its 2019 activity report describes it, for the demo."""

import io
import json
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, ImageDraw

from refugiu.organisation.models import (
    NGO,
    CommitteePosition,
    Department,
    DepartmentStaffing,
    FundamentalValue,
    Objective,
)

DEMO_FILE = Path(__file__).resolve().parent / "data" / "demo_organisation.json"


@transaction.atomic
def organisation_demo_load() -> NGO:
    data = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    fields = {
        k: data[k]
        for k in (
            "name",
            "short_name",
            "description",
            "founded",
            "keywords",
            "street_address",
            "city",
            "country",
            "email",
            "phone",
            "website",
        )
    }
    # The seed's text in English, with its Romanian where the demo has it: the organisation's own fields
    # in its `translations`, and each value, objective, seat and department in theirs (by position).
    translations: dict[str, dict] = data.get("translations", {})
    own = {"description", "founded", "street_address", "city", "keywords"}
    organisation = NGO.objects.create(
        **fields,
        translations={
            language: {k: v for k, v in texts.items() if k in own} for language, texts in translations.items()
        },
    )
    organisation.logo.save("logo.png", ContentFile(demo_logo_png()), save=True)

    def item_translations(key: str, field: str, index: int) -> dict[str, dict[str, str]]:
        return {
            language: {field: texts[key][index]} for language, texts in translations.items() if key in texts
        }

    FundamentalValue.objects.bulk_create(
        FundamentalValue(
            ngo=organisation, text=text, order=i, translations=item_translations("values", "text", i)
        )
        for i, text in enumerate(data["values"])
    )
    Objective.objects.bulk_create(
        Objective(
            ngo=organisation, text=text, order=i, translations=item_translations("objectives", "text", i)
        )
        for i, text in enumerate(data["objectives"])
    )
    CommitteePosition.objects.bulk_create(
        CommitteePosition(
            ngo=organisation, title=title, order=i, translations=item_translations("committee", "title", i)
        )
        for i, title in enumerate(data["committee"])
    )
    for order, item in enumerate(data["departments"]):
        department = Department.objects.create(
            ngo=organisation,
            name=item["name"],
            kind=item["kind"],
            activities=item["activities"],
            order=order,
            translations=item.get("translations", {}),
        )
        DepartmentStaffing.objects.bulk_create(
            DepartmentStaffing(department=department, role=role, count=count)
            for role, count in item["staffing"].items()
        )
    return organisation


def demo_logo_png(size: int = 360) -> bytes:
    """The demo organisation's logo, drawn here (no one's real logo): a roof sheltering three figures, a
    refuge, in the report's blue on white. A PNG, as an administrator would upload."""
    image = Image.new("RGB", (size, size), "white")
    draw = ImageDraw.Draw(image)
    unit = size / 12
    blue, light = "#1f4a6b", "#7391a8"
    # The roof: a wide chevron.
    draw.line(
        [(1 * unit, 6 * unit), (6 * unit, 1.6 * unit), (11 * unit, 6 * unit)],
        fill=blue,
        width=round(unit),
        joint="curve",
    )
    # Three figures under it: a head and a body each, the middle one taller.
    for centre, top, colour in (
        (4 * unit, 6.2 * unit, light),
        (6 * unit, 5.2 * unit, blue),
        (8 * unit, 6.2 * unit, light),
    ):
        radius = 0.8 * unit
        draw.ellipse([centre - radius, top - radius, centre + radius, top + radius], fill=colour)
        draw.rounded_rectangle(
            [centre - 1.1 * unit, top + 1.1 * unit, centre + 1.1 * unit, 10.4 * unit],
            radius=round(unit),
            fill=colour,
        )
    # The ground.
    draw.line([(1.5 * unit, 10.9 * unit), (10.5 * unit, 10.9 * unit)], fill=blue, width=round(0.4 * unit))
    output = io.BytesIO()
    image.save(output, format="PNG", optimize=True)
    return output.getvalue()
