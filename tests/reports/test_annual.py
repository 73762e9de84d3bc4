"""The annual activity report: the 2019 report made from the demo data carries every fact of the seed report
(/work/shared/seed/annual-report-2019.txt), in HTML, PDF and DOCX; it is read in a fixed number of queries;
the command line writes it; the staff page is for holders of "reports.annual" only."""

import html
import io
import re
import shutil
import subprocess
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from refugiu.reports.annual import annual_report, render_docx, render_html, render_pdf
from refugiu.reports.models import Foreword, ReportRun
from refugiu.reports.registry import render_run
from tests.factories import UserFactory

# A foreword of the test's own (the seed's is the organisation's prose, not ours to copy). The demo has none.
FOREWORD = (
    "This test foreword opens the report: a year of assistance to victims of crime, asylum seekers and "
    "refugees, told in figures below."
    "\n\n"
    "It closes with thanks to the partners and donors who made the year's projects possible."
)

# Every fact of the seed report, copied from it by hand (compared without regard to case or line breaks).
FACTS = [
    # Cover
    "Pro Refugiu Association",
    "JUSTICE",
    "LAW",
    "HUMAN RIGHTS",
    "VICTIMS OF CRIME",
    "MIGRATION",
    "TOLERANCE",
    "DIVERSITY",
    "SOCIETY",
    "2019",
    # Foreword (the test's own text)
    "This test foreword opens the report",
    "thanks to the partners and donors",
    # Organisational structure
    "based in Bucharest, Romania",
    "early 2011",
    "Respect for human rights.",
    "Holistic approach (bottom up) of the human trafficking, migration phenomenon and co-operation at "
    "national and international level.",
    "Tolerance.",
    "Equality.",
    "Trust.",
    "Help to combat the human trafficking phenomenon, illegal migration.",
    "Identify the needs, problems of the victims of human trafficking, asylum seekers, refugees.",
    "Development of special programmes of legal, psychological, social assistance at the highest "
    "professional standards for the benefit of the target groups.",
    "Advocacy and lobby meant to improve the legislation and practice in the field of protection for the "
    "victims of human trafficking, migration, and asylum procedure.",
    "Steering committee",
    "President",
    "Vice-President",
    "Secretary",
    "Assistance Department for victims of human trafficking",
    "Assistance Department for asylum seekers and refugees",
    "Training Department",
    "Research Department",
    "Financial Department",
    "Legal counselling and assistance",
    "Social counselling and assistance",
    "Psychological counselling",
    "Ensure the financial management of the organisation",
    "12 lawyers",
    "3 psychologists",
    "2 social workers",
    "1 medical mediator",
    "2 cultural mediators",
    "5 trainers",
    "3 researchers",
    "2 financial managers",
    # Projects: titles, funders, periods, websites, partners with their countries
    "Pro Victims Justice through an enhanced rights protection and stakeholders cooperation",
    "RACCOMBAT",
    "Preventing and combatting racism and xenophobia through social orientation of non-nationals",
    "Towards a more effective rights protection and access to judicial procedures for victims of crime",
    "Anti-trafficking stakeholders and economic sectors networking, cooperation to combat the business of "
    "human trafficking chain",
    "Training lawyers, prosecutors, judges to ensure better rights protection for migrants and refugees "
    "victims of human trafficking",
    "European Union",
    "Justice Programme",
    "Rights Equality and Citizenship Programme",
    "Internal Security Fund Police",
    "September 2017 – August 2019",
    "2017 – June 2019",
    "September 2018 – April 2020",
    "2018 – April 2020",
    "June 2019 – February 2021",
    "https://provictimsjustice.prorefugiu.org/",
    "http://raccombat-project.eu/",
    "http://justiceforwomen.prorefugiu.eu/",
    "http://net-combat-thb-chain.prorefugiu.eu",
    "http://train-pro-rights.prorefugiu.eu/",
    "Crime Prevention Council of Lower Saxony, Germany",
    "Center for the Study of Democracy (CSD), Bulgaria",
    "Scandinavian Human Rights Lawyers, Sweden",
    "National Union of Romanian Bars",
    "Demetra Association, Bulgaria",
    "Centre for European Constitutional Law, Greece",
    "Italian Coalition for Civil Liberties and Rights",
    "Association Trabe Iniciativas para la Economia Social y Solidaria, Spain",
    "Verein für Internationale Jugendarbeit e.V. Landesverein Württemberg, Germany",
    "Belgium",
    "Latvia",
    "Austria",
    "to promote methods and tools to ensure victims of crime receive proper assistance",
    "an online platform as a public database with contact data of judicial institutions and organizations",
    "mapping and analysis of social orientation programmes",
    # Events: title, dates and headcount as one line of the participants table; places
    "Seminar in Romania (5–6 April 2019) 54",
    "Final Conference in Romania (7 June 2019) 51",
    "Seminar in Romania (4 April 2019) 24",
    "National experts working group in Romania (21 March 2019) 33",
    "Experts meeting in Spain (10 May 2019) 18",
    "Workshop in Romania (10 October 2019) 41",
    "Case conference in Romania (11 October 2019) 24",
    "Transnational Experts Meeting in Germany (12 April 2019) 14",
    "Local conference (27 September 2019) 24",
    "Transnational experts meeting in Romania (19 September 2019)",
    "Bucharest, Romania",
    "Madrid, Spain",
    "Stuttgart, Germany",
    "Romania, Bulgaria, Germany and Sweden",
    "Hotel Industry Federation of Romania",
    "Directorate for Investigating Organised Crime and Terrorism",
    "Ministry for Romanians Abroad",
    # Publications and the campaign
    "Violence against women. Key findings and strategies to tackle unreported cases and to enforce the "
    "protection order",
    "Financial compensation guide. Cases concerning women victims of crime",
    "Human trafficking and the economic/business sectors susceptible to be involved in the demand and supply "
    "chain of products and services resulting from victims' exploitation",
    "March 2019",
    "Social media campaign to raise awareness on human trafficking and its consequences",
    "Facebook",
    "Human trafficking is also happening online.",
    "Do you pay a fair price for the products and services you use?",
    "Beware of online predators!",
    "Your small action can save a person's life",
    # International events
    "Exchange Seminar (27–28 May 2019)",
    "JUSTICE AT LAST - European Action for Compensation for Victims of Crime International",
    "La Strada International",
    "Meeting of the EU Civil Society Platform against Trafficking in Human Beings (13–14 June 2019)",
    "Meeting of the EU Civil Society Platform against Trafficking in Human Beings (5–6 December 2019)",
    "Brussels, Belgium",
    # Partners
    "KOK - German NGO network against trafficking in human beings",
    "ECPAT Germany",
    "Caritas International, Belgium",
    "Bulgarian Gender Research Foundation",
    "European Institute for Crime Prevention and Control, affiliated with the United Nations (HEUNI), "
    "Finland",
    "National Agency against Trafficking in Persons",
    "Romanian General Inspectorate for Immigration",
    "National Institute for Magistracy",
    "Bucharest Bar",
    "National Agency for Community Programmes for Education and Professional Development",
    "Bucharest University, Faculty of Sociology and Social Assistance",
    "Betania Association",
    "People to People Foundation",
    "East European Institute for Reproductive Health",
    "General Directorates for Social Assistance and Child Protection",
    "EU Civil Society Platform against Trafficking in Human Beings",
    "Fundamental Rights Platform of the European Union Agency for Fundamental Rights",
    # Contact information
    "www.prorefugiu.org",
    "56 Calea Crângași Street, sector 6, Bucharest, Romania",
    "office@prorefugiu.org",
]

# The sections, in the seed's order, with what Refugiu adds.
SECTIONS = [
    "Contents",
    "Foreword",
    "Organisational structure",
    "Summary of the year",
    "Projects",
    "International events",
    "Partners",
    "Contact information",
]


def squeeze(text: str) -> str:
    return " ".join(text.split()).casefold()


def html_text(document: str) -> str:
    body = re.sub(r"<(style|svg)\b.*?</\1>", " ", document, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def docx_text(content: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(content))
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            # A row reads "Seminar in Romania (5–6 April 2019) 54" or "Demetra Association, Bulgaria".
            parts.append(" ".join(cell.text for cell in row.cells))
            parts.append(", ".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    command = [shutil.which("pdftotext"), str(path), "-"]
    # A fixed local tool, our own PDF as input.
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603


def missing(text: str, facts=FACTS) -> list[str]:
    haystack = squeeze(text)
    # Table cells and lines in a PDF may be separated by spaces that differ from the HTML's.
    haystack = haystack.replace(" )", ")").replace("( ", "(")
    return [fact for fact in facts if squeeze(fact) not in haystack]


needs_pdftotext = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="needs pdftotext (poppler-utils)"
)


@pytest.fixture
def demo(db):
    from refugiu.demo.directory import directory_demo_load
    from refugiu.demo.organisation import organisation_demo_load
    from refugiu.demo.programmes import programmes_demo_load

    directory_demo_load()
    organisation_demo_load()
    assert programmes_demo_load() is True
    Foreword.objects.create(year=2019, text=FOREWORD)


@pytest.fixture
def report_2019(demo):
    return annual_report(2019)


# --- The content ------------------------------------------------------------------------------------------


def test_the_report_holds_the_seeds_structure(report_2019):
    report = report_2019
    assert report.organisation.name == "Pro Refugiu Association"
    assert len(report.foreword) == 2
    assert len(report.projects) == 5
    assert sum(len(p.events) for p in report.projects) == 10
    assert [e.dates for e in report.international_events] == [
        "27–28 May 2019",
        "13–14 June 2019",
        "5–6 December 2019",
    ]
    assert (len(report.international_partners), len(report.national_partners), len(report.networks)) == (
        13,
        11,
        2,
    )
    assert "In 2019 the organisation ran 5 projects: 4 as coordinator, 1 as partner." in render_html(report)
    summary = report.summary
    assert summary.events == 13
    assert summary.participants == 54 + 51 + 24 + 33 + 18 + 41 + 24 + 14 + 24
    assert summary.events_counted == 9
    assert sorted(e.dates for e in summary.unknown_events) == sorted(
        ["19 September 2019", "27–28 May 2019", "13–14 June 2019", "5–6 December 2019"]
    )
    assert [f.value for f in summary.by_month] == [0, 0, 1, 3, 2, 2, 0, 0, 2, 2, 0, 1]


def test_unknown_headcounts_are_written_not_known_never_zero(report_2019):
    meeting = next(e for p in report_2019.projects for e in p.events if e.dates == "19 September 2019")
    assert meeting.participants is None
    assert meeting.participants_display == "not known"
    page = render_html(report_2019)
    assert "Transnational experts meeting in Romania (19 September 2019)" in html.unescape(page)
    row = re.search(r"19 September 2019</td><td>[^<]*</td><td class=\"number\">([^<]*)</td>", page)
    assert row and row.group(1) == "not known"


def test_the_html_carries_every_fact_of_the_seed(report_2019):
    page = render_html(report_2019)
    assert missing(html_text(page)) == []
    chapters = [html_text(title).strip() for title in re.findall(r"<h2[^>]*>(.*?)</h2>", page, flags=re.S)]
    assert chapters == SECTIONS, "sections out of the seed's order"


def test_the_html_is_safe_and_stands_alone(report_2019):
    page = render_html(report_2019)
    assert "<script" not in page
    assert not re.search(r"(src|href)=\"//|url\(\"?https?:", page)
    # Two charts: participants by profession are one "not recorded" group, said in words (test_annual_design).
    assert page.count("<svg") == 2
    assert page.count("<title id=") == 2 and page.count("<desc id=") == 2
    assert "@page" in page and "target-counter(attr(href), page)" in page


def test_a_year_without_a_foreword_has_no_foreword_section(demo):
    Foreword.objects.all().delete()
    report = annual_report(2019)
    assert report.foreword is None
    page = render_html(report)
    assert 'id="foreword"' not in page
    assert 'href="#foreword"' not in page


def test_a_year_without_data_still_makes_a_report(demo):
    report = annual_report(2031)
    assert (report.projects, report.international_events, report.summary.events) == ([], [], 0)
    assert "Pro Refugiu Association" in render_html(report)
    assert render_docx(report)[:2] == b"PK"


@needs_pdftotext
def test_the_pdf_carries_every_fact_and_numbers_its_contents(report_2019, tmp_path):
    content = render_pdf(report_2019)
    assert content.startswith(b"%PDF")
    text = pdf_text(content, tmp_path)
    assert missing(text) == []
    pages = text.split("\f")
    assert len(pages) > 8
    contents_page = next(page for page in pages if "Contents" in page)
    # Each entry of the contents ends with its page number (target-counter): "Projects ........ 6".
    entries = dict(re.findall(r"^([A-Z][A-Za-z ]+?)[ .]*?(\d+)$", contents_page, flags=re.M))
    for chapter in SECTIONS[1:]:
        assert chapter in entries, contents_page
        assert 2 < int(entries[chapter]) <= len(pages)
        assert squeeze(chapter) in squeeze(pages[int(entries[chapter]) - 1])


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="needs pdffonts (poppler-utils)")
def test_the_pdf_embeds_roboto_and_nothing_else(report_2019, tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(render_pdf(report_2019))
    command = [shutil.which("pdffonts"), str(path)]
    fonts = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    lines = [line for line in fonts.splitlines()[2:] if line.strip()]
    assert lines and all("Roboto" in line for line in lines), fonts
    assert all(line.split()[-5] == "yes" for line in lines), fonts  # the "emb" column


def test_the_docx_carries_every_fact_with_real_headings(report_2019):
    import docx

    content = render_docx(report_2019)
    assert missing(docx_text(content)) == []
    document = docx.Document(io.BytesIO(content))
    headings = {p.style.name: [] for p in document.paragraphs if p.style.name.startswith("Heading")}
    for paragraph in document.paragraphs:
        if paragraph.style.name in headings:
            headings[paragraph.style.name].append(paragraph.text)
    assert {"Heading 1", "Heading 2", "Heading 3"} <= set(headings)
    assert headings["Heading 1"] == [
        "Foreword",
        "Organisational structure",
        "Summary of the year",
        "Projects",
        "International events",
        "Partners",
        "Contact information",
    ]
    assert (
        "Pro Victims Justice through an enhanced rights protection and stakeholders cooperation"
        in headings["Heading 2"]
    )
    assert len(document.tables) >= 10
    assert 'w:instr="TOC' in document.element.xml  # a contents field Word fills in with page numbers
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert "word/document.xml" in archive.namelist()


# --- Cost -------------------------------------------------------------------------------------------------


def _events(count: int):
    import datetime

    from refugiu.programmes.models import Event, EventDay, EventProfession, Project

    project = Project.objects.create(
        title=f"Project with {count} events", start=datetime.date(2020, 1, 1), start_precision="day"
    )
    for index in range(count):
        event = Event.objects.create(
            type="seminar",
            title=f"Seminar {index}",
            project=project if index % 2 else None,
            city="Cluj",
            country="RO",
            headcount=(index + 1) if index % 3 else None,
        )
        EventDay.objects.create(event=event, date=datetime.date(2020, 1 + index % 12, 1 + index % 28))
        EventProfession.objects.create(event=event, profession="judge")


def _queries(year: int) -> int:
    with CaptureQueriesContext(connection) as queries:
        report = annual_report(year)
        render_html(report)
        render_docx(report)
    return len(queries)


@pytest.mark.django_db
def test_the_number_of_queries_does_not_grow_with_the_events(demo):
    _events(3)
    few = _queries(2020)
    assert few <= 25  # the organisation 6, foreword 1, events 5, figures 2, projects 6, partners 4
    _events(30)
    assert _queries(2020) == few
    assert annual_report(2020).summary.events == 33


# --- The command line and the background task -------------------------------------------------------------


@pytest.mark.parametrize("format", ["html", "pdf", "docx"])
def test_the_command_writes_each_format(demo, tmp_path, format):
    output = tmp_path / f"report.{format}"
    call_command(
        "report", "annual", "--year", "2019", "--format", format, "-o", str(output), stdout=io.StringIO()
    )
    content = output.read_bytes()
    assert content.startswith({"html": b"<!DOCTYPE html>", "pdf": b"%PDF", "docx": b"PK"}[format])


def test_the_command_refuses_an_unknown_format(demo, tmp_path):
    with pytest.raises(CommandError, match="invalid choice"):
        call_command("report", "annual", "--year", "2019", "--format", "odt", "-o", str(tmp_path / "x"))


def test_the_command_warns_for_a_year_without_data(demo, tmp_path):
    stderr = io.StringIO()
    call_command(
        "report",
        "annual",
        "--year",
        "2031",
        "-o",
        str(tmp_path / "x.html"),
        stdout=io.StringIO(),
        stderr=stderr,
    )
    assert "2031" in stderr.getvalue()
    assert (tmp_path / "x.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_render_run_follows_the_background_contract(demo):
    user = UserFactory()
    run = ReportRun.objects.create(kind="annual", parameters={"year": 2019}, format="docx", requested_by=user)
    steps = []
    content, filename = render_run(run, lambda percent, message: steps.append(percent))
    assert filename == "annual-report-2019.docx"
    assert content[:2] == b"PK"
    assert steps[-1] == 100 and steps == sorted(steps)
    run.format = "odt"
    with pytest.raises(ValueError):
        render_run(run, lambda percent, message: None)
