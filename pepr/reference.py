"""The programme's reference data, loaded by each part that owns it: the programme, axes and
organisations (core), the committees (governance), the priority-project slots and the
governance project with its five work packages (projects). Safe to run at every deployment (`manage.py load_reference_data`)."""
from django.db import transaction

from governance.services import load_committees
from pepr.core.services import load_programme
from projects.follow_up.services import load_governance_project, load_priority_slots


@transaction.atomic
def load_reference_data():
    programme = load_programme()
    load_committees(programme)
    load_priority_slots(programme)
    load_governance_project(programme)
    return programme
