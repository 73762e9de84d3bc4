"""The annual activity report as a Word document (python-docx), with the built-in Heading styles so that
editors can restyle it, and a table of contents their word processor fills in.

python-docx is imported when a document is written, not with this module.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from refugiu.reports.annual.document import AnnualReport, EventItem, Photo

if TYPE_CHECKING:
    from docx.document import Document
    from docx.shared import Length
    from docx.table import Table

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _docx_toc_field(document: Document, placeholder: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), 'TOC \\o "1-2" \\h \\z \\u')
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = placeholder
    run.append(text)
    field.append(run)
    document.add_paragraph()._p.append(field)


def _docx_table(document: Document, header: list[str], rows: list[list[str]]) -> Table:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = str(text)
    document.add_paragraph()
    return table


def _docx_bullets(document: Document, items: list[str]) -> None:
    for item in items:
        document.add_paragraph(item, style="List Bullet")


def _docx_labelled(document: Document, label: str, value: str) -> None:
    if not value:
        return
    paragraph = document.add_paragraph()
    paragraph.add_run(f"{label}: ").bold = True
    paragraph.add_run(value)


def _docx_events(document: Document, events: list[EventItem], level: int) -> None:
    from docx.shared import Cm

    for event in events:
        document.add_heading(event.title, level=level)
        _docx_labelled(document, _("Type"), event.type_label)
        _docx_labelled(document, _("Dates"), event.dates)
        _docx_labelled(document, _("Place"), event.place)
        _docx_labelled(document, _("Participants"), event.participants_display)
        _docx_labelled(document, _("Who took part"), event.audience)
        _docx_labelled(document, _("Professions"), ", ".join(event.professions))
        _docx_labelled(document, _("Countries"), ", ".join(event.countries))
        _docx_labelled(document, _("Organisations represented"), ", ".join(event.represented))
        _docx_labelled(document, _("Organised by"), event.organiser)
        _docx_labelled(document, _("Within"), event.context)
        _docx_labelled(document, _("Our role"), event.our_role)
        if event.description:
            document.add_paragraph(event.description)
        if event.topics:
            document.add_paragraph(_("Topics:"))
            _docx_bullets(document, event.topics)
        for photo in event.photos:
            document.add_picture(io.BytesIO(photo.data), width=Cm(12))
            if photo.caption:
                document.add_paragraph(photo.caption, style="Caption")


def _docx_picture(document: Document, image: Photo, width: Length) -> None:
    """An image with its alternative text (the "description" Word reads out), from its caption."""
    shape = document.add_picture(io.BytesIO(image.data), width=width)
    shape._inline.docPr.set("descr", image.caption)


def _docx_event_table(document: Document, events: list[EventItem]) -> None:
    _docx_table(
        document,
        [_("Event"), _("Dates"), _("Place"), _("Participants")],
        [[event.title, event.dates, event.place, event.participants_display] for event in events],
    )


def render_docx(report: AnnualReport) -> bytes:
    import docx
    from docx.enum.text import WD_BREAK
    from docx.shared import Cm

    document = docx.Document()
    document.core_properties.title = report.title
    document.core_properties.author = report.organisation_name
    organisation = report.organisation

    # Cover: the logo above the title, the photograph below the year; each with its alternative text.
    if organisation and organisation.logo:
        _docx_picture(document, organisation.logo, Cm(4))
    document.add_heading(
        (_("Annual activity report") + (f" — {organisation.name}" if organisation else "")), level=0
    )
    if organisation and organisation.keywords:
        document.add_paragraph(" · ".join(organisation.keywords))
    document.add_paragraph(str(report.year))
    if organisation and organisation.cover_photo:
        _docx_picture(document, organisation.cover_photo, Cm(15))
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    # Contents: a table-of-contents field over the Heading 1 and 2 styles, which the editor's word
    # processor fills in with page numbers when asked to update fields (page numbers depend on its layout).
    document.add_paragraph(_("Contents"), style="TOC Heading")
    _docx_toc_field(document, _("Update this field to see the contents with page numbers."))
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    if report.foreword:
        document.add_heading(_("Foreword"), level=1)
        for paragraph in report.foreword:
            document.add_paragraph(paragraph)

    if organisation:
        document.add_heading(_("Organisational structure"), level=1)
        if organisation.description:
            document.add_paragraph(organisation.description)
        if organisation.founded:
            document.add_paragraph(_("Set up in %(founded)s.") % {"founded": organisation.founded})
        document.add_heading(_("Fundamental values"), level=2)
        _docx_bullets(document, organisation.values)
        document.add_heading(_("Objectives"), level=2)
        _docx_bullets(document, organisation.objectives)
        document.add_heading(_("Steering committee"), level=2)
        _docx_bullets(
            document,
            [
                f"{seat.title}: {seat.holder}" if seat.holder else seat.title
                for seat in organisation.committee
            ],
        )
        document.add_heading(_("Departments"), level=2)
        for department in organisation.departments:
            document.add_heading(department.name, level=3)
            _docx_bullets(document, department.activities)
            _docx_labelled(document, _("Staff and collaborators"), ", ".join(department.staff))

    document.add_heading(_("Summary of the year"), level=1)
    summary = report.summary
    document.add_paragraph(
        _(
            "Events: %(events)s. Participants: %(participants)s, at the %(counted)s events whose number "
            "is known."
        )
        % {"events": summary.events, "participants": summary.participants, "counted": summary.events_counted}
    )
    document.add_heading(_("Events by type"), level=2)
    _docx_table(document, [_("Type"), _("Events")], [[f.label, str(f.value)] for f in summary.by_type])
    if summary.unknown_events:
        document.add_heading(_("Events whose number of participants is not known"), level=2)
        document.add_paragraph(_("They are not counted in the totals."))
        _docx_bullets(document, [event.label for event in summary.unknown_events])
    document.add_heading(_("Participants per event"), level=2)
    _docx_table(
        document,
        [_("Event"), _("Participants")],
        [[f.label, str(f.value)] for f in summary.participants_per_event],
    )
    document.add_heading(_("Participants by profession"), level=2)
    _docx_table(
        document,
        [_("Profession"), _("Participants")],
        [[f.label, str(f.value)] for f in summary.by_profession],
    )
    if summary.professions_named:
        document.add_heading(_("Professions taking part"), level=2)
        _docx_table(
            document,
            [_("Profession"), _("Events")],
            [[f.label, str(f.value)] for f in summary.professions_named],
        )
    document.add_heading(_("Events per month"), level=2)
    _docx_table(document, [_("Month"), _("Events")], [[f.label, str(f.value)] for f in summary.by_month])

    document.add_heading(_("Projects"), level=1)
    document.add_paragraph(report.projects_intro)
    for project in report.projects:
        document.add_heading(project.title, level=2)
        if project.acronym:
            document.add_paragraph(project.acronym)
        _docx_labelled(document, _("Period"), project.period)
        _docx_labelled(document, _("Our role"), project.our_role)
        _docx_labelled(document, _("Funder"), project.funder)
        _docx_labelled(document, _("Funding programme"), project.programme)
        _docx_labelled(document, _("Grant"), project.grant_number)
        _docx_labelled(document, _("Budget"), project.budget)
        _docx_labelled(document, _("Thematic area"), project.thematic_area)
        _docx_labelled(document, _("Website"), project.website)
        if project.partners:
            document.add_paragraph(_("Partners:"))
            _docx_table(
                document,
                [_("Partner"), _("Country")],
                [[p.name or _("(not named)"), p.country] for p in project.partners],
            )
        if project.objectives:
            document.add_paragraph(_("Objectives:"))
            _docx_bullets(document, project.objectives)
        if project.summary:
            document.add_paragraph(project.summary)
        if project.deliverables:
            document.add_paragraph(_("Deliverables:"))
            _docx_bullets(
                document,
                [
                    " — ".join(part for part in (d.kind_label, d.title, d.description, d.link) if part)
                    for d in project.deliverables
                ],
            )
        if project.events:
            document.add_paragraph(_("Events in %(year)s:") % {"year": report.year})
            _docx_event_table(document, project.events)
            _docx_events(document, project.events, level=3)
        for publication in project.publications:
            document.add_heading(publication.title, level=3)
            _docx_labelled(document, _("Publication"), publication.type_label)
            _docx_labelled(document, _("Date"), publication.date)
            if publication.summary:
                document.add_paragraph(publication.summary)
            _docx_labelled(document, _("Link"), publication.link)
        for campaign in project.campaigns:
            document.add_heading(campaign.title, level=3)
            _docx_labelled(document, _("Period"), campaign.period)
            _docx_labelled(document, _("Channel"), campaign.channel)
            _docx_labelled(document, _("Countries"), ", ".join(campaign.countries))
            if campaign.description:
                document.add_paragraph(campaign.description)
            for lines, link in campaign.messages:
                document.add_paragraph("\n".join([*lines, link] if link else lines), style="Intense Quote")

    document.add_heading(_("International events"), level=1)
    if report.international_events:
        _docx_event_table(document, report.international_events)
        _docx_events(document, report.international_events, level=2)
    else:
        document.add_paragraph(_("None recorded for this year."))

    if report.other_publications:
        document.add_heading(_("Other publications"), level=1)
        for publication in report.other_publications:
            document.add_heading(publication.title, level=2)
            _docx_labelled(document, _("Date"), publication.date)
            if publication.summary:
                document.add_paragraph(publication.summary)

    document.add_heading(_("Partners"), level=1)
    document.add_heading(_("International partners"), level=2)
    _docx_table(
        document, [_("Partner"), _("Country")], [[p.name, p.country] for p in report.international_partners]
    )
    document.add_heading(_("National partners"), level=2)
    _docx_table(
        document, [_("Partner"), _("Country")], [[p.name, p.country] for p in report.national_partners]
    )
    document.add_heading(_("Networks (membership)"), level=2)
    _docx_table(
        document, [_("Network"), _("Members")], [[n.name, ", ".join(n.members)] for n in report.networks]
    )

    if organisation:
        document.add_heading(_("Contact information"), level=1)
        _docx_labelled(document, _("Website"), organisation.website_display)
        _docx_labelled(document, _("Address"), organisation.address)
        _docx_labelled(document, _("Email"), organisation.email)
        _docx_labelled(document, _("Phone"), organisation.phone)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
