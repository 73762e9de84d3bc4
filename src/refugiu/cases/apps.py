from typing import TYPE_CHECKING, cast

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from refugiu.cases.models import Case


class CasesConfig(AppConfig):
    name = "refugiu.cases"
    label = "cases"
    verbose_name = _("Victim assistance")

    def ready(self) -> None:
        from refugiu.cases import token_revocation  # noqa: F401 - connects its receivers
        from refugiu.core.audit import audit_scope_register, security_actions_register
        from refugiu.core.encrypted_files import encrypted_file_column_register

        encrypted_file_column_register("cases.document", "stored_name")  # documents.py writes them
        # The audit log's case and beneficiary columns, for the DPO's searches by person and by case.
        audit_scope_register("cases.case", lambda case: (case.pk, cast("Case", case).beneficiary_id))
        audit_scope_register("cases.beneficiary", lambda beneficiary: (None, beneficiary.pk))
        security_actions_register("cases.team.", "cases.case.break_glass")
