from django.urls import path

from refugiu.directory.views import (
    organization,
    referral_sheet,
    representatives,
    search_page,
    staff,
    suggestions,
)

app_name = "directory"
urlpatterns = [
    path("", search_page.search_page, name="search"),
    path("organisations/<uuid:organization_id>/", organization.organization_detail, name="organization"),
    path(
        "organisations/<uuid:organization_id>/referral-sheet/",
        referral_sheet.referral_sheet,
        name="referral_sheet",
    ),
    path("organisations/<uuid:organization_id>/suggest/", suggestions.suggest_correction, name="suggest"),
    path("staff/directory/stale/", staff.stale_list, name="staff_stale"),
    path(
        "staff/directory/organisations/<uuid:organization_id>/verify/",
        staff.verify,
        name="staff_verify",
    ),
    path("staff/directory/suggestions/", staff.suggestion_list, name="staff_suggestions"),
    path(
        "staff/directory/suggestions/<int:suggestion_id>/review/",
        staff.suggestion_review_view,
        name="staff_suggestion_review",
    ),
    # Changes proposed by organisations' representatives, and the representatives (directory editors).
    path("staff/directory/changes/", staff.change_list, name="staff_changes"),
    path(
        "staff/directory/changes/<int:change_id>/review/",
        staff.change_review,
        name="staff_change_review",
    ),
    path("staff/directory/representatives/", staff.representative_list, name="staff_representatives"),
    path(
        "staff/directory/organisations/<uuid:organization_id>/representatives/",
        staff.organization_representatives,
        name="staff_organization_representatives",
    ),
    path(
        "staff/directory/representatives/<int:representative_id>/remove/",
        staff.representative_remove_view,
        name="staff_representative_remove",
    ),
    # An organisation's own pages, for its representatives.
    path("staff/my-organisations/", representatives.own_list, name="own_list"),
    path(
        "staff/my-organisations/<uuid:organization_id>/",
        representatives.own_organization,
        name="own_organization",
    ),
    path(
        "staff/my-organisations/<uuid:organization_id>/edit/",
        representatives.own_organization_edit,
        name="own_organization_edit",
    ),
    path(
        "staff/my-organisations/<uuid:organization_id>/services/new/",
        representatives.own_service_new,
        name="own_service_new",
    ),
    path(
        "staff/my-organisations/<uuid:organization_id>/services/<uuid:service_id>/edit/",
        representatives.own_service_edit,
        name="own_service_edit",
    ),
    path(
        "staff/my-organisations/<uuid:organization_id>/translations/",
        representatives.own_organization_translate,
        name="own_organization_translate",
    ),
    path(
        "staff/my-organisations/<uuid:organization_id>/services/<uuid:service_id>/translations/",
        representatives.own_service_translate,
        name="own_service_translate",
    ),
    path(
        "staff/my-organisations/<uuid:organization_id>/changes/<int:change_id>/withdraw/",
        representatives.own_change_withdraw,
        name="own_change_withdraw",
    ),
]
