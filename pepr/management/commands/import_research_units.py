"""Imports or refreshes research units (laboratories) from a CSV file in the RNSR's columns,
then links the users and partner teams who typed an imported unit's RNSR identifier."""
from django.core.management.base import BaseCommand, CommandError

from pepr.core.research_unit_import import ImportRejected, import_units


class Command(BaseCommand):
    help = ("Create or update research units from a CSV file (UTF-8, with or without BOM, comma "
            "or semicolon separated) with the columns of the RNSR's export: identifier, name, "
            "code, acronym, tutelles (separated by ; or |), city. A file with any error imports "
            "nothing; importing it again changes nothing.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV file, e.g. pepr/core/examples/research_units.csv")
        parser.add_argument("--dry-run", action="store_true",
                            help="check and show what would change, save nothing")

    def handle(self, *args, file, dry_run, **options):
        try:
            summary = import_units(file, dry_run=dry_run)
        except ImportRejected as rejected:
            # CommandError prints its message on stderr and exits with status 1.
            raise CommandError("\n".join(rejected.errors)) from None
        style = self.style.SUCCESS if summary.has_changes else self.style.NOTICE
        self.stdout.write(style(str(summary)))
