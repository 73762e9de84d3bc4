"""Imports have limits: a zip bomb, a zip whose headers lie, a zip of 100,000 members, a 200 MB field, an
oversized JSON file, line or field are each refused with a message naming the file and the limit (and the
setting that raises it), before anything is written. The bombs' peak memory is measured in a subprocess
running `refugiu hsds_import`: it stays far below what the bomb would unpack to.

The archives are written byte by byte in tmp_path (tests/zipbombs.py); nothing binary is committed.
"""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from refugiu.directory import models as d
from refugiu.directory.hsds.importer import hsds_import_path
from refugiu.directory.hsds.problems import HsdsImportError
from tests.zipbombs import STORED, Member, MiB, gigabyte_of, zip_write

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
# A Django process that has imported the project takes about 100 MB; a bomb's 1 GiB must stay out of it.
PEAK_BOUND_MB = 250


def refused(path: Path) -> str:
    with pytest.raises(HsdsImportError) as error:
        hsds_import_path(path)
    assert not d.Organization.objects.exists() and not d.Service.objects.exists()
    return str(error.value)


def peak_memory_of_import(path: Path, **environment: str) -> tuple[float, str]:
    """(peak RSS in MB, stderr) of `refugiu hsds_import path`, run in a process of its own with the test
    settings; the import must be refused. The peak is the process's own (VmHWM): getrusage's ru_maxrss
    would also count the memory of this test process, which the child had before it ran Python."""
    code = (
        "import sys\n"
        "from refugiu.cli import main\n"
        "try:\n"
        "    main(['hsds_import', sys.argv[1]])\n"
        "finally:\n"
        "    with open('/proc/self/status') as status:\n"
        "        print(next(line for line in status if line.startswith('VmHWM:')), file=sys.stderr)\n"
    )
    result = subprocess.run(  # noqa: S603 - our own command, fixed arguments
        [sys.executable, "-c", code, str(path)],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **environment},
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    peak = next(line for line in result.stderr.splitlines() if line.startswith("VmHWM:"))
    return int(peak.split()[1]) / 1024, result.stderr  # "VmHWM:  102400 kB"


def limited(settings, **limits: int) -> None:
    settings.REFUGIU = {**settings.REFUGIU, **limits}


CSV_HEADER = b"id,name,description,status\n"


def services_csv(description: bytes) -> bytes:
    return CSV_HEADER + b"%s,Fake advice,%s,active\n" % (str(uuid.uuid4()).encode(), description)


# --- zip bombs ---------------------------------------------------------------------------------------------


def test_a_gigabyte_in_a_megabyte_is_refused_by_what_its_header_says(tmp_path):
    bomb = zip_write(tmp_path / "bomb.zip", [gigabyte_of(b"a")])
    assert bomb.stat().st_size < 1.1 * MiB
    assert refused(bomb) == (
        "services.csv: says it unpacks to 1,024 MiB, more than the limit of 512 MiB for one file "
        "(REFUGIU_IMPORT_MAX_FILE_MB)"
    )
    peak, stderr = peak_memory_of_import(bomb)
    assert "nothing imported: services.csv: says it unpacks to 1,024 MiB" in stderr
    assert peak < PEAK_BOUND_MB


def test_a_bomb_whose_header_says_it_is_small_is_cut_at_that_size(tmp_path):
    """zipfile gives no more of a member than its header says, then checks what it gave against the CRC."""
    bomb = zip_write(tmp_path / "bomb.zip", [gigabyte_of(b"a", says=1024)])
    message = refused(bomb)
    assert message.startswith("services.csv: is damaged, or not what its zip header says (Bad CRC-32")
    peak, _ = peak_memory_of_import(bomb)
    assert peak < PEAK_BOUND_MB


def test_a_file_over_the_limit_for_one_file_is_refused_by_what_it_says_or_what_it_holds(tmp_path, settings):
    content = services_csv(b"x" * 3000)
    limited(settings, IMPORT_MAX_FILE_BYTES=2048, ZIP_MAX_RATIO=10**6)
    package = zip_write(tmp_path / "package.zip", [Member("services.csv", content)])
    assert refused(package) == (
        f"services.csv: says it unpacks to {len(content):,} bytes, more than the limit of 2 KiB for one "
        "file (REFUGIU_IMPORT_MAX_FILE_MB)"
    )
    # A zip member that says less is cut where it says (zipfile), then found damaged by its CRC.
    lying = zip_write(tmp_path / "lying.zip", [Member("services.csv", content, says=1000)])
    assert refused(lying).startswith("services.csv: is damaged, or not what its zip header says")
    # A file in a folder is counted as it is read.
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "services.csv").write_bytes(content)
    assert refused(folder) == (
        "services.csv: is larger than the limit of 2 KiB for one file (REFUGIU_IMPORT_MAX_FILE_MB)"
    )


def test_a_package_larger_than_the_limit_together_is_refused(tmp_path, settings):
    tables = [Member(name, services_csv(b"x" * 1500)) for name in ("services.csv", "organizations.csv")]
    package = zip_write(tmp_path / "package.zip", tables)
    together = sum(member.size for member in tables)
    limited(settings, IMPORT_MAX_PACKAGE_BYTES=3 * 1024)
    assert refused(package) == (
        f"package.zip: its files say they unpack to {together:,} bytes, more than the limit of 3 KiB for a "
        "package (REFUGIU_IMPORT_MAX_PACKAGE_MB)"
    )
    folder = tmp_path / "folder"
    folder.mkdir()
    for member in tables:
        (folder / member.name).write_bytes(member.block)
    # The second file read (organisations first, as the importer reads them) passes the limit.
    assert refused(folder) == (
        "services.csv: with this file, the package is larger than the limit of 3 KiB for a package "
        "(REFUGIU_IMPORT_MAX_PACKAGE_MB)"
    )


def test_a_hundred_thousand_members_are_refused_before_zipfile_reads_them(tmp_path):
    many = zip_write(tmp_path / "many.zip", [Member(f"t{i}.csv", method=STORED) for i in range(100_000)])
    assert refused(many) == (
        "many.zip: holds 100,000 files, more than the limit of 1,000 (REFUGIU_ZIP_MAX_MEMBERS)"
    )
    peak, _ = peak_memory_of_import(many)
    assert peak < PEAK_BOUND_MB
    # An end record that understates the count: the directory's length gives it away.
    lying = zip_write(
        tmp_path / "lying.zip", [Member(f"t{i}.csv", method=STORED) for i in range(100_000)], says_count=3
    )
    assert refused(lying) == (
        "lying.zip: holds more files than it says, more than the limit of 1,000 (REFUGIU_ZIP_MAX_MEMBERS)"
    )


@pytest.mark.parametrize(
    ("member", "row"),
    [
        # A bomb whose header says 500 MiB: within the limit for one file, but packed into 1 MB.
        (gigabyte_of(b"a", says=500 * MiB), 1),
        # A field of 200 MiB in a row of services.csv.
        (
            Member(
                "services.csv",
                b"a" * MiB,
                200,
                head=CSV_HEADER + str(uuid.uuid4()).encode() + b",Fake advice,",
                tail=b",active\n",
            ),  # fmt: skip
            2,
        ),
    ],
    ids=["header-says-it-fits", "field-of-200-MiB"],
)
def test_what_only_a_bomb_is_is_refused_for_its_ratio_or_at_its_first_line(tmp_path, settings, member, row):
    package = zip_write(tmp_path / "package.zip", [member])
    assert refused(package) == (
        "services.csv: is compressed more than 100-fold, as only a zip bomb is (REFUGIU_ZIP_MAX_RATIO)"
    )
    # With the ratio raised, reading starts, and stops at the first line over the limit.
    limited(settings, ZIP_MAX_RATIO=10_000)
    assert refused(package) == (
        f"services.csv row {row}: is longer than the limit of 16,777,216 characters for one line "
        "(REFUGIU_IMPORT_MAX_RECORD_MB)"
    )
    peak, _ = peak_memory_of_import(package, REFUGIU_ZIP_MAX_RATIO="10000")
    assert peak < PEAK_BOUND_MB


def test_a_member_zipfile_cannot_read_is_refused_with_its_reason(tmp_path):
    package = zip_write(tmp_path / "package.zip", [Member("services.csv", services_csv(b"x"), flags=1)])
    assert refused(package).startswith("services.csv: cannot be read (File <ZipInfo filename='services.csv'")


def test_a_field_over_the_field_limit_is_named(tmp_path, settings):
    limited(settings, IMPORT_MAX_FIELD_CHARS=1024)
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "services.csv").write_bytes(services_csv(b"x" * 1025))
    assert refused(folder) == (
        "services.csv row 2: description: is longer than the limit of 1,024 characters for one field "
        "(REFUGIU_IMPORT_MAX_FIELD_KB)"
    )
    # A quoted field may run over many lines: the row is bounded all the same.
    limited(settings, IMPORT_MAX_RECORD_CHARS=4096)
    (folder / "services.csv").write_bytes(services_csv(b'"' + b"x\n" * 5000 + b'"'))
    assert refused(folder) == (
        "services.csv row 2: is longer than the limit of 4,096 characters for one line "
        "(REFUGIU_IMPORT_MAX_RECORD_MB)"
    )


# --- JSON and NDJSON -------------------------------------------------------------------------------------


def organization(**fields) -> dict:
    return {"id": str(uuid.uuid4()), "name": "Fake Aid Society", "description": "Invented.", **fields}


def test_a_json_file_over_the_limit_is_refused_before_it_is_read(tmp_path, settings):
    path = tmp_path / "big.json"
    path.write_text(json.dumps([organization(description="x" * 3000)]))
    limited(settings, IMPORT_MAX_FILE_BYTES=2048)
    assert refused(path) == (
        f"big.json: is {path.stat().st_size:,} bytes, more than the limit of 2 KiB for one file "
        "(REFUGIU_IMPORT_MAX_FILE_MB)"
    )


def test_an_ndjson_line_over_the_limit_is_named(tmp_path, settings):
    path = tmp_path / "data.ndjson"
    path.write_text(f"{json.dumps(organization())}\n{json.dumps(organization(description='x' * 5000))}\n")
    limited(settings, IMPORT_MAX_RECORD_CHARS=4096)
    assert refused(path) == (
        "data.ndjson line 2: is longer than the limit of 4,096 characters for one line "
        "(REFUGIU_IMPORT_MAX_RECORD_MB)"
    )


def test_a_json_field_over_the_limit_is_named_wherever_it_is(tmp_path, settings):
    limited(settings, IMPORT_MAX_FIELD_CHARS=1024)
    long = organization(description="x" * 1025)
    message = refused(_write(tmp_path, [long]))
    assert message == (
        f"organization {long['id']}: description: is longer than the limit of 1,024 characters for one "
        "field (REFUGIU_IMPORT_MAX_FIELD_KB)"
    )
    # In what we keep verbatim (funding, unknown fields), however deep.
    kept = organization(funding=[{"id": str(uuid.uuid4()), "source": {"note": "y" * 1025}}])
    assert refused(_write(tmp_path, [kept])).endswith(
        "funding: is longer than the limit of 1,024 characters for one field (REFUGIU_IMPORT_MAX_FIELD_KB)"
    )
    # Within the limit, it is imported.
    assert hsds_import_path(_write(tmp_path, [organization(description="x" * 1024)])).organizations.created


def test_json_nested_too_deeply_is_refused_with_a_reason(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    assert refused(path) == "deep.json: is nested too deeply to be HSDS"


def _write(tmp_path: Path, data) -> Path:
    path = tmp_path / "data.json"
    path.write_text(json.dumps(data))
    return path
