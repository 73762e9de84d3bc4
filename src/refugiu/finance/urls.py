"""Grant finance's staff pages, under /staff/finance/ (namespace "finance")."""

from django.urls import path

from refugiu.finance.views import (
    auditors,
    budget,
    expenses,
    grants,
    monitoring,
    rates,
    statements,
    timesheets,
)

app_name = "finance"

urlpatterns = [
    path("", grants.index, name="index"),
    path("grants/<int:grant_id>/", grants.grant_detail, name="grant"),
    path("grants/<int:grant_id>/budget/", budget.budget, name="budget"),
    path("grants/<int:grant_id>/budget/edit/", budget.budget_edit, name="budget_edit"),
    path("rates/", rates.rates, name="rates"),
    path("rates/import/", rates.rates_upload, name="rates_import"),
    path("grants/<int:grant_id>/expenses/", expenses.expense_list, name="expenses"),
    path("grants/<int:grant_id>/expenses/new/", expenses.expense_new, name="expense_new"),
    path("grants/<int:grant_id>/expenses/convert/", expenses.expenses_convert_view, name="expenses_convert"),
    path("grants/<int:grant_id>/expenses/<int:expense_id>/", expenses.expense_detail, name="expense"),
    path("grants/<int:grant_id>/expenses/<int:expense_id>/edit/", expenses.expense_edit, name="expense_edit"),
    path(
        "grants/<int:grant_id>/expenses/<int:expense_id>/decide/",
        expenses.expense_decide,
        name="expense_decide",
    ),
    path(
        "grants/<int:grant_id>/expenses/<int:expense_id>/adjust/",
        expenses.expense_adjust,
        name="expense_adjust",
    ),
    path(
        "grants/<int:grant_id>/expenses/<int:expense_id>/documents/new/",
        expenses.expense_document_new,
        name="expense_document_new",
    ),
    path(
        "grants/<int:grant_id>/expenses/<int:expense_id>/documents/<int:document_id>/",
        expenses.expense_document,
        name="expense_document",
    ),
    path("grants/<int:grant_id>/periods/<int:number>/statement/", statements.statement, name="statement"),
    path(
        "grants/<int:grant_id>/periods/<int:number>/statement.<str:format>",
        statements.statement_download,
        name="statement_download",
    ),
    path(
        "grants/<int:grant_id>/periods/<int:number>/statement/request/",
        statements.statement_request,
        name="statement_request",
    ),
    path(
        "grants/<int:grant_id>/periods/<int:number>/statement/submit/",
        statements.statement_submit_view,
        name="statement_submit",
    ),
    path(
        "grants/<int:grant_id>/statement-files/<int:run_id>/", statements.statement_run, name="statement_run"
    ),
    path(
        "grants/<int:grant_id>/statement-files/<int:run_id>/download/",
        statements.statement_run_download,
        name="statement_run_download",
    ),
    path("grants/<int:grant_id>/monitoring/", monitoring.monitoring, name="monitoring"),
    path("grants/<int:grant_id>/ledger.csv", monitoring.ledger, name="ledger"),
    path("timesheets/", timesheets.timesheet_mine, name="timesheet_mine"),
    path("timesheets/<int:year>/<int:month>/", timesheets.timesheet_month, name="timesheet_month"),
    path("timesheets/queue/", timesheets.timesheet_queue, name="timesheet_queue"),
    path("timesheets/overview/", timesheets.timesheet_overview, name="timesheet_overview"),
    path("timesheets/sheets/<int:sheet_id>/", timesheets.timesheet_detail, name="timesheet_detail"),
    path("timesheets/sheets/<int:sheet_id>/approve/", timesheets.timesheet_approve, name="timesheet_approve"),
    path("timesheets/sheets/<int:sheet_id>/return/", timesheets.timesheet_return, name="timesheet_return"),
    path("timesheets/sheets/<int:sheet_id>/correct/", timesheets.timesheet_correct, name="timesheet_correct"),
    path("grants/<int:grant_id>/auditors/", auditors.auditors, name="auditors"),
    path(
        "grants/<int:grant_id>/auditors/<int:access_id>/withdraw/",
        auditors.auditor_withdraw,
        name="auditor_withdraw",
    ),
]
