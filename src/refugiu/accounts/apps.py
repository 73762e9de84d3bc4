from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "refugiu.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from refugiu.accounts import security_audit
        from refugiu.accounts.adapter import authenticator_secret_sample
        from refugiu.core.audit import security_actions_register
        from refugiu.core.startup import encrypted_value_sampler_register

        security_audit.connect()
        encrypted_value_sampler_register(authenticator_secret_sample)
        # Sign-ins and their failures, second factors, passwords, accounts and roles.
        security_actions_register("accounts.")
