"""The caller's work: open tasks and the deadlines of proceedings in their cases."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from refugiu.cases import read_audit, selectors
from refugiu.cases.api import schemas as s
from refugiu.cases.api.common import caller, operation_id, responses, router
from refugiu.cases.models import Case, Proceeding, Task


@router.get(
    "/work",
    response=responses(200, list[s.WorkItem]),
    summary="My work",
    operation_id=operation_id("my_work"),
)
def my_work(request: HttpRequest) -> list[dict[str, Any]]:
    """The caller's open tasks and the deadlines of proceedings in their cases, overdue first. Audited,
    naming the cases shown."""
    user = caller(request)
    items = selectors.my_work(user=user)
    case_ids = sorted({item.case.pk for item in items})
    codes = (
        dict(Case.objects.filter(pk__in=case_ids).values_list("pk", "beneficiary__code")) if case_ids else {}
    )
    read_audit.cases_listed(user=user, request=request, case_ids=case_ids, action=read_audit.WORK_LISTED)
    return [
        {
            "kind": item.kind,
            "due_on": item.due_on,
            "is_overdue": item.is_overdue,
            "case": {
                "id": item.case.pk,
                "reference": item.case.reference,
                "beneficiary_code": codes[item.case.pk],
            },
            **_record_out(item),
        }
        for item in items
    ]


def _record_out(item: selectors.WorkItem) -> dict[str, Any]:
    """What a work item says of its record: a task, or a proceeding with a deadline."""
    if item.kind == "task":
        assert isinstance(item.record, Task)  # the selector pairs each kind with one model
        return {
            "title": item.record.title,
            "task_id": item.record.pk,
            "proceeding_id": None,
            "proceeding_kind": None,
        }
    assert isinstance(item.record, Proceeding)
    return {
        "title": item.record.deadline_label,
        "task_id": None,
        "proceeding_id": item.record.pk,
        "proceeding_kind": item.record.kind,
    }
