from allauth.account.adapter import DefaultAccountAdapter


class StaffOnlyAccountAdapter(DefaultAccountAdapter):
    """Accounts are made by an administrator; nobody can sign themselves up."""

    def is_open_for_signup(self, request):
        return False
