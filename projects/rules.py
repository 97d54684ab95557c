"""Who may do what with followed projects."""
import rules

from pepr.core.rules import is_board_member, is_pilot

# The pilots and the Comité Directeur hand a funded application over to project follow-up.
rules.add_perm("projects.create_from_application", is_pilot | is_board_member | rules.is_superuser)
