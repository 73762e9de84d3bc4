"""The seed organisation, as its 2019 activity report describes it, for the demo."""

import json
from pathlib import Path

from django.db import transaction

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
    organisation = NGO.objects.create(**fields)
    FundamentalValue.objects.bulk_create(
        FundamentalValue(ngo=organisation, text=text, order=i) for i, text in enumerate(data["values"])
    )
    Objective.objects.bulk_create(
        Objective(ngo=organisation, text=text, order=i) for i, text in enumerate(data["objectives"])
    )
    CommitteePosition.objects.bulk_create(
        CommitteePosition(ngo=organisation, title=title, order=i) for i, title in enumerate(data["committee"])
    )
    for order, item in enumerate(data["departments"]):
        department = Department.objects.create(
            ngo=organisation,
            name=item["name"],
            kind=item["kind"],
            activities=item["activities"],
            order=order,
        )
        DepartmentStaffing.objects.bulk_create(
            DepartmentStaffing(department=department, role=role, count=count)
            for role, count in item["staffing"].items()
        )
    return organisation
