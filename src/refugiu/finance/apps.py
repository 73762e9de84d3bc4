from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "refugiu.finance"
    label = "finance"
    verbose_name = _("Grant finance")

    def ready(self) -> None:
        from refugiu.core.encrypted_files import encrypted_file_column_register
        from refugiu.finance import signals  # noqa: F401 - personnel costs kept priced

        # Supporting documents are written encrypted (services.documents): backups and key rotation see them.
        encrypted_file_column_register("finance.expensedocument", "stored_name")
