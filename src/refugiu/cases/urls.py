"""Every URL of the cases module's pages, included once by the project at its root.

Four namespaces, each under its own prefix: "cases" (/staff/cases/: lists, intake, a case and what is in
it), "documents" (/staff/cases/<case>/documents/), "dpo" (/staff/dpo/: the data protection officer's
tools) and "tokens" (/staff/api-tokens/: a person's API tokens). No personal data in any of these paths:
ids only; searches that carry names are posted. tests/cases/test_permission_matrix.py reads every name
here and fails for one that has no expectation of who may use it.
"""

from django.urls import include, path

from refugiu.cases.views import case, documents, dpo, intake, lists, records, referrals, tokens

CASE = "<int:case_id>/"

case_patterns = [
    path("", lists.case_list, name="case_list"),
    path("work/", lists.my_work, name="my_work"),
    path("closures/", lists.closures, name="closures"),
    path("beneficiaries/new/", intake.beneficiary_intake, name="beneficiary_intake"),
    path("beneficiaries/<int:beneficiary_id>/open-case/", intake.case_open, name="case_open"),
    path("beneficiaries/merge/", intake.beneficiary_merge, name="beneficiary_merge"),
    path("break-glass/", case.break_glass_by_reference, name="break_glass_by_reference"),
    path(CASE, case.case_detail, name="case_detail"),
    path(CASE + "identity/", case.beneficiary_identity, name="beneficiary_identity"),
    path(CASE + "edit/", case.case_edit, name="case_edit"),
    path(CASE + "status/", case.case_status, name="case_status"),
    path(CASE + "beneficiary/", case.beneficiary_edit, name="beneficiary_edit"),
    path(CASE + "team/", case.team, name="team"),
    path(CASE + "close/", case.case_close, name="case_close"),
    path(CASE + "close/decide/", case.case_close_decide, name="case_close_decide"),
    path(CASE + "reopen/", case.case_reopen, name="case_reopen"),
    path(CASE + "break-glass/", case.break_glass, name="break_glass"),
    path(CASE + "sessions/new/", records.service_new, name="service_new"),
    path(CASE + "notes/new/", records.note_new, name="note_new"),
    path(CASE + "consents/new/", records.consent_new, name="consent_new"),
    path(CASE + "consents/<int:consent_id>/withdraw/", records.consent_withdraw, name="consent_withdraw"),
    path(CASE + "assessments/new/", records.assessment_new, name="assessment_new"),
    path(CASE + "tasks/new/", records.task_new, name="task_new"),
    path(CASE + "tasks/<int:task_id>/done/", records.task_done, name="task_done"),
    path(CASE + "proceedings/new/", records.proceeding_new, name="proceeding_new"),
    path(CASE + "proceedings/<int:proceeding_id>/", records.proceeding_edit, name="proceeding_edit"),
    path(CASE + "referrals/new/", referrals.referral_new, name="referral_new"),
    path(CASE + "referrals/<int:referral_id>/", referrals.referral_detail, name="referral_detail"),
    path(CASE + "referrals/<int:referral_id>/packet/", referrals.referral_packet, name="referral_packet"),
    path(
        CASE + "referrals/<int:referral_id>/packet.pdf",
        referrals.referral_packet_pdf,
        name="referral_packet_pdf",
    ),
]

document_patterns = [
    path("new/", documents.upload, name="upload"),
    path("<int:document_id>/", documents.download, name="download"),
]

dpo_patterns = [
    path("", dpo.index, name="index"),
    path("subjects/", dpo.subject, name="subject"),
    path("subjects/<int:beneficiary_id>/", dpo.subject_detail, name="subject_detail"),
    path("subjects/<int:beneficiary_id>/export.json", dpo.subject_export_json, name="subject_export_json"),
    path("subjects/<int:beneficiary_id>/export.pdf", dpo.subject_export_pdf, name="subject_export_pdf"),
    path("subjects/<int:beneficiary_id>/erase/", dpo.subject_erase, name="subject_erase"),
    path("retention/", dpo.retention, name="retention"),
    path("audit/", dpo.audit, name="audit"),
    path("audit/export.csv", dpo.audit_export, name="audit_export"),
    path("break-glass/", dpo.break_glass, name="break_glass"),
]

token_patterns = [
    path("", tokens.token_list, name="list"),
    path("new/", tokens.token_create, name="create"),
    path("<int:token_id>/revoke/", tokens.token_revoke, name="revoke"),
]

urlpatterns = [
    path("staff/cases/", include((case_patterns, "cases"))),
    path("staff/cases/" + CASE + "documents/", include((document_patterns, "documents"))),
    path("staff/dpo/", include((dpo_patterns, "dpo"))),
    path("staff/api-tokens/", include((token_patterns, "tokens"))),
]
