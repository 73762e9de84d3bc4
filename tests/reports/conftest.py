"""The demo's data and its 2019 annual report, for every test of the reports (defined in test_annual)."""

from tests.reports.test_annual import demo, report_2019

__all__ = ["demo", "report_2019"]
