"""Who may do what with followed projects, their deliverables and their reports.

Coordinators and invited co-editors write their own project's reports and deliverables; the
pilots (the Comité de Pilotage) and ANR read every project; the pilots review reports and
accept deliverables, except on a project they have a conflict of interest with; committee
members read. Nobody else sees a project, and a report's content is read by the programme
only once submitted. Pages ask `rules.has_perm`, so superusers get no exception."""
import rules

from pepr.core.rules import (is_board_member, is_committee_member, is_pilot,
                             is_programme_staff)
from projects.follow_up import conflicts
from projects.follow_up.models import Project
from projects.reports import workflow


def _project(obj):
    if obj is None or isinstance(obj, Project):
        return obj
    return obj.project


@rules.predicate
def is_project_coordinator(user, obj):
    project = _project(obj)
    return project is not None and project.coordinator_id is not None and (
        project.coordinator_id == user.id)


@rules.predicate
def is_project_co_editor(user, obj):
    project = _project(obj)
    if project is None or not user.is_authenticated:
        return False
    prefetched = getattr(project, "_prefetched_objects_cache", {}).get("editors")
    if prefetched is not None:  # the project page loaded them: ask no query per report
        return any(e.user_id == user.id and e.accepted_at for e in prefetched)
    return project.editors.filter(user=user, accepted_at__isnull=False).exists()


@rules.predicate
def has_project_conflict(user, obj):
    project = _project(obj)
    return project is not None and conflicts.is_conflicted(project, user)


@rules.predicate
def is_published_report(user, report):
    return report is not None and report.status in workflow.PUBLISHED_TO_PROGRAMME


def report_allows(action):
    """A predicate true when the report's transition table lets it take `action` now."""
    @rules.predicate(name=f"report_allows_{action}")
    def predicate(user, report):
        return report is not None and workflow.allows(action, report)

    return predicate


can_edit_project = is_project_coordinator | is_project_co_editor
reads_every_project = is_committee_member | is_programme_staff

# The pilots and the Comité Directeur hand a funded application over to project follow-up.
rules.add_perm("projects.create_from_application", is_pilot | is_board_member | rules.is_superuser)
# The programme reads every project but those it has a conflict of interest with (its own
# unit's): as for applications, nobody is exempt.
reads_it = reads_every_project & ~has_project_conflict
rules.add_perm("projects.list_projects", reads_every_project)
rules.add_perm("projects.view_project", can_edit_project | reads_it)
rules.add_perm("projects.invite_editor", is_project_coordinator | (is_pilot & ~has_project_conflict))
rules.add_perm("projects.schedule_report", is_pilot & ~has_project_conflict)
rules.add_perm("projects.edit_deliverable", can_edit_project)
rules.add_perm("projects.accept_deliverable", is_pilot & ~has_project_conflict)
# Reports: the object is a ProjectReport.
rules.add_perm("projects.view_report_content",
               can_edit_project | (reads_it & is_published_report))
rules.add_perm("projects.edit_report", can_edit_project & report_allows("save"))
rules.add_perm("projects.submit_report", can_edit_project & report_allows("submit"))
rules.add_perm("projects.review_report",
               is_pilot & ~has_project_conflict & report_allows("accept"))
