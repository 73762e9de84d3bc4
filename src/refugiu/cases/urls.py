"""Staff pages of the cases module, under /staff/cases/. No personal data in any of these paths: ids
only; searches that carry names are posted."""

from django.urls import path

from refugiu.cases import views_case, views_intake, views_lists, views_records, views_referrals

app_name = "cases"

CASE = "<int:case_id>/"

urlpatterns = [
    path("", views_lists.case_list, name="case_list"),
    path("work/", views_lists.my_work, name="my_work"),
    path("closures/", views_lists.closures, name="closures"),
    path("beneficiaries/new/", views_intake.beneficiary_intake, name="beneficiary_intake"),
    path("beneficiaries/<int:beneficiary_id>/open-case/", views_intake.case_open, name="case_open"),
    path("beneficiaries/merge/", views_intake.beneficiary_merge, name="beneficiary_merge"),
    path("break-glass/", views_case.break_glass_by_reference, name="break_glass_by_reference"),
    path(CASE, views_case.case_detail, name="case_detail"),
    path(CASE + "identity/", views_case.beneficiary_identity, name="beneficiary_identity"),
    path(CASE + "edit/", views_case.case_edit, name="case_edit"),
    path(CASE + "status/", views_case.case_status, name="case_status"),
    path(CASE + "beneficiary/", views_case.beneficiary_edit, name="beneficiary_edit"),
    path(CASE + "team/", views_case.team, name="team"),
    path(CASE + "close/", views_case.case_close, name="case_close"),
    path(CASE + "close/decide/", views_case.case_close_decide, name="case_close_decide"),
    path(CASE + "reopen/", views_case.case_reopen, name="case_reopen"),
    path(CASE + "break-glass/", views_case.break_glass, name="break_glass"),
    path(CASE + "sessions/new/", views_records.service_new, name="service_new"),
    path(CASE + "notes/new/", views_records.note_new, name="note_new"),
    path(CASE + "consents/new/", views_records.consent_new, name="consent_new"),
    path(
        CASE + "consents/<int:consent_id>/withdraw/", views_records.consent_withdraw, name="consent_withdraw"
    ),
    path(CASE + "assessments/new/", views_records.assessment_new, name="assessment_new"),
    path(CASE + "tasks/new/", views_records.task_new, name="task_new"),
    path(CASE + "tasks/<int:task_id>/done/", views_records.task_done, name="task_done"),
    path(CASE + "proceedings/new/", views_records.proceeding_new, name="proceeding_new"),
    path(CASE + "proceedings/<int:proceeding_id>/", views_records.proceeding_edit, name="proceeding_edit"),
    path(CASE + "referrals/new/", views_referrals.referral_new, name="referral_new"),
    path(CASE + "referrals/<int:referral_id>/", views_referrals.referral_detail, name="referral_detail"),
    path(
        CASE + "referrals/<int:referral_id>/packet/", views_referrals.referral_packet, name="referral_packet"
    ),
    path(
        CASE + "referrals/<int:referral_id>/packet.pdf",
        views_referrals.referral_packet_pdf,
        name="referral_packet_pdf",
    ),
]
