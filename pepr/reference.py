"""The programme's reference data, loaded by each part that owns it: the programme, axes and
organisations (core), the committees and work packages (governance), the priority-project slots
(projects). Safe to run at every deployment (`manage.py load_reference_data`)."""
from django.db import transaction

from governance.services import load_committees
from pepr.core.services import load_programme
from projects.services import load_priority_slots


@transaction.atomic
def load_reference_data():
    programme = load_programme()
    load_committees(programme)
    load_priority_slots(programme)
    return programme
