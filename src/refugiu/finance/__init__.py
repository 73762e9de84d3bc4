"""Grant finance: the Financial Department's grants, budgets, expenses with their evidence, staff timesheets
and the financial statements funders and auditors ask for.

A grant belongs to a programmes `Project`; its cost categories and rules (what the indirect rate applies to,
whether staff time is counted by hour or by day, the productive time of a year) come from a `CostTemplate`,
which is data: a funder's new template is a JSON file loaded by `refugiu finance_template_load`, not code.
Money is `Decimal` throughout and is rounded to the cent in one place, `finance.money.cents`.
Finance knows no case (an import-linter contract says so).
"""
