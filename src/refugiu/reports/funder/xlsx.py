"""The funder report as a workbook: sheets Summary, Events, Participants, Publications, Deliverables."""

from django.utils.translation import gettext as _

from refugiu.core.xlsx import Workbook
from refugiu.reports.funder.build import FunderReport


def render_xlsx(report: FunderReport) -> bytes:
    """Sheets Summary, Events, Participants, Publications, Deliverables; counts of people suppressed."""
    book = Workbook()

    summary = book.sheet(_("Summary"))
    summary.heading(_("Funder report"))
    for label, value in (
        (_("Project"), report.title),
        (_("Acronym"), report.acronym),
        (_("Funder"), report.funder),
        (_("Funding programme"), report.funder_programme),
        (_("Grant number"), report.project.grant_number),
        (_("Project period"), report.project.period_display),
        (_("Period of this report"), report.period_display),
        (_("Our role"), report.our_role),
        (_("Website"), report.project.website),
    ):
        summary.row([label, value])
    summary.row([_("Events"), report.events_total])
    summary.row([_("Participants"), report.participants_total])
    summary.row([report.unknown_note])
    summary.row([report.suppression_note])
    summary.row()
    summary.heading(_("Partners"))
    summary.row([_("Partner"), _("Country"), _("Role")], bold=True)
    for partner in report.partners:
        summary.row([partner.name, partner.country, partner.role])

    events = book.sheet(_("Events"))
    events.heading(_("Events by type"))
    events.row([_("Type"), _("Events")], bold=True)
    for count_line in report.events_by_type:
        events.row([count_line.label, count_line.count])
    events.row([_("All events"), report.events_total])
    events.row()
    events.heading(_("Events"))
    events.row([report.suppression_note])
    events.row(
        [_("Event"), _("Type"), _("Dates"), _("Place"), _("Participants"), _("Counted from")],
        bold=True,
    )
    for event in report.events:
        shown = _("not known") if event.participants is None else event.participants
        events.row([event.title, event.type, event.dates, event.place, shown, event.basis])
    events.row()
    events.heading(_("Events whose number of participants is not known"))
    if report.events_unknown:
        for event in report.events_unknown:
            events.row([event.title, event.type, event.dates, event.place, _("not known")])
    else:
        events.row([_("None.")])

    participants = book.sheet(_("Participants"))
    participants.heading(_("Participants by profession, country and gender"))
    participants.row([report.suppression_note])
    participants.row([report.unknown_note])
    participants.row()
    participants.row([_("Profession"), _("Country"), _("Gender"), _("Participants")], bold=True)
    for values in report.participant_rows:
        participants.row(values)
    participants.row([_("All participants"), "", "", report.participants_total], bold=True)
    for title, lines in report.totals_by.items():
        participants.row()
        participants.row([title, _("Participants")], bold=True)
        for line in lines:
            participants.row([line.label, line.count])

    publications = book.sheet(_("Publications"))
    publications.row([_("Title"), _("Type"), _("Date"), _("Link")], bold=True)
    for publication in report.publications:
        publications.row([publication.title, publication.type, publication.date, publication.link])

    deliverables = book.sheet(_("Deliverables"))
    deliverables.row([_("Kind"), _("Title"), _("Description"), _("Link")], bold=True)
    for deliverable in report.deliverables:
        deliverables.row([deliverable.kind, deliverable.title, deliverable.description, deliverable.link])

    return book.content()
