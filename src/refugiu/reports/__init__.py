"""Reports: what the organisation tells others and itself, read from every other module's data (reports sit on
top of the layers: they import cases, programmes, the directory and the organisation, and nothing imports
them).

A report that is a file is a **builder** and **renderers**. The builder reads the data into a plain view
model (dataclasses of text and figures); each renderer writes that view model in one format. The one small
interface between them is in `rendering.py`; `registry.py` lists every kind with its renderers, keyed by
`ReportRun.Kind` and format, and is where the pages, the `report` command and the background task find them.

    annual/           the annual activity report: document.py (view model), build.py, html.py, pdf.py, docx.py
    funder/           a project's funder report: build.py (view model and builder), xlsx.py, pdf.py
    assistance/       the anonymised assistance statistics: build.py (view model and builder), csv.py, xlsx.py
    dashboard.py      the coordinators' dashboard (a page only, no file)
    suppression.py    small counts hidden before figures are published (primary and complementary)
    charts.py         the SVG charts of the annual report
    rendering.py      the builder/renderer interface (ReportKind, Renderer, Progress)
    registry.py       every kind and its renderers; render_run for the background task
    tasks.py          reports made in the background (ReportRun, the task queue)
    access.py         who may see and do what in reports
    services.py       every write (the annual report's foreword), checked and audited
    views/            the staff pages, a module per topic; urls.py their one URL module

Every spreadsheet is written with refugiu.core.xlsx, shared with the programme statistics' export.
"""
