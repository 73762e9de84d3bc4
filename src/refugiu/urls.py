from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from refugiu import views
from refugiu.api import api
from refugiu.programmes import urls as programmes_urls

urlpatterns = [
    path("api/", api.urls),  # first: the API is what is asked for most, and asked for by programs
    path("", include("refugiu.directory.urls")),
    path("", include("refugiu.organisation.urls")),
    path("", include("refugiu.programmes.urls")),
    path("staff/", include(([path("", views.staff_home, name="home")], "staff"))),
    path("", include("refugiu.cases.urls")),  # /staff/cases/, /staff/dpo/, /staff/api-tokens/
    path("staff/programmes/", include(programmes_urls.staff_urls)),
    path("staff/programmes/statistics/", include(programmes_urls.statistics_urls)),
    path("staff/reports/", include("refugiu.reports.urls")),
    path("staff/finance/", include("refugiu.finance.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("i18n/setlang/", set_language, name="set_language"),
]

# In the site's frame and the visitor's language, without the database (core.errors); a 500 caused by a
# database that cannot be reached answers 503.
handler400 = "refugiu.core.errors.bad_request"
handler403 = "refugiu.core.errors.permission_denied"
handler404 = "refugiu.core.errors.page_not_found"
handler500 = "refugiu.core.errors.server_error"
