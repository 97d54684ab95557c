"""Who may do what on the portal: roles as `rules` predicates, composed by the other apps."""
import rules

from pepr.core.models import CommitteeCode, Role
from pepr.core.selectors import committee_codes_of


def sits_on(code):
    @rules.predicate(name=f"sits_on_{code}")
    def predicate(user):
        return code in committee_codes_of(user)

    return predicate


def holds(role):
    @rules.predicate(name=f"holds_{role}")
    def predicate(user):
        return user.is_authenticated and user.has_role(role)

    return predicate


is_administrator = rules.is_superuser | rules.is_staff
is_pilot = sits_on(CommitteeCode.STEERING)
is_board_member = sits_on(CommitteeCode.BOARD)
is_ccs_member = sits_on(CommitteeCode.CCS)
is_csi_member = sits_on(CommitteeCode.CSI)
is_committee_member = is_pilot | is_board_member | is_ccs_member | is_csi_member
is_anr_officer = holds(Role.ANR_OFFICER)
is_reviewer = holds(Role.REVIEWER)
# Those who run the programme: they read dashboards and every application of every call.
is_programme_staff = is_pilot | is_anr_officer | rules.is_superuser

rules.add_perm("pepr.view_dashboard", is_programme_staff)
rules.add_perm("pepr.manage_reference_data", is_administrator)
