"""The models of the `projects` app label, defined in their parts (Django loads an app's models
from this module): the followed projects and their periodic reports."""
from projects.follow_up.models import *  # noqa: F401,F403
from projects.reports.models import *  # noqa: F401,F403
