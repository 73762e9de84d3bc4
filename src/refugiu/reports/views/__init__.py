"""The staff pages of reports, a module per topic: annual (the annual activity report and its foreword),
funder (funder reports), statistics (assistance statistics), dashboard (the coordinators' dashboard), runs
(reports made in the background). Who may open each is decided in refugiu.reports.access; their URLs are in
refugiu.reports.urls."""
