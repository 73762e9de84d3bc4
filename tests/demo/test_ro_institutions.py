"""The converter of real Romanian institutions (demo.ro_institutions, `refugiu demo_ro_institutions`).

On a small source of our own first: names, merging, e-mails, counties, the rows it reports, the HSDS it
writes and that the directory imports it. Then on the real list in ../shared/data/ro-institutions: the
counts its README gives, exact names, Bucharest's sectors, what it reports, and that the demo's committed
ro_institutions.json (and its report) are what the converter makes of it now.
"""

import io
import json
import uuid
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from refugiu.demo.ro_institutions import (
    NAMESPACE,
    OUR_VOCABULARIES,
    SOURCE_COMMIT,
    emails_parse,
    ro_institutions_convert,
    ro_institutions_json,
    title_case,
)
from tests.conftest import SHARED_DIR

SOURCE_DIR = SHARED_DIR / "data" / "ro-institutions"
SOURCE_FILE = SOURCE_DIR / "institutions.json"
DATA = Path(__file__).resolve().parents[2] / "src" / "refugiu" / "demo" / "data"
needs_source = pytest.mark.skipif(
    not SOURCE_FILE.is_file(), reason="needs ../shared/data/ro-institutions (CI has it)"
)

TYPE, NAME, EMAIL, CODE, COUNTY = (
    "Tip institutie",
    "Denumire Institutie",
    "Adresa de email institutie (email1; email2; etc)",
    "COD ISO Judet",
    "Nume judet",
)


def row(kind: str, name: str, emails: str | None, code: str, county: str) -> dict:
    cells = {TYPE: kind, NAME: name, CODE: code, COUNTY: county, "Stim locatia?": "DA"}
    if emails is not None:
        cells[EMAIL] = emails
    return cells


COURT, PROSECUTOR = "Judecatorie", "Parchetul de pe lângă jud."
POLICE, OMBUDSMAN_OFFICE = "Inspectorat Județean Poliție", "Avocatul Poporului Biroul teritorial"
SLATINA_PROSECUTOR = "Parchetul de pe lângă Judecătoria Slatina"
MESSY = "A@EXAMPLE.RO; b@example.ro ;\u200bc@example.ro;bad@;d@example.ro, e@example.ro;a@example.ro"

# Made up for the tests: the towns are real, the addresses are not.
FAKE = {
    "FLOW - ONE": [
        row(COURT, "Slatina", "JUD-Slatina@example.ro; ", "OT", "Olt"),
        row(PROSECUTOR, "Slatina", "pj_slatina@mpublic.ro", "OT", "Olt"),
        row(COURT, "TÂRGU MUREŞ", "jud-tgmures@example.ro", "MS", "Mureș"),
        row(COURT, "Vişeu De Sus", "jud-viseu@example.ro", "MM", "Maramureș"),
        row(COURT, "Pitesti", "jud-pitesti@example.ro", "AG", "Argeș"),
        row(COURT, "Baia Mare", "jud-baiamare@example.ro", "MM", "Maramureș"),
        row(PROSECUTOR, "Baia Mare", "pj_baia_mare@mpublic.ro", "IF", "Ilfov"),
        row(PROSECUTOR, "Dolj", "pt_dolj@mpublic.ro", "DJ", "Dolj"),
        row(COURT, "Bucuresti 1", "jud-sector1@example.ro;", "B", "Bucuresti 1"),
        row(PROSECUTOR, "Bucuresti 1", " pj_sector_1@mpublic.ro", "B", "București, sector 1"),
        row(COURT, "Rm Valcea", "jud-rmvalcea@example.ro", "VL", "Vâlcea"),
        row(POLICE, "INSPECTORATUL DE POLIȚIE JUDEȚEAN CLUJ", "cabinet@cj.example.ro", "CJ", "Cluj"),
        row(POLICE, "INSPECTORATUL DE POLIŢIE JUDEȚEAN HARGHITA", "cabinet@hr.example.ro", "HG", "Harghita"),
        row(POLICE, "DIRECȚIA GENERALĂ DE POLIȚIE A MUNICIPIULUI BUCUREŞTI", "politia@b.example.ro ", "B",
            "București"),
        row(POLICE, "POLIȚIA SECTORULUI 2", "sector2@b.example.ro", "B", "București"),
        row("DGASPC", "Iasi", "office@dgaspc.example.ro", "IS", "Iași"),
        row("DGASPC", "Bucuresti", "office@dgaspc1.example.ro", "B", "București, sector 1"),
        row("DGASPC", "Bucuresti", "office@dgaspc2.example.ro", "B", "București, sector 2"),
        row("Baroul judetean", "Bistrita", "barou@example.ro;", "BN", "Bistrița-Năsăud"),
        row("AJPIS", "AJPIS CLUJ", "ajpis.cluj@example.ro", "CJ", "Cluj"),
        row("AJPIS", "AJPIS SATU-MARE", "ajpis.satu-mare@example.ro", "SJ", "Salaj"),
        row("CJ", "Cluj", MESSY, "CJ", "Cluj"),
        row("Avocatul Poporului", "Avocatul Poporului Sediu Central", "petitii@example.ro", "-", "-"),
        row(OMBUDSMAN_OFFICE, "Biroul Teritorial Cluj-Napoca", "avp.cluj@example.ro", "CJ", "Cluj"),
        row("CNCD", "CNCD", "support@example.ro", "-", "-"),
    ],
    "FLOW - TWO": [
        row(COURT, "Slatina", "jud-slatina@example.ro", "OT", "Olt"),
        row(OMBUDSMAN_OFFICE, "Biroul Teritorial Cluj-Napoca", "avp.cluj@example.ro", "MM", "Maramureș"),
        row("DGASPC", "Iasi", None, "IS", "Iași"),
        row("CJ", "Iasi", "support@example.ro", "IS", "Iași"),
        {"Stim locatia?": "DA"},
    ],
}  # fmt: skip


@pytest.fixture(scope="module")
def fake():
    return ro_institutions_convert(FAKE)


def by_name(conversion) -> dict[str, dict]:
    return {organization["name"]: organization for organization in conversion.organizations}


def terms(organization: dict, link_type: str) -> list[dict]:
    return [a["taxonomy_term"] for a in organization["attributes"] if a["link_type"] == link_type]


def problems(conversion, kind: str) -> list[tuple[str, str]]:
    return [(problem.institution, problem.detail) for problem in conversion.problems_of(kind)]


# --- on a source of our own ---------------------------------------------------------------------------------


def test_full_official_names_from_type_and_town(fake):
    names = by_name(fake)
    for name in (
        "Judecătoria Slatina",
        "Parchetul de pe lângă Judecătoria Slatina",
        "Judecătoria Târgu Mureș",  # capitals set in title case, the cedilla ş as ș
        "Judecătoria Vișeu de Sus",
        "Judecătoria Pitesti",  # no diacritic the source lacks
        "Judecătoria Sectorului 1 București",
        "Parchetul de pe lângă Judecătoria Sectorului 1 București",
        "Inspectoratul de Poliție Județean Cluj",
        "Inspectoratul de Poliție Județean Harghita",
        "Direcția Generală de Poliție a Municipiului București",
        "Poliția Sectorului 2",
        "Direcția Generală de Asistență Socială și Protecția Copilului Iași",  # the county as ISO spells it
        "Direcția Generală de Asistență Socială și Protecția Copilului Sector 1",
        "Direcția Generală de Asistență Socială și Protecția Copilului Sector 2",
        "Baroul Bistrița-Năsăud",
        "Agenția Județeană pentru Plăți și Inspecție Socială Cluj",
        "Consiliul Județean Cluj",
        "Avocatul Poporului",
        "Avocatul Poporului, Biroul Teritorial Cluj-Napoca",
        "Consiliul Național pentru Combaterea Discriminării",
    ):
        assert name in names, name
    assert names["Inspectoratul de Poliție Județean Cluj"]["alternate_name"] == "IPJ Cluj"
    assert names["Direcția Generală de Asistență Socială și Protecția Copilului Iași"]["alternate_name"] == (
        "DGASPC Iași"
    )
    assert names["Consiliul Național pentru Combaterea Discriminării"]["alternate_name"] == "CNCD"
    assert names["Judecătoria Slatina"]["alternate_name"] == ""


def test_title_case_keeps_particles_and_acronyms():
    assert title_case("NEGREŞTI-OAŞ") == "Negreşti-Oaş"
    assert title_case("CONVENȚIEI ONU PRIVIND DREPTURILE") == "Convenției ONU privind Drepturile"
    assert title_case("Curtea De Argeș") == "Curtea de Argeș"
    assert title_case("Baia de Arama") == "Baia de Arama"


def test_flows_are_merged_by_type_and_name_with_stable_ids(fake):
    names = [o["name"] for o in fake.organizations]
    assert len(names) == len(set(names))
    assert fake.pairs == 25  # distinct (type, name): Bucharest's two DGASPC rows are one pair …
    assert len(fake.organizations) == 26  # … and two organisations
    slatina = by_name(fake)["Judecătoria Slatina"]
    assert slatina["id"] == str(uuid.uuid5(NAMESPACE, "Judecatorie\nSlatina"))
    assert ro_institutions_json(ro_institutions_convert(FAKE)) == ro_institutions_json(fake)
    # The e-mails of every row of it, in order; the source's capitals lowered.
    assert slatina["email"] == "jud-slatina@example.ro"
    assert slatina["contacts"] == []


def test_emails_split_trimmed_lowercased_and_checked(fake):
    council = by_name(fake)["Consiliul Județean Cluj"]
    assert council["email"] == "a@example.ro"
    assert [c["email"] for c in council["contacts"]] == [
        "b@example.ro",
        "c@example.ro",
        "d@example.ro",
        "e@example.ro",
    ]
    reported = {(p.kind, p.detail) for p in fake.problems if p.institution == "Consiliul Județean Cluj"}
    assert reported == {
        ("email-invalid", "'bad@' is not an e-mail address"),
        ("email-cleaned", f"invisible characters removed from {' '.join(MESSY.split())!r}"),
        ("email-cleaned", "'d@example.ro, e@example.ro' holds addresses separated by ','"),
        ("email-repeated", f"a@example.ro is given twice in {' '.join(MESSY.split())!r}"),
    }


def test_emails_parse():
    assert emails_parse(" X@Example.RO ;; y@example.ro;") == (["x@example.ro", "y@example.ro"], [])
    addresses, found = emails_parse("judecatoria–pascani@example.ro;pj_saveni@mpublic")
    assert addresses == []
    assert [kind for kind, _ in found] == ["email-invalid", "email-invalid"]
    assert "U+2013" in found[0][1]


def test_rows_that_look_wrong_are_reported_and_kept_as_the_source_has_them(fake):
    names = by_name(fake)

    def counties(name):
        return [term["code"] for term in terms(names[name], "service_area")]

    # The Maramureș town's prosecutor office filed under Ilfov: reported, and left there.
    assert problems(fake, "court-county") == [
        (
            "Parchetul de pe lângă Judecătoria Baia Mare",
            "filed under Ilfov (IF), while Judecătoria Baia Mare is filed under Maramureș (MM)",
        )
    ]
    assert counties("Parchetul de pe lângă Judecătoria Baia Mare") == ["RO-IF"]
    # An unknown code: the county cell names the county, and that is said.
    assert problems(fake, "county-code") == [
        (
            "Inspectoratul de Poliție Județean Harghita",
            "code 'HG' is not in ISO 3166-2:RO; its county cell 'Harghita' is Harghita (HR)",
        )
    ]
    assert counties("Inspectoratul de Poliție Județean Harghita") == ["RO-HR"]
    # A county body whose name names another county than it is filed under.
    satu_mare = "Agenția Județeană pentru Plăți și Inspecție Socială Satu Mare"
    assert problems(fake, "name-county") == [
        (satu_mare, "its name says Satu Mare (SM), but it is filed under Sălaj (SJ)")
    ]
    assert counties(satu_mare) == ["RO-SJ"]
    # No court of that name: the office keeps the source's words rather than name a court that does not exist.
    assert [i for i, _ in problems(fake, "no-court")] == ["Parchetul de pe lângă jud. Dolj"]
    assert [i for i, _ in problems(fake, "prosecutor-email")] == ["Parchetul de pe lângă jud. Dolj"]
    assert [i for i, _ in problems(fake, "town-spelling")] == ["'Rm Valcea'"]
    assert [i for i, _ in problems(fake, "email-shared")] == ["support@example.ro"]
    assert [i for i, _ in problems(fake, "email-missing")] == [
        "Direcția Generală de Asistență Socială și Protecția Copilului Iași"
    ]
    assert [p.rows for p in fake.problems_of("no-name")] == [("FLOW - TWO #5",)]
    # An Ombudsman's office serves several counties: no problem, every county kept.
    assert counties("Avocatul Poporului, Biroul Teritorial Cluj-Napoca") == ["RO-CJ", "RO-MM"]
    assert not problems(fake, "several-counties")
    report = fake.report()
    assert "court-county: prosecutor offices filed under another county" in report
    assert "FLOW - ONE #7" in report


def test_hsds_of_an_institution(fake):
    organization = by_name(fake)["Parchetul de pe lângă Judecătoria Sectorului 1 București"]
    assert organization["country"] == "RO" and organization["language"] == "ro"
    assert organization["email"] == "pj_sector_1@mpublic.ro"
    assert organization["description"] == "Parchet de pe lângă judecătorie, municipiul București, sectorul 1."
    assert organization["translations"]["en"]["description"] == (
        "Prosecutor's office of a first-instance court, Bucharest, sector 1."
    )
    for absent in ("locations", "phones", "services"):
        assert absent not in organization  # nothing the source lacks
    [our_type] = [
        t for t in terms(organization, "institution_type") if t["code"] == "first_instance_prosecutor"
    ]
    assert our_type["name"] == "Prosecutor's office of a first-instance court"
    assert our_type["translations"]["ro"]["name"] == "Parchet de pe lângă judecătorie"
    vocabulary = json.loads(OUR_VOCABULARIES.read_text(encoding="utf-8"))
    prosecutor = next(t for t in vocabulary[0]["terms"] if t["code"] == "prosecutor")
    assert prosecutor["id"] in [t["id"] for t in terms(organization, "institution_type")]
    [county] = terms(organization, "service_area")
    assert (county["code"], county["name"], county["taxonomy"]) == ("RO-B", "București", "ISO 3166-2:RO")
    [metadata] = organization["metadata"]
    assert metadata["previous_value"] == "Bucuresti 1"
    assert metadata["replacement_value"] == organization["name"]
    assert SOURCE_COMMIT in metadata["updated_by"] and "MPL-2.0" in metadata["updated_by"]
    office = by_name(fake)["Avocatul Poporului, Biroul Teritorial Cluj-Napoca"]
    assert office["parent_organization_id"] == by_name(fake)["Avocatul Poporului"]["id"]


@pytest.mark.django_db
def test_the_directory_imports_it_and_finds_it(fake):
    from refugiu.directory.hsds.importer import hsds_import_organizations
    from refugiu.directory.models import Contact, Organization
    from refugiu.directory.search import directory_search

    summary = hsds_import_organizations(fake.organizations)
    assert summary.organizations.created == Organization.objects.count() == len(fake.organizations)
    assert Contact.objects.filter(email="e@example.ro").exists()
    court = by_name(fake)["Judecătoria Sectorului 1 București"]["id"]
    assert directory_search(query="judecatoria sectorului 1").hits[0] == ("organization", court)
    police = by_name(fake)["Inspectoratul de Poliție Județean Cluj"]["id"]
    assert directory_search(query="politia cluj").hits == [("organization", police)]
    in_olt = {h for _, h in directory_search(query="judecatoria olt").hits}  # the county: the description's
    assert in_olt == {by_name(fake)[name]["id"] for name in ("Judecătoria Slatina", SLATINA_PROSECUTOR)}
    again = hsds_import_organizations(fake.organizations)
    assert again.organizations.updated == len(fake.organizations)
    assert all(counts.removed == 0 for counts in again.counts().values())


def test_command_writes_the_file_and_the_report(tmp_path):
    source = tmp_path / "institutions.json"
    source.write_text(json.dumps(FAKE, ensure_ascii=False), encoding="utf-8")
    output, report, out = tmp_path / "out.json", tmp_path / "report.txt", io.StringIO()
    call_command("demo_ro_institutions", str(source), str(output), report=str(report), stdout=out)
    assert output.read_text(encoding="utf-8") == ro_institutions_json(ro_institutions_convert(FAKE))
    assert report.read_text(encoding="utf-8") in out.getvalue()
    assert "Wrote 26 organisations" in out.getvalue()
    source.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(CommandError, match="must be a JSON object of flows"):
        call_command("demo_ro_institutions", str(source), str(output), stdout=io.StringIO())


# --- on the real list -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real():
    return ro_institutions_convert(json.loads(SOURCE_FILE.read_text(encoding="utf-8")))


def count_of(conversion, source_type: str) -> int:
    return sum(1 for institution in conversion.institutions if institution.type.source == source_type)


@needs_source
def test_real_list_counts_are_the_readmes(real):
    assert real.pairs == 560
    assert real.rows == 1184 and real.flows == 4
    assert count_of(real, "Judecatorie") == 176
    assert count_of(real, "Parchetul de pe lângă jud.") == 144
    assert count_of(real, "Inspectorat Județean Poliție") == 48
    assert count_of(real, "Baroul judetean") == 42
    assert count_of(real, "AJPIS") == 41
    assert count_of(real, "CJ") == 41
    assert count_of(real, "Avocatul Poporului Biroul teritorial") + count_of(real, "Avocatul Poporului") == 17
    # 42 DGASPC (type, name) pairs, Bucharest's of the six sectors and one without a sector among them:
    # 48 institutions.
    assert count_of(real, "DGASPC") == 48
    assert len(real.organizations) == 566


@needs_source
def test_real_list_names(real):
    names = by_name(real)
    for name in (
        "Judecătoria Slatina",
        "Parchetul de pe lângă Judecătoria Slatina",
        "Inspectoratul de Poliție Județean Cluj",
        "Direcția Generală de Asistență Socială și Protecția Copilului Iași",
        "Direcția Generală de Poliție a Municipiului București",
        "Baroul Cluj",
        "Agenția Județeană pentru Plăți și Inspecție Socială Cluj",
        "Consiliul Județean Cluj",
        "Judecătoria Târgu Lapuș",  # the source's cedilla "Lapuş"
        "Parchetul de pe lângă Înalta Curte de Casație și Justiție",
        "Inspectoratul General al Poliției Române",
        "Avocatul Poporului",
    ):
        assert name in names, name
    assert names["Inspectoratul de Poliție Județean Cluj"]["email"] == "cabinet@cj.politiaromana.ro"
    for sector in range(1, 7):
        court = names[f"Judecătoria Sectorului {sector} București"]
        assert court["email"] == f"jud-sector{sector}@just.ro"
        prosecutor = names[f"Parchetul de pe lângă Judecătoria Sectorului {sector} București"]
        assert prosecutor["email"] == f"pj_sector_{sector}@mpublic.ro"
        assert f"Direcția Generală de Asistență Socială și Protecția Copilului Sector {sector}" in names
        assert f"Poliția Sectorului {sector}" in names
    assert not any("Bucuresti 1" in name for name in names)


@needs_source
def test_real_list_problems_reported(real):
    court_county = dict(problems(real, "court-county"))
    for town in ("Baia Mare", "Dragomirești"):  # Maramureș towns filed under Ilfov
        assert court_county[f"Parchetul de pe lângă Judecătoria {town}"] == (
            f"filed under Ilfov (IF), while Judecătoria {town} is filed under Maramureș (MM)"
        )
    assert [p.rows for p in real.problems_of("no-name")] == [("FLOW - VREAU LA JUDECĂTOR #243",)]
    assert {
        code for _, detail in problems(real, "county-code") for code in ("HG", "VR") if f"'{code}'" in detail
    } == {
        "HG",
        "VR",
    }
    assert "Parchetul de pe lângă Judecătoria Săveni" in dict(problems(real, "no-email"))
    shared = dict(problems(real, "email-shared"))
    assert "avpbrasov@avp.ro" in shared and "consjud@cjc.ro" in shared
    assert len(real.problems) == len(set(real.problems))


@needs_source
def test_committed_file_is_what_the_converter_makes_now(real):
    assert (DATA / "ro_institutions.json").read_text(encoding="utf-8") == ro_institutions_json(real)
    assert (DATA / "ro_institutions.report.txt").read_text(encoding="utf-8") == real.report()


def test_committed_file_keeps_its_notice():
    notice = (DATA / "ro_institutions.NOTICE").read_text(encoding="utf-8")
    assert "code4romania/adapt-just-api database/dumps/institutions.json" in notice
    assert "commit 4d54dbd07d1908f3a694884c5919fa4e0cb74cb8" in notice
    assert "This Source Code Form is subject to the terms of the Mozilla Public License, v. 2.0." in " ".join(
        notice.split()
    )
