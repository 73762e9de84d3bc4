"""Import that real data survives (issue 15), through `refugiu hsds_import`.

What the HSDS 3 schema accepts is stored whole: no column an import writes has a length the schema lacks.
A file's problems are listed all in one run, each with its record, field, place in the file, what is wrong
and how to fix it; `--check` writes nothing, the default writes nothing on any problem, `--skip-invalid`
imports the valid records and writes the others with their reasons to a file that can be imported again.

Every record here is made up. The file behind the issue (446 court records of another country, refused
whole for one switchboard number of 70 characters) is not in the repository: its defect is reproduced.
"""

import copy
import io
import json
import re
import stat
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from refugiu.accounts.roles import Role
from refugiu.directory import models as d
from refugiu.directory.hsds.entities import ENTITIES, entity_columns
from refugiu.directory.hsds.importer import hsds_check_path
from tests.conftest import HSDS_DIR, needs_shared_hsds
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# A court's switchboard with its extensions, as a real file had it: 70 characters, over our old 50.
SWITCHBOARD = "+40 21 318 3000 int. 1234, 1235, 1236, 1237, 1238 / fax +40 21 318 301"
assert len(SWITCHBOARD) == 70


def new_id() -> str:
    return str(uuid.uuid4())


def organization(**fields) -> dict:
    return {"id": new_id(), "name": "Fake District Court", "description": "Invented for tests.", **fields}


def service(**fields) -> dict:
    return {"id": new_id(), "name": "Fake victim support desk", "status": "active", **fields}


def write_json(folder: Path, data, name: str = "courts.json") -> Path:
    path = folder / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def hsds_import(*arguments) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of `refugiu hsds_import ARGUMENTS`, run by call_command."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("hsds_import", *map(str, arguments), stdout=out, stderr=err)
    except CommandError as exc:
        err.write(f"CommandError: {exc}\n")
        return exc.returncode, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def listed(output: str) -> list[dict[str, str]]:
    """The problems a run listed: each numbered head ("3/9 service <id>, field status"), then where it is,
    what is wrong and how to fix it."""
    problems: list[dict[str, str]] = []
    for line in output.splitlines():
        if head := re.fullmatch(r"(\d+)/(\d+) (.*)", line):
            problems.append({"head": head[3], "total": head[2]})
        elif problems and (part := re.fullmatch(r" {4}(where|what is wrong|how to fix it): (.*)", line)):
            problems[-1][part[1]] = part[2]
    return problems


def nothing_written() -> bool:
    return (
        not d.Organization.objects.exists()
        and not d.Service.objects.exists()
        and not d.Phone.objects.exists()
    )


# --- what the schema accepts is kept whole ----------------------------------------------------------------


def long_values() -> dict:
    """An organisation whose every kind of text is longer than our columns used to take."""
    address = {
        "id": new_id(), "address_1": "Strada Fictivă " + "nr. 1, " * 60, "city": "Oraș " * 60,
        "state_province": "Județ " * 60, "postal_code": "RO-" + "0" * 40, "country": "RO",
        "address_type": "physical", "attention": "Registratura " * 30, "region": "Regiunea " * 40,
    }  # fmt: skip
    return organization(
        name="Judecătoria Fictivă a Sectorului " + "Unu " * 300,
        alternate_name="JF " * 200,
        website="https://court.example.org/" + "a/" * 1500,
        tax_status="s" * 300,
        legal_status="public institution " * 20,
        phones=[{"id": new_id(), "number": SWITCHBOARD, "type": "voice " * 10, "extension": 1234}],
        contacts=[
            {
                "id": new_id(),
                "name": "Fake Clerk " * 30,
                "title": "Grefier-șef " * 30,
                "department": "Biroul de informare și relații publice " * 10,
                "phones": [{"id": new_id(), "number": SWITCHBOARD}],
            }  # fmt: skip
        ],
        locations=[
            {
                "id": new_id(),
                "location_type": "physical",
                "name": "Sediul " * 80,
                "external_identifier": "X" * 300,
                "addresses": [address],
                "languages": [{"id": new_id(), "name": "română " * 30, "code": "ro-RO-" + "x" * 30}],
            }  # fmt: skip
        ],
        services=[
            service(
                name="Informare privind drepturile victimelor " * 20,
                url="https://court.example.org/victims/" + "b" * 2500,
                schedules=[{"id": new_id(), "freq": "WEEKLY", "byday": "MO,TU,WE,TH,FR," * 20}],
                service_areas=[{"id": new_id(), "name": "Zona " * 60, "uri": "urn:area:" + "z" * 600}],
            )
        ],
    )


def test_a_switchboard_number_of_70_characters_and_every_long_text_are_imported_whole(tmp_path, client):
    data = long_values()
    code, out, err = hsds_import(write_json(tmp_path, [data]))
    assert code == 0, err
    assert "phones: 2 created" in out
    assert sorted(d.Phone.objects.values_list("number", flat=True)) == [SWITCHBOARD, SWITCHBOARD]
    stored = d.Organization.objects.get()
    for key in ("name", "alternate_name", "website", "tax_status", "legal_status"):
        assert getattr(stored, key) == data[key], key
    address = d.Address.objects.get()
    for key, value in data["locations"][0]["addresses"][0].items():
        if key not in ("id", "address_type"):
            assert getattr(address, key) == value, key
    assert d.Contact.objects.get().department == data["contacts"][0]["department"]
    assert d.Language.objects.get().code == data["locations"][0]["languages"][0]["code"]
    service_ = d.Service.objects.get()
    assert (service_.name, service_.url) == (data["services"][0]["name"], data["services"][0]["url"])
    assert d.Schedule.objects.get().byday == data["services"][0]["schedules"][0]["byday"]
    assert d.ServiceArea.objects.get().uri == data["services"][0]["service_areas"][0]["uri"]
    # Served whole: the API, the public page and its referral sheet.
    api = client.get(f"/api/hsds/organizations/{stored.id}").json()
    assert api["name"] == data["name"] and api["phones"][0]["number"] == SWITCHBOARD
    page = client.get(f"/organisations/{stored.id}/")
    assert page.status_code == 200 and SWITCHBOARD in page.content.decode()
    assert client.get(f"/organisations/{stored.id}/referral-sheet/").status_code == 200


def test_editors_keep_editing_long_values_in_the_admin(tmp_path, client):
    hsds_import(write_json(tmp_path, [long_values()]))
    stored = d.Organization.objects.get()
    phone = stored.phones.get()
    client.force_login(UserFactory(roles=[Role.DIRECTORY_EDITOR], is_staff=True))
    url = f"/admin/directory/organization/{stored.id}/change/"
    page = client.get(url)
    assert page.status_code == 200 and SWITCHBOARD in page.content.decode()
    renamed = stored.name + " (renamed)"
    longer = SWITCHBOARD + ", 1239"
    form = {
        "name": renamed, "alternate_name": stored.alternate_name, "description": stored.description,
        "email": "", "website": stored.website, "tax_status": stored.tax_status, "tax_id": "",
        "year_incorporated": "", "legal_status": stored.legal_status, "logo": "", "uri": "",
        "parent_organization": "", "country": "RO", "is_published": "on", "last_verified_on": "",
        "language": "", "translations": "{}",
        "phones-TOTAL_FORMS": "1", "phones-INITIAL_FORMS": "1", "phones-0-id": str(phone.id),
        "phones-0-organization": str(stored.id), "phones-0-number": longer, "phones-0-extension": "1234",
        "phones-0-type": phone.type, "phones-0-description": "",
        "contacts-TOTAL_FORMS": "0", "contacts-INITIAL_FORMS": "0",
    }  # fmt: skip
    response = client.post(url, form)
    assert response.status_code == 302, (
        response.context["adminform"].form.errors,
        [inline.formset.errors for inline in response.context["inline_admin_formsets"]],
    )
    stored.refresh_from_db()
    assert stored.name == renamed and stored.phones.get().number == longer


def test_no_column_an_import_writes_has_a_length_the_schema_lacks():
    """Only values that cannot be longer keep a length: code lists, country codes, e-mail addresses, UUIDs
    (and an attribute's link_entity, which is ours: the import sets it)."""
    limited = []
    for name in ENTITIES:
        for key, column in entity_columns(name)[0].items():
            if column.max_length is None or column.choices or column.kind in ("country", "email", "uuid"):
                continue
            if (name, key) != ("attribute", "link_entity"):
                limited.append(f"{name}.{key} ({column.max_length})")
    assert limited == []
    codes = {
        (name, key): column.max_length
        for name in ENTITIES
        for key, column in entity_columns(name)[0].items()
        if column.max_length is not None and column.choices
    }
    assert all(length >= max(map(len, entity_columns(n)[0][k].choices)) for (n, k), length in codes.items())


@needs_shared_hsds
def test_our_columns_against_the_official_schema():
    """Every HSDS text property we map has no length; code lists are the schema's; the schema has no
    maxLength anywhere (if a later HSDS adds one, this test says where to look)."""
    problems = []
    for name in ENTITIES:
        schema = json.loads((HSDS_DIR / "schema" / f"{name}.json").read_text(encoding="utf-8"))
        columns = entity_columns(name)[0]
        for key, spec in schema["properties"].items():
            if "maxLength" in spec:
                problems.append(f"{name}.{key}: the schema now has maxLength {spec['maxLength']}")
            column = columns.get(key)
            if column is None or spec.get("type") != "string" or (name, key) == ("attribute", "link_entity"):
                continue  # link_entity is ours: the import sets it
            if "enum" in spec:
                if set(column.choices) != set(spec["enum"]):
                    problems.append(f"{name}.{key}: {column.choices} against the schema's {spec['enum']}")
            elif column.max_length is not None and column.kind not in ("country", "email", "uuid"):
                problems.append(
                    f"{name}.{key}: at most {column.max_length} characters; the schema has no limit"
                )
    assert problems == []


@needs_shared_hsds
def test_a_schema_valid_file_with_long_values_is_valid_hsds_and_imports(tmp_path):
    from jsonschema import Draft202012Validator

    schema = json.loads((HSDS_DIR / "schema" / "compiled" / "organization.json").read_text(encoding="utf-8"))
    data = long_values()
    Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER).validate(data)
    assert hsds_check_path(write_json(tmp_path, [data])).problems == []


# --- every problem in one run -----------------------------------------------------------------------------


def defective_file(folder: Path) -> tuple[Path, dict[str, str], list[tuple[str, str, str, str]]]:
    """Six made-up courts, a service and a copy, each with defects: (the file, the ids, and every problem
    expected as (id, field, JSON path, the start of what is wrong))."""
    emails = organization(email="registry@court.example; info@court.example")
    missing = {"id": new_id(), "alternate_name": "No name, no description"}
    types = organization(name=42, year_incorporated="2011", services=[service(status="open")])
    orphan = service(organization_id=new_id())
    places = organization(
        locations=[{"id": new_id(), "location_type": "office", "latitude": "44.43", "longitude": 26.1}]
    )
    twin = {**emails, "name": "Another court with the same id", "email": "office@court.example"}
    valid = organization(phones=[{"id": new_id(), "number": SWITCHBOARD}])
    records = [emails, missing, types, orphan, places, twin, valid]
    ids = {
        "emails": emails["id"], "missing": missing["id"], "types": types["id"],
        "open": types["services"][0]["id"], "orphan": orphan["id"], "location": places["locations"][0]["id"],
        "valid": valid["id"],
    }  # fmt: skip
    expected = [
        (ids["emails"], "email", "$[0].email", "must be an email address"),
        (ids["missing"], "name", "$[1].name", "is required"),
        (ids["missing"], "description", "$[1].description", "is required"),
        (ids["types"], "name", "$[2].name", "must be a string, not a number"),
        (ids["types"], "year_incorporated", "$[2].year_incorporated", "must be a whole number"),
        (ids["open"], "status", "$[2].services[0].status", "must be one of active, inactive, defunct"),
        (ids["orphan"], "organization_id", "$[3].organization_id", "no organization with this id"),
        (ids["location"], "location_type", "$[4].locations[0].location_type", "must be one of physical"),
        (ids["location"], "latitude", "$[4].locations[0].latitude", "must be a number"),
        (ids["emails"], "name", "$[5].name", "the record appears more than once, with different values"),
    ]
    return write_json(folder, records), ids, expected


def assert_every_problem_listed(output: str, expected) -> None:
    problems = listed(output)
    assert len(problems) == len(expected), output
    for problem in problems:
        assert problem["total"] == str(len(expected))
        assert problem["how to fix it"][0].isupper() and problem["how to fix it"].endswith((".", ")"))
    found = [(p["head"], p["where"], p["what is wrong"]) for p in problems]
    for record_id, field, path, reason in expected:
        assert any(
            record_id in head
            and head.endswith(f"field {field}")
            and where == path
            and what.startswith(reason)
            for head, where, what in found
        ), (record_id, field, path, reason, found)


def test_check_lists_every_problem_of_every_record_in_one_run_and_writes_nothing(tmp_path):
    path, ids, expected = defective_file(tmp_path)
    with CaptureQueriesContext(connection) as queries:
        code, out, err = hsds_import(path, "--check")
    assert code == 1
    assert_every_problem_listed(out, expected)
    assert "10 problems in 6 of 7 top-level records or rows of courts.json; nothing was written" in err
    assert nothing_written()
    reads = ("SELECT", "SAVEPOINT", "RELEASE")
    assert all(query["sql"].lstrip().upper().startswith(reads) for query in queries), queries.captured_queries


def test_the_default_import_is_all_or_nothing_and_lists_every_problem(tmp_path):
    path, ids, expected = defective_file(tmp_path)
    code, out, err = hsds_import(path)
    assert code == 1
    assert_every_problem_listed(err, expected)
    assert "nothing imported: 10 problems, listed above" in err
    assert nothing_written()  # the valid court neither


def test_a_problem_found_once_per_copy_is_listed_at_each_copy(tmp_path):
    """HSDS repeats a record wherever it applies: a bad value in two copies is two places to correct."""
    phone = {"id": new_id(), "number": SWITCHBOARD, "extension": "12 or 13"}
    data = organization(phones=[phone], services=[service(phones=[phone])])
    code, out, err = hsds_import(write_json(tmp_path, [data]), "--check")
    assert code == 1
    assert [p["where"] for p in listed(out)] == [
        "$[0].phones[0].extension",
        "$[0].services[0].phones[0].extension",
    ]


def test_problems_of_ndjson_lines_and_of_rows_of_a_package_are_all_listed(tmp_path):
    lines = tmp_path / "courts.ndjson"
    good, bad = organization(), organization(email="nope")
    lines.write_text(f"{json.dumps(good)}\n{{oops\n{json.dumps(bad)}\n[1, 2]\n", encoding="utf-8")
    code, out, _ = hsds_import(lines, "--check")
    assert code == 1
    assert [(p["head"], p["where"]) for p in listed(out)] == [
        ("courts.ndjson line 2", "line 2: $"),
        (f"organization {bad['id']}, field email", "line 3: $.email"),
        ("organization on line 4", "line 4: $"),
    ]
    package = tmp_path / "package"
    package.mkdir()
    org_id = new_id()
    (package / "organizations.csv").write_text(
        f"id,name,description\n{org_id},Fake Court,\nnot-an-id,Other Court,\n{new_id()},Third,,extra\n",
        encoding="utf-8",
    )
    (package / "services.csv").write_text(
        f"id,organization_id,name,status\n{new_id()},{org_id},Advice,open\n{new_id()},{new_id()},Lost,active\n",
        encoding="utf-8",
    )
    code, out, _ = hsds_import(package, "--check")
    assert code == 1
    assert [(p["where"], p["what is wrong"]) for p in listed(out)] == [
        ("organizations.csv row 3, column id", "must be a UUID"),
        ("organizations.csv row 4", "has 4 cells, the header has 3"),
        ("services.csv row 2, column status", "must be one of active, inactive, defunct, temporarily closed"),
        (
            "services.csv row 3, column organization_id",
            "no organization with this id in the file or the directory",
        ),
    ]


def test_a_file_that_cannot_be_read_at_all_says_so_and_how_to_fix_it(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('[{"id": "x",', encoding="utf-8")
    for arguments in ([broken, "--check"], [broken], [broken, "--skip-invalid"]):
        code, out, err = hsds_import(*arguments)
        assert code == 1
        problem = listed(out + err)[0]
        assert problem["head"] == "broken.json" and problem["what is wrong"].startswith("is not JSON")
        assert "json.tool" in problem["how to fix it"]
    assert not (tmp_path / "broken.json.rejected.json").exists()


# --- the valid records only -------------------------------------------------------------------------------


def test_skip_invalid_imports_the_valid_and_writes_the_others_to_import_again(tmp_path):
    path, ids, expected = defective_file(tmp_path)
    rejected_file = tmp_path / "out" / "rejected.json"
    code, out, err = hsds_import(path, "--skip-invalid", "--rejected", rejected_file)
    assert code == 3
    assert "organizations: 1 created" in out and "phones: 1 created" in out
    assert list(d.Organization.objects.values_list("id", flat=True)) == [uuid.UUID(ids["valid"])]
    assert d.Phone.objects.get().number == SWITCHBOARD
    assert_every_problem_listed(err, expected)
    assert f"written with the reasons to {rejected_file}" in err
    assert stat.S_IMODE(rejected_file.stat().st_mode) == 0o600
    document = json.loads(rejected_file.read_text(encoding="utf-8"))
    original = json.loads(path.read_text(encoding="utf-8"))
    assert document["contents"] == original[:6]  # as the file had them, in its order
    assert [item["path"] for item in document["rejected"]] == [f"$[{i}]" for i in range(6)]
    first = document["rejected"][0]
    assert first["record"] == f"organization {ids['emails']}"
    assert first["problems"][0] == {
        "record": f"organization {ids['emails']}", "id": ids["emails"], "field": "email",
        "path": "$[0].email", "problem": "must be an email address",
        "how_to_fix": first["problems"][0]["how_to_fix"],
    }  # fmt: skip
    # Corrected where it stands, the rejected file imports as it is.
    fixed = copy.deepcopy(document)
    contents = fixed["contents"]
    contents[0]["email"] = "registry@court.example"
    contents[1].update(name="Fake Court of Appeal", description="")
    contents[2].update(name="Fake Tribunal", year_incorporated=2011)
    contents[2]["services"][0]["status"] = "temporarily closed"
    contents[3]["organization_id"] = ids["valid"]
    contents[4]["locations"][0].update(location_type="physical", latitude=44.43)
    contents[5]["id"] = new_id()
    rejected_file.write_text(json.dumps(fixed), encoding="utf-8")
    code, out, err = hsds_import(rejected_file)
    assert code == 0, err
    assert d.Organization.objects.count() == 6 and d.Service.objects.count() == 2
    assert d.Location.objects.get().latitude is not None


def test_skip_invalid_with_nothing_wrong_imports_everything_and_writes_no_file(tmp_path):
    path = write_json(tmp_path, [organization(), organization()])
    code, out, err = hsds_import(path, "--skip-invalid")
    assert code == 0, err
    assert d.Organization.objects.count() == 2
    assert not (tmp_path / "courts.json.rejected.json").exists()


def test_what_belongs_to_a_rejected_record_goes_with_it_named_by_it(tmp_path):
    """In a package: an organisation with a bad e-mail takes its services, their phones and its locations
    with it, each with a reason naming the record it went with; the other organisation is imported."""
    bad, good = new_id(), new_id()
    bad_service, good_service, location = new_id(), new_id(), new_id()
    bad_phone, good_phone = new_id(), new_id()
    package = tmp_path / "package"
    package.mkdir()
    (package / "organizations.csv").write_text(
        f"id,name,description,email\n{bad},Fake Court A,,nope\n{good},Fake Court B,,b@court.example\n",
        encoding="utf-8",
    )
    (package / "services.csv").write_text(
        f"id,organization_id,name,status\n{bad_service},{bad},Advice,active\n{good_service},{good},Help,active\n",
        encoding="utf-8",
    )
    (package / "phones.csv").write_text(
        f'id,service_id,number\n{bad_phone},{bad_service},"{SWITCHBOARD}"\n'
        f'{good_phone},{good_service},"{SWITCHBOARD}"\n',
        encoding="utf-8",
    )
    (package / "locations.csv").write_text(
        f"id,organization_id,location_type,name\n{location},{bad},physical,Seat\n", encoding="utf-8"
    )
    code, out, err = hsds_import(package, "--skip-invalid")
    assert code == 3
    assert list(d.Organization.objects.values_list("id", flat=True)) == [uuid.UUID(good)]
    assert list(d.Phone.objects.values_list("id", flat=True)) == [uuid.UUID(good_phone)]
    assert not d.Location.objects.exists()
    document = json.loads((tmp_path / "package.rejected.json").read_text(encoding="utf-8"))
    reasons = {
        item["record"]: item.get("reason") or item["problems"][0]["problem"] for item in document["rejected"]
    }
    organization_label = f"organization {bad} (organizations.csv row 2)"
    service_label = f"service {bad_service} (services.csv row 2)"
    assert reasons == {
        organization_label: "must be an email address",
        service_label: f"rejected with {organization_label}, which it belongs to or refers to",
        f"phone {bad_phone} (phones.csv row 2)": (
            f"rejected with {service_label}, which it belongs to or refers to"
        ),
        f"location {location} (locations.csv row 2)": (
            f"rejected with {organization_label}, which it belongs to or refers to"
        ),
    }
    assert document["contents"] == []  # rows are corrected in the package's files
    assert document["rejected"][0]["file"] == "organizations.csv"
    assert document["rejected"][0]["cells"]["email"] == "nope"
    assert f"service {bad_service} (services.csv row 2): rejected with {organization_label}" in err


def test_what_is_nested_in_a_rejected_record_is_named_with_the_record_it_belongs_to(tmp_path):
    phone = {"id": new_id(), "number": SWITCHBOARD}
    nested = service(phones=[phone])
    bad = organization(email="nope", services=[nested])
    code, _, _ = hsds_import(write_json(tmp_path, [bad, organization()]), "--skip-invalid")
    assert code == 3
    document = json.loads((tmp_path / "courts.json.rejected.json").read_text(encoding="utf-8"))
    assert document["rejected"][0]["rejected_with_it"] == [
        {
            "record": f"service {nested['id']}",
            "reason": f"rejected with organization {bad['id']}, which it belongs to",
        },
        {
            "record": f"phone {phone['id']}",
            "reason": f"rejected with service {nested['id']}, which it belongs to",
        },
    ]


def test_a_rejected_row_does_not_remove_what_the_directory_already_holds(tmp_path):
    """A table is the complete list of its records under each parent; one with a rejected row is not."""
    org_id, first, second = new_id(), new_id(), new_id()

    def package(name: str, second_extension: str) -> Path:
        folder = tmp_path / name
        folder.mkdir()
        (folder / "organizations.csv").write_text(
            f"id,name,description\n{org_id},Fake Court,\n", encoding="utf-8"
        )
        (folder / "phones.csv").write_text(
            f'id,organization_id,number,extension\n{first},{org_id},"{SWITCHBOARD}",1\n'
            f"{second},{org_id},+40 21 000 0000,{second_extension}\n",
            encoding="utf-8",
        )
        return folder

    assert hsds_import(package("before", "2"))[0] == 0
    code, out, _ = hsds_import(package("after", "two"), "--skip-invalid")
    assert code == 3 and "phones: 0 created, 1 updated, 0 removed" in out
    assert d.Phone.objects.get(id=second).extension == 2


# --- the command itself -----------------------------------------------------------------------------------


def test_rejected_goes_with_skip_invalid_only_and_is_not_the_input(tmp_path):
    code, _, err = hsds_import(tmp_path / "x.json", "--rejected", tmp_path / "r.json")
    assert code == 2 and "--rejected goes with --skip-invalid" in err
    path = write_json(tmp_path, [organization(email="nope")])
    code, _, err = hsds_import(path, "--skip-invalid", "--rejected", path)
    assert code == 2 and "--rejected must not be the file being imported" in err
    assert json.loads(path.read_text(encoding="utf-8"))[0]["email"] == "nope"


def test_exit_codes_of_a_real_run(tmp_path):
    """`refugiu hsds_import` in a process of its own, on a real installation: the codes its help lists."""
    from tests.installation import installation

    path, ids, expected = defective_file(tmp_path)
    good = write_json(tmp_path, [organization(phones=[{"id": new_id(), "number": SWITCHBOARD}])], "good.json")
    with installation(tmp_path / "var", suffix="hsds") as site:
        shown = site.run("hsds_import", "--help")
        assert shown.returncode == 0 and "exit codes:" in shown.stdout
        assert "3  with --skip-invalid: the valid records imported" in shown.stdout
        assert site.run("hsds_import", "--check", "--skip-invalid", str(path)).returncode == 2
        migrated = site.run("migrate", "-v0", timeout=600)
        assert migrated.returncode == 0, migrated.stderr
        checked = site.run("hsds_import", "--check", str(path))
        assert checked.returncode == 1 and "Traceback" not in checked.stderr
        assert_every_problem_listed(checked.stdout, expected)
        refused = site.run("hsds_import", str(path))
        assert refused.returncode == 1 and "nothing imported: 10 problems, listed above" in refused.stderr
        assert site.sql("SELECT count(*) FROM directory_organization") == [(0,)]
        partly = site.run("hsds_import", "--skip-invalid", str(path))
        assert partly.returncode == 3, partly.stderr
        assert (tmp_path / "courts.json.rejected.json").is_file()
        assert site.sql("SELECT count(*) FROM directory_organization") == [(1,)]
        assert site.run("hsds_import", "--check", str(good)).returncode == 0
        imported = site.run("hsds_import", str(good))
        assert imported.returncode == 0, imported.stderr
        assert site.sql("SELECT number FROM directory_phone ORDER BY number") == [
            (SWITCHBOARD,),
            (SWITCHBOARD,),
        ]


def test_the_messages_are_translated(tmp_path):
    from django.utils import translation

    path = write_json(tmp_path, [organization(email="nope", services=[service(status="open")])])
    with translation.override("ro"):
        problems = hsds_check_path(path).problems
    assert [(p.field, p.reason) for p in problems] == [
        ("email", "trebuie să fie o adresă de e-mail"),
        ("status", "trebuie să fie una dintre valorile active, inactive, defunct, temporarily closed"),
    ]
    assert problems[1].fix.startswith("Înlocuiți „open” cu una dintre aceste valori")


def test_required_text_may_be_empty_as_the_schema_allows_but_names_and_numbers_not(tmp_path):
    address = {
        "id": new_id(), "address_1": "", "city": "", "state_province": "", "postal_code": "", "country": "",
        "address_type": "postal",
    }  # fmt: skip
    data = organization(
        description="", locations=[{"id": new_id(), "location_type": "postal", "addresses": [address]}]
    )
    assert hsds_import(write_json(tmp_path, [data]))[0] == 0
    assert d.Address.objects.get().city == ""
    nameless = organization(name=" ", phones=[{"id": new_id(), "number": ""}])
    code, out, _ = hsds_import(write_json(tmp_path, [nameless], "nameless.json"), "--check")
    assert code == 1
    assert [(p["where"], p["what is wrong"]) for p in listed(out)] == [
        ("$[0].phones[0].number", "must not be empty"),
        ("$[0].name", "must not be empty"),
    ]
