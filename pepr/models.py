"""The models of the `pepr` app label, defined in their parts (Django loads an app's models from
this module): core (users, programme, organisations, research units, outbox, audit), reminders and reports."""
from pepr.core.models import *  # noqa: F401,F403
from pepr.core.research_units import *  # noqa: F401,F403
from pepr.reminders.models import *  # noqa: F401,F403
from pepr.reports.models import *  # noqa: F401,F403
