from django.urls import path

from refugiu.directory import representative_views, staff_views, views

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
    # Changes proposed by organisations' representatives, and the representatives (directory editors).
    path("staff/directory/changes/", staff_views.change_list, name="staff_changes"),
    path(
        "staff/directory/changes/<int:change_id>/review/",
        staff_views.change_review,
        name="staff_change_review",
    ),
    path("staff/directory/representatives/", staff_views.representative_list, name="staff_representatives"),
    path(
        "staff/directory/organisations/<uuid:organization_id>/representatives/",
        staff_views.organization_representatives,
        name="staff_organization_representatives",
    ),
    path(
        "staff/directory/representatives/<int:representative_id>/remove/",
        staff_views.representative_remove_view,
        name="staff_representative_remove",
    ),
    # An organisation's own pages, for its representatives.
    path("staff/my-organisations/", representative_views.own_list, name="own_list"),
    path(
        "staff/my-organisations/<uuid:organization_id>/",
        representative_views.own_organization,
        name="own_organization",
    ),
    path(
        "staff/my-organisations/<uuid:organization_id>/edit/",
        representative_views.own_organization_edit,
        name="own_organization_edit",
    ),
    path(
        "staff/my-organisations/<uuid:organization_id>/services/new/",
        representative_views.own_service_new,
        name="own_service_new",
    ),
    path(
        "staff/my-organisations/<uuid:organization_id>/services/<uuid:service_id>/edit/",
        representative_views.own_service_edit,
        name="own_service_edit",
    ),
    path(
        "staff/my-organisations/<uuid:organization_id>/changes/<int:change_id>/withdraw/",
        representative_views.own_change_withdraw,
        name="own_change_withdraw",
    ),
]
