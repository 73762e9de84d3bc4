from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "refugiu.cases"
    label = "cases"
    verbose_name = _("Victim assistance")

    def ready(self):
        from refugiu.cases import token_revocation  # noqa: F401 - connects its receivers
