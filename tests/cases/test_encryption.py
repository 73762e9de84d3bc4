"""Encryption at rest: no plaintext of identities, notes or documents in the database or the upload
folder, and `refugiu rotate_keys` moves everything to a new key."""

import datetime as dt

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import CommandError, call_command
from django.db import connection

from refugiu.cases import selectors, services
from refugiu.cases import vocabularies as v
from refugiu.cases.documents import document_path, document_store, storage_dir
from refugiu.cases.models import BeneficiaryIdentity, Case, Document, Note
from refugiu.core import crypto
from tests.cases.factories import DepartmentFactory, beneficiary_new, case_new, caseworker, coordinator
from tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db

IDENTITY = {
    "given_names": "Ottilie",
    "family_names": "Brankovschi",
    "other_names": "Otilia Brancovschi",
    "date_of_birth": "1989-11-02",
    "phone": "+373 69 123 987",
    "email": "ottilie.b@example.net",
    "address": "Aleea Fictivă 12, Chișinău",
    "document_type": "passport",
    "document_number": "MD7731045",
}
TEXTS = {
    "summary": "Summary: trafficked through the Quarrystone agency",
    "note": "Sealed: disclosed abuse by the Quarrystone foreman",
    "session": "Session: prepared the Quarrystone witness statement",
    "referral": "Referral: Quarrystone survivors support group",
    "file_number": "QS-77/2025",
    "task": "Chase the Quarrystone prosecutor",
    "document_title": "Quarrystone contract scan",
    "mediator": "Quarrystone-Ilvescu interpreter",
    "authority": "Quarrystone District Court",
    "deadline_label": "Quarrystone appeal brief",
    "recipient": "Quarrystone Help Desk",
}
# Codes from the trafficking vocabularies, long and unusual enough not to occur in any other table.
TRAFFICKING = {
    "exploitation_types": [v.ExploitationType.FORCED_MARRIAGE],
    "control_methods": [v.ControlMethod.THREATENS_CHILDREN_FAMILY],
    "recruitment_methods": [v.RecruitmentMethod.EDUCATIONAL_INSTITUTION],
}
DOCUMENT = b"Employment contract between Ottilie Brankovschi and Quarrystone Ltd\n"
NEEDLES = [
    *(value for key, value in IDENTITY.items() if key != "document_type"),
    *TEXTS.values(),
    *(code for codes in TRAFFICKING.values() for code in codes),
    "Quarrystone",
    "Brankovschi",
]


def world_make() -> dict:
    """A case with a value in every kind of encrypted field, a sealed note and a document (the backup tests
    make it too)."""
    department = DepartmentFactory()
    boss, lawyer, psychologist = coordinator(department), caseworker(department), caseworker(department)
    beneficiary = beneficiary_new(by=boss, identity=IDENTITY)
    case = case_new(
        department=department,
        by=boss,
        beneficiary=beneficiary,
        team=[(lawyer, v.TeamFunction.LAWYER), (psychologist, v.TeamFunction.PSYCHOLOGIST)],
        summary=TEXTS["summary"],
        risk_level=v.RiskLevel.HIGH,
        flags=[v.CaseFlag.PREGNANCY],
        trafficking_status=v.TraffickingStatus.ACTUAL,
        exploitation_country="CY",
        **TRAFFICKING,
    )
    services.note_write(user=psychologist, case=case, text=TEXTS["note"], seal=v.NoteSeal.PSYCHOLOGICAL)
    services.service_record(
        user=lawyer,
        case=case,
        kind=v.ServiceKind.LEGAL_COUNSELLING,
        duration_minutes=30,
        note=TEXTS["session"],
        mediator=TEXTS["mediator"],
        language="ti",
    )
    services.assessment_record(user=psychologist, case=case, medical=v.NeedLevel.HIGH)
    services.consent_record(
        user=lawyer,
        case=case,
        purpose=v.ConsentPurpose.SHARING,
        recipient_name=TEXTS["recipient"],
        shared_fields=["code"],
        form=v.ConsentForm.WRITTEN,
    )
    service = ServiceFactory()
    services.consent_record(
        user=lawyer,
        case=case,
        purpose=v.ConsentPurpose.SHARING,
        organization=service.organization,
        shared_fields=["code"],
        form=v.ConsentForm.WRITTEN,
    )
    services.referral_send(
        user=lawyer, case=case, service=service, reason=TEXTS["referral"], shared_fields=["code"]
    )
    services.proceeding_record(
        user=lawyer,
        case=case,
        kind=v.ProceedingKind.CRIMINAL_CASE,
        stage=v.ProceedingStage.COMPLAINT,
        file_number=TEXTS["file_number"],
        authority=TEXTS["authority"],
        deadline=dt.date.today(),
        deadline_label=TEXTS["deadline_label"],
    )
    services.task_create(user=lawyer, case=case, title=TEXTS["task"], due_on=dt.date.today())
    document = document_store(user=lawyer, case=case, title=TEXTS["document_title"], data=DOCUMENT)
    return locals()


@pytest.fixture
def world(own_keys):
    return world_make()


def database_text() -> str:
    """Every value of every table, as text: what a stolen database dump would show."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        value = bytes(value).decode("latin-1")
                    chunks.append(str(value))
    return "\n".join(chunks).lower()


def upload_folder_bytes() -> bytes:
    return b"".join(path.read_bytes() for path in storage_dir().rglob("*") if path.is_file())


def test_database_and_upload_folder_hold_no_plaintext(world):
    dump = database_text()
    assert world["beneficiary"].code.lower() in dump  # the dump does contain the tables we wrote to
    for needle in NEEDLES:
        assert needle.lower() not in dump, needle
    files = upload_folder_bytes()
    assert files
    for needle in (*NEEDLES, DOCUMENT.decode()):
        assert needle.encode() not in files, needle
        assert needle.lower().encode() not in files.lower(), needle
    # And yet everything reads back.
    identity = BeneficiaryIdentity.objects.get(beneficiary=world["beneficiary"])
    assert identity.family_names == IDENTITY["family_names"]
    assert Note.objects.get(case=world["case"]).text == TEXTS["note"]


def _raw_given_names(beneficiary_id) -> str:
    table = BeneficiaryIdentity._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT given_names FROM {table} WHERE beneficiary_id = %s", [beneficiary_id])  # noqa: S608
        return cursor.fetchone()[0]


def test_rotate_keys_reencrypts_everything_under_a_new_key(world, capsys):
    beneficiary, document = world["beneficiary"], world["document"]
    key_file = crypto.key_file()
    (old_key,) = crypto.keys_load()
    old_file = document_path(document).read_bytes()
    old_raw = _raw_given_names(beneficiary.pk)

    call_command("rotate_keys")

    output = capsys.readouterr().out
    assert "Re-encrypted" in output and "1 document files" in output
    keys = [line.strip() for line in key_file.read_text().splitlines() if line.strip()]
    assert len(keys) == 1 and keys[0].encode() != old_key
    crypto.keys_reset()
    new_raw = _raw_given_names(beneficiary.pk)
    assert new_raw != old_raw and new_raw.startswith(crypto.PREFIX)

    # The old key no longer opens anything; the new one does.
    with pytest.raises(InvalidToken):
        Fernet(old_key).decrypt(new_raw[len(crypto.PREFIX) :].encode())
    new_file = document_path(document).read_bytes()
    assert new_file != old_file
    with pytest.raises(InvalidToken):
        Fernet(old_key).decrypt(new_file)
    assert crypto.decrypt_bytes(new_file) == DOCUMENT

    # Data still reads through the application.
    identity = BeneficiaryIdentity.objects.get(beneficiary=beneficiary)
    assert (identity.given_names, identity.document_number) == (
        IDENTITY["given_names"],
        IDENTITY["document_number"],
    )
    case = Case.objects.get(pk=world["case"].pk)
    assert case.summary == TEXTS["summary"]
    assert Note.objects.get(case=case).text == TEXTS["note"]
    assert Document.objects.get(pk=document.pk).title == TEXTS["document_title"]

    # Search-before-register still finds the person: the search tokens were recomputed with the new key.
    for query in (
        {"names": "Ottilie Brankovschi"},
        {"document": "md 773 1045"},
        {"phone": "+373 (69) 123-987"},
    ):
        matches = selectors.beneficiary_search(user=world["boss"], **query)
        assert [m.beneficiary.pk for m in matches] == [beneficiary.pk], query
    # And the plaintext check still holds.
    dump = database_text()
    assert all(needle.lower() not in dump for needle in NEEDLES)


def test_rotate_keys_refuses_keys_from_the_environment(world, monkeypatch):
    (old_key,) = crypto.keys_load()
    monkeypatch.setenv(crypto.ENV_VAR, old_key.decode())
    crypto.keys_reset()
    with pytest.raises(CommandError) as error:
        call_command("rotate_keys")
    assert "--reencrypt-only" in str(error.value)


def test_reencrypt_only_with_a_new_key_first_in_the_environment(world, monkeypatch):
    beneficiary, document = world["beneficiary"], world["document"]
    (old_key,) = crypto.keys_load()
    new_key = Fernet.generate_key()
    monkeypatch.setenv(crypto.ENV_VAR, f"{new_key.decode()},{old_key.decode()}")
    crypto.keys_reset()

    call_command("rotate_keys", "--reencrypt-only")

    # The operator then removes the old key: everything reads with the new one alone.
    monkeypatch.setenv(crypto.ENV_VAR, new_key.decode())
    crypto.keys_reset()
    assert BeneficiaryIdentity.objects.get(beneficiary=beneficiary).family_names == IDENTITY["family_names"]
    assert Note.objects.get(case=world["case"]).text == TEXTS["note"]
    assert crypto.decrypt_bytes(document_path(document).read_bytes()) == DOCUMENT
    matches = selectors.beneficiary_search(user=world["boss"], names="Ottilie Brankovschi")
    assert [m.beneficiary.pk for m in matches] == [beneficiary.pk]


def test_every_encrypted_column_holds_ciphertext_and_reads_back(world):
    """Codes and lists in encrypted columns (risk, flags, trafficking details, need levels, a session's
    language) are as unreadable in the database as free text, and come back as they were written."""
    from django.apps import apps

    from refugiu.core.fields import EncryptedField

    checked = 0
    with connection.cursor() as cursor:
        for model in apps.get_app_config("cases").get_models():
            for field in model._meta.concrete_fields:
                if not isinstance(field, EncryptedField):
                    continue
                cursor.execute(
                    f"SELECT {connection.ops.quote_name(field.column)} FROM {model._meta.db_table}"  # noqa: S608
                )
                for (raw,) in cursor.fetchall():
                    assert raw == "" or raw.startswith(crypto.PREFIX), (model._meta.label, field.name, raw)
                    checked += raw != ""
    assert checked >= 25
    case = Case.objects.get(pk=world["case"].pk)
    assert (case.risk_level, case.flags, case.trafficking_status) == (
        v.RiskLevel.HIGH,
        [v.CaseFlag.PREGNANCY],
        v.TraffickingStatus.ACTUAL,
    )
    assert case.exploitation_country.code == "CY" and case.exploitation_country.name == "Cyprus"
    assert {name: getattr(case, name) for name in TRAFFICKING} == TRAFFICKING
    assert case.get_risk_level_display() == "High"
    session = case.services.get()
    assert (session.mediator, session.language) == (TEXTS["mediator"], "ti")
    proceeding = case.proceedings.get()
    assert (proceeding.authority, proceeding.deadline_label) == (TEXTS["authority"], TEXTS["deadline_label"])
    assert case.assessments.get().medical == v.NeedLevel.HIGH
    assert case.consents.get(organization=None).recipient_name == TEXTS["recipient"]
    # Encrypted columns answer only "is it empty?": any other comparison is refused, never silently empty.
    assert Case.objects.filter(pk=case.pk).exclude(flags=[]).exists()
    with pytest.raises(ValueError, match="only with the empty value"):
        list(Case.objects.filter(risk_level=v.RiskLevel.HIGH))
