"""The admin of calls, one module per part; Django's autodiscovery imports only calls.admin."""
from calls.applications import admin as applications
from calls.decisions import admin as decisions
from calls.evaluation import admin as evaluation
from calls.setup import admin as setup

__all__ = ["applications", "decisions", "evaluation", "setup"]
