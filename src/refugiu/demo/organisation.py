"""The seed organisation, as its 2019 activity report describes it, for the demo."""

import json
from pathlib import Path

from django.db import transaction

from refugiu.organisation.models import (
    CommitteePosition,
    Department,
    DepartmentStaffing,
    FundamentalValue,
    Objective,
    Organisation,
)

DEMO_FILE = Path(__file__).resolve().parent / "data" / "demo_organisation.json"


@transaction.atomic
def organisation_demo_load() -> Organisation:
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
    organisation = Organisation.objects.create(**fields)
    FundamentalValue.objects.bulk_create(
        FundamentalValue(organisation=organisation, text=text, order=i)
        for i, text in enumerate(data["values"])
    )
    Objective.objects.bulk_create(
        Objective(organisation=organisation, text=text, order=i) for i, text in enumerate(data["objectives"])
    )
    CommitteePosition.objects.bulk_create(
        CommitteePosition(organisation=organisation, title=title, order=i)
        for i, title in enumerate(data["committee"])
    )
    for order, item in enumerate(data["departments"]):
        department = Department.objects.create(
            organisation=organisation,
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
