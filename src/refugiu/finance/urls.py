"""Grant finance's staff pages, under /staff/finance/ (namespace "finance")."""

from django.urls import path

from refugiu.finance.views import budget, grants

app_name = "finance"

urlpatterns = [
    path("", grants.index, name="index"),
    path("grants/<int:grant_id>/", grants.grant_detail, name="grant"),
    path("grants/<int:grant_id>/budget/", budget.budget, name="budget"),
    path("grants/<int:grant_id>/budget/edit/", budget.budget_edit, name="budget_edit"),
]
