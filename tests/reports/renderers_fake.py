"""A stand-in for the report modules in tests of the background runs: quick, and it records who made what.

render_run follows the contract of refugiu.reports.annual/funder/assistance. It fails for the year 1999 with
a message carrying a fake person's name, which must reach neither the person nor the log. With
REFUGIU_FAKE_RENDER_LOG set it appends "<run id> <process id>" to that file for each report it makes, and
with REFUGIU_FAKE_RENDER_SECONDS it takes that long.
"""

import os
import time

FAILING_YEAR = 1999
SECRET_IN_ERROR = "Ioana Fictivescu"


def render_run(run, progress):
    progress(10, "Reading the year's data")
    if run.parameters.get("year") == FAILING_YEAR:
        raise ValueError(f"cannot read the case of {SECRET_IN_ERROR}")
    time.sleep(float(os.environ.get("REFUGIU_FAKE_RENDER_SECONDS", "0")))
    if log := os.environ.get("REFUGIU_FAKE_RENDER_LOG"):
        with open(log, "a") as handle:
            handle.write(f"{run.pk} {os.getpid()}\n")
    progress(90, "Writing the file")
    return f"report {run.pk} {run.kind} {run.format}".encode(), f"fake-report-{run.pk}.{run.format}"
