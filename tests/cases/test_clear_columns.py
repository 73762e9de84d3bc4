"""Every text column of the case models is either encrypted or on this reviewed list, with the reason it
may stay readable in a copy of the database. A new column that is neither fails here: decide, then add it
to the model as an encrypted field or to CLEAR_COLUMNS with its reason (SECURITY.md, "What is encrypted").

The rule behind the list: free text, and anything that describes the person or what happened to them, is
encrypted. A column stays clear only if the application must compare, count or look it up in the database
(the published statistics, which suppress small counts, need sex, age band, nationality, case category,
service kind, referral destination and outcome, proceeding kind and stage), or if it describes our own
processing rather than the person, or if it is already meaningless without a key (random codes, keyed
digests).
"""

from django.apps import apps
from django.db import models

from refugiu.core.fields import EncryptedField

CLEAR_COLUMNS = {
    "cases.Beneficiary.code": "random pseudonym, the only name staff use for a person; looked up by value",
    "cases.Beneficiary.gender": "counted by the published statistics (beneficiaries by sex)",
    "cases.Beneficiary.age_band": "counted by the published statistics (beneficiaries by age band)",
    "cases.Beneficiary.nationality": "counted by the published statistics (beneficiaries by nationality)",
    "cases.IdentityToken.kind": "which identity field a blind-index token stands for",
    "cases.IdentityToken.digest": "keyed HMAC of a folded word: meaningless without the encryption key",
    "cases.Case.reference": "random case reference; looked up by value (break-glass, audit search)",
    "cases.Case.category": "case lists filter by it; the statistics count cases by category",
    "cases.Case.status": "case lists, closures and retention filter by it; the dashboard counts it",
    "cases.TeamMember.function": "a staff member's function on the case: decides who opens sealed notes",
    "cases.StatusChange.from_status": "the same codes as Case.status, dated",
    "cases.StatusChange.to_status": "the same codes as Case.status, dated",
    "cases.Consent.purpose": "what the consent is for (our processing, not the person)",
    "cases.Consent.shared_fields": "which kinds of data may be shared (our processing, not the person)",
    "cases.Consent.form": "how the consent was given (written, oral)",
    "cases.ServiceEntry.kind": "counted by the published statistics and the dashboard (services by type)",
    "cases.Note.seal": "which profession may read the note: checked before anything is decrypted",
    "cases.Referral.kind": "internal or external; counted by the statistics and the dashboard",
    "cases.Referral.country": "counted by the published statistics (referrals by destination country)",
    "cases.Referral.shared_fields": "which kinds of data went in the packet (our processing)",
    "cases.Referral.status": "counted by the statistics (outcome) and the dashboard",
    "cases.Proceeding.kind": "counted by the statistics (compensation claims, protection orders)",
    "cases.Proceeding.stage": "counted by the statistics (claims and orders by stage)",
    "cases.Proceeding.currency": "an ISO 4217 code beside amounts",
    "cases.Document.content_type": "sent with the file when it is downloaded; decided from its content",
    "cases.Document.extension": "the kind of file, decided from its content",
    "cases.Document.stored_name": "random file name on disk (the file itself is encrypted)",
    "cases.ApiToken.name": "a staff member's own label for their token, not about any beneficiary",
    "cases.ApiToken.digest": "SHA-256 of a random token: the token cannot be recovered from it",
}

TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)


def text_columns() -> dict[str, models.Field]:
    return {
        f"{model._meta.label}.{field.name}": field
        for model in apps.get_app_config("cases").get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, (*TEXT_FIELDS, EncryptedField))
    }


def test_every_text_column_of_the_case_models_is_encrypted_or_reviewed():
    columns = text_columns()
    unreviewed = sorted(
        name
        for name, field in columns.items()
        if not isinstance(field, EncryptedField) and name not in CLEAR_COLUMNS
    )
    assert not unreviewed, (
        "text columns neither encrypted nor reviewed (encrypt them, or add them to CLEAR_COLUMNS with "
        f"the reason they may stay clear): {unreviewed}"
    )


def test_the_reviewed_list_names_only_clear_columns_that_exist():
    columns = text_columns()
    stale = sorted(
        name for name in CLEAR_COLUMNS if name not in columns or isinstance(columns[name], EncryptedField)
    )
    assert not stale, f"CLEAR_COLUMNS names columns that are gone or now encrypted: {stale}"


def test_what_the_issue_named_is_encrypted():
    columns = text_columns()
    for name in (
        "cases.Proceeding.authority",
        "cases.Proceeding.deadline_label",
        "cases.ServiceEntry.mediator",
        "cases.Case.exploitation_types",
        "cases.Case.control_methods",
        "cases.Case.recruitment_methods",
        "cases.Case.exploitation_country",
    ):
        assert isinstance(columns[name], EncryptedField), name
