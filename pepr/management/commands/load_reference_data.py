"""Loads or refreshes the programme's reference data; safe to run at every deployment."""
from django.core.management.base import BaseCommand

from pepr import reference


class Command(BaseCommand):
    help = "Create or update the programme, axes, committees, work packages and priority-project slots."

    def handle(self, *args, **options):
        programme = reference.load_reference_data()
        self.stdout.write(self.style.SUCCESS(f"Reference data of {programme} is up to date."))
