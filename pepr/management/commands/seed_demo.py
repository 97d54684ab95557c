"""Builds the demo programme (replacing any previous demo data) and prints the demo accounts."""
import time

from django.core.management.base import BaseCommand

from pepr.demo import builder as demo
from projects.models import Project


class Command(BaseCommand):
    help = ("Build a clearly labelled demo programme: calls in every state, applications, "
            "accounts, and the projects followed (priority, funded, governance).")

    def add_arguments(self, parser):
        parser.add_argument("--applications", type=int, default=60)
        parser.add_argument("--reviewers", type=int, default=12)
        parser.add_argument("--seed", type=int, default=2024, help="random seed, for repeatability")
        parser.add_argument("--if-empty", action="store_true",
                            help="do nothing when demo data already exists (used by make run)")

    def handle(self, *args, applications, reviewers, seed, if_empty, **options):
        if if_empty and demo.demo_exists():
            self.stdout.write("Demo data already present; kept as it is.")
        else:
            started = time.monotonic()
            summary = demo.seed(applications=applications, reviewers=reviewers, seed_value=seed)
            self.stdout.write(self.style.SUCCESS(
                f"Demo programme built in {time.monotonic() - started:.1f} s: "
                f"{summary.applications} applications, {summary.reviewers} reviewers, "
                f"{Project.objects.filter(is_demo=True).count()} demo projects."
            ))
        self.print_accounts()

    def print_accounts(self):
        self.stdout.write(f"\nDemo accounts (password: {demo.DEMO_PASSWORD}):")
        for key, *_rest in demo.DEMO_ACCOUNTS:
            self.stdout.write(f"  {key:<10} {key}@{demo.DEMO_DOMAIN}")
