"""`refugiu db_worker`: django-tasks-db's worker, started only once the encryption keys are checked.

The reports it makes read case data, so a worker on a machine without the key file (or with the wrong
one) must refuse to start rather than fail report after report. It never makes a key (core.startup).
This command replaces django_tasks_db's of the same name because refugiu.core comes before django_tasks_db
in INSTALLED_APPS (Django takes a command from the first app that has it).
"""

from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from refugiu.core.startup import StartCheckedCommand


class Command(StartCheckedCommand, DatabaseWorkerCommand):
    pass
