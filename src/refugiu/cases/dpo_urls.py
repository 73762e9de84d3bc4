from django.urls import path

from refugiu.cases import dpo_views

app_name = "dpo"

urlpatterns = [
    path("", dpo_views.index, name="index"),
    path("subjects/", dpo_views.subject, name="subject"),
    path("subjects/<int:beneficiary_id>/", dpo_views.subject_detail, name="subject_detail"),
    path(
        "subjects/<int:beneficiary_id>/export.json", dpo_views.subject_export_json, name="subject_export_json"
    ),
    path("subjects/<int:beneficiary_id>/export.pdf", dpo_views.subject_export_pdf, name="subject_export_pdf"),
    path("subjects/<int:beneficiary_id>/erase/", dpo_views.subject_erase, name="subject_erase"),
    path("retention/", dpo_views.retention, name="retention"),
    path("audit/", dpo_views.audit, name="audit"),
    path("audit/export.csv", dpo_views.audit_export, name="audit_export"),
    path("break-glass/", dpo_views.break_glass, name="break_glass"),
]
