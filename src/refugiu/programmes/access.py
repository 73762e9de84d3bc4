"""Who may use programme staff's pages: holders of "programmes.edit" (programme staff), nobody else."""

from refugiu.accounts.decorators import permission_required_404
from refugiu.accounts.roles import Permission

PERMISSION = Permission.PROGRAMMES_EDIT

# Outermost decorator of every programme staff view (404 for anyone else, whatever the method).
programme_staff_required = permission_required_404(PERMISSION)
