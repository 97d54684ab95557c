"""The models of the `calls` app label, defined in their parts (Django loads an app's models from
this module): setup, applications, evaluation and decisions."""
from calls.applications.models import *  # noqa: F401,F403
from calls.decisions.models import *  # noqa: F401,F403
from calls.evaluation.models import *  # noqa: F401,F403
from calls.setup.models import *  # noqa: F401,F403
