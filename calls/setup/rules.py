"""Who may manage calls: the pilots."""
import rules

from pepr.core.rules import is_pilot

rules.add_perm("calls.manage_calls", is_pilot | rules.is_superuser)
