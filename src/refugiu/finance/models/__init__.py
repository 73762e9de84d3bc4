"""Grant finance's models, a module per topic; every model is imported here so that
`refugiu.finance.models.Grant` and the app registry see them."""

# ruff: noqa: I001 - in the order of their dependencies
from refugiu.finance.models.templates import CostCategory, CostTemplate
from refugiu.finance.models.grants import (
    AuditorAccess,
    BudgetLine,
    Grant,
    GrantPartner,
    ReportingPeriod,
    WorkPackage,
)
from refugiu.finance.models.expenses import ExchangeRate, Expense, ExpenseDocument
from refugiu.finance.models.timesheets import Employment, PersonnelCost, TimeEntry, TimesheetMonth
from refugiu.finance.models.statements import StatementRun

__all__ = [
    "AuditorAccess",
    "BudgetLine",
    "CostCategory",
    "CostTemplate",
    "Employment",
    "ExchangeRate",
    "Expense",
    "ExpenseDocument",
    "Grant",
    "GrantPartner",
    "PersonnelCost",
    "ReportingPeriod",
    "StatementRun",
    "TimeEntry",
    "TimesheetMonth",
    "WorkPackage",
]
