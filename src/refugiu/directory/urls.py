from django.urls import path

from refugiu.directory import staff_views, views

app_name = "directory"
urlpatterns = [
    path("", views.search_page, name="search"),
    path("organisations/<uuid:organization_id>/", views.organization_detail, name="organization"),
    path("organisations/<uuid:organization_id>/referral-sheet/", views.referral_sheet, name="referral_sheet"),
    path("organisations/<uuid:organization_id>/suggest/", views.suggest_correction, name="suggest"),
    path("staff/directory/stale/", staff_views.stale_list, name="staff_stale"),
    path(
        "staff/directory/organisations/<uuid:organization_id>/verify/",
        staff_views.verify,
        name="staff_verify",
    ),
    path("staff/directory/suggestions/", staff_views.suggestion_list, name="staff_suggestions"),
    path(
        "staff/directory/suggestions/<int:suggestion_id>/review/",
        staff_views.suggestion_review_view,
        name="staff_suggestion_review",
    ),
]
