"""Imports the twelve priority projects (and their partners) from the files staff keep:
their names are not public, so they ship with no content."""
from django.core.management.base import BaseCommand, CommandError

from projects.imports.services import ImportRejected, import_files


class Command(BaseCommand):
    help = ("Fill the priority-project slots from a CSV (UTF-8, comma) or YAML file, and their "
            "partners from a second file. A file with any error imports nothing.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="projects file (.csv, .yaml or .yml)")
        parser.add_argument("--partners", metavar="FILE2", help="partners file (.csv, .yaml)")
        parser.add_argument("--dry-run", action="store_true",
                            help="check and show what would change, save nothing")

    def handle(self, *args, **options):
        try:
            summaries = import_files(options["file"], options["partners"],
                                     dry_run=options["dry_run"])
        except ImportRejected as rejected:
            # CommandError prints its message on stderr and exits with status 1.
            raise CommandError("\n".join(rejected.errors)) from None
        for summary in summaries:
            style = self.style.SUCCESS if summary.has_changes else self.style.NOTICE
            self.stdout.write(style(str(summary)))
