"""Who decides: the pilots record a stage's outcome, the Comité Directeur validates funding."""
import rules

from pepr.core.rules import is_board_member

rules.add_perm("calls.validate_funding", is_board_member | rules.is_superuser)
