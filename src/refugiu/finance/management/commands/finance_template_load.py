"""refugiu finance_template_load FILE...: add or update a funder's cost template from its JSON file (the
format is described in refugiu.finance.cost_templates); every problem of a file is listed, nothing is saved
from a file that has one. Exit 1 when a file was refused."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from refugiu.finance.cost_templates import TemplateFileError, template_load, template_read


class Command(BaseCommand):
    help = "Add or update cost templates (grant finance) from JSON files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        refused = 0
        for path in options["files"]:
            try:
                template = template_load(template_read(path))
            except TemplateFileError as error:
                refused += 1
                self.stderr.write(f"{path}: refused, nothing saved:")
                for problem in error.problems:
                    self.stderr.write(f"  - {problem}")
                continue
            self.stdout.write(f"{path}: {template.code} ({template.categories.count()} categories)")
        if refused:
            raise CommandError(f"{refused} file(s) refused", returncode=1)
