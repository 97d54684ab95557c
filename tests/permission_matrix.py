"""The permission matrix's table: one row per URL pattern of the portal (a few patterns have
several rows, one per object they serve), with the answer every role gets.

A row names its route, the URL's arguments (a path into the test's world: "letter_x" is that
object's pk, "call.code" an attribute, "=csv" a literal), the statuses of a GET and, for routes
that write, of a POST by the roles that may not make it. `about` names the conflicted files the
route serves: a 200 to a conflicted person there must be declared by the role's own name. `shows`
names roles whose 200 must name those files (so that the leak check is seen to work), `keeps`
conflicted roles whose 200 must still name the other team's letter (a list shown to them without
the conflicted rows, not an empty one); `leaks` and `writes` declare, as bugs, bodies that name a
conflicted file and refused POSTs that changed the database.

Statuses: 200, 301, 302 (a redirect elsewhere than the sign-in page), LOGIN (302 to the sign-in
page), 401, 403, 404, 405; SKIP: not asked (a POST by a role allowed to make it).
Role keys: a role's name beats a group, a narrower group beats a broader one:
"others" < "signed_in" < "staff" < "runners" < "conflicted" < a role.

Answers that are bugs are declared as they are today with a comment "BUG:" saying what they
should be, so that fixing one makes its row fail until the table is updated."""
from dataclasses import dataclass

ROLES = ("anonymous", "applicant", "stranger", "reviewer", "ccs", "csi", "pilot", "directeur",
         "anr", "superuser", "conflicted_pilot", "conflicted_ccs", "conflicted_superuser")
CONFLICTED = ("conflicted_pilot", "conflicted_ccs", "conflicted_superuser")
GROUPS = {
    "others": ROLES,
    "signed_in": ROLES[1:],
    # Programme staff: the dashboards, exports and API (pepr.view_dashboard).
    "staff": ("pilot", "anr", "superuser", "conflicted_pilot", "conflicted_superuser"),
    # Those who run calls, evaluations and sessions (the pilots' gates).
    "runners": ("pilot", "superuser", "conflicted_pilot", "conflicted_superuser"),
    "conflicted": CONFLICTED,
}
LOGIN, SKIP = "login", "skip"


@dataclass(frozen=True)
class Route:
    name: str  # the route's name, or its pattern when it has none
    kwargs: dict
    get: dict
    post: dict = None
    data: object = None  # the POST's data: a function of the world
    case: str = ""
    about: tuple = ()  # the conflicted files whose own page (or PDF, document) this is
    lists: tuple = ()  # the conflicted files a list or export of this route may hold
    shows: tuple = ()
    leaks: tuple = ()
    writes: tuple = ()
    auth: str = "session"  # "token": the API, with each role's token
    keeps: tuple = ()  # roles whose 200 must still name the other team's letter
    pdf: bool = False  # a POST that queues a PDF: conflicted readers' PDFs are built and read

    @property
    def id(self):
        return f"{self.name}[{self.case}]" if self.case else self.name


def resolve(expected, role):
    """(status, the key that gave it) of `role` in a row's dict of expectations."""
    if role in expected:
        return expected[role], role
    for group in ("conflicted", "runners", "staff", "signed_in", "others"):
        if group in expected and role in GROUPS[group]:
            return expected[group], group
    raise KeyError(f"no answer declared for {role}")


R = Route
PUBLIC = {"others": 200}
SIGNED_IN = {"anonymous": LOGIN, "signed_in": 200}
STAFF = {"anonymous": LOGIN, "others": 403, "staff": 200}
RUNNERS = {"anonymous": LOGIN, "others": 403, "runners": 200}
# A pilots' POST-only route: the role gate answers before the method is checked.
RUNNERS_POST = {"anonymous": LOGIN, "others": 403, "runners": 405}
SIGNED_IN_POST = {"anonymous": LOGIN, "signed_in": 405}
API = {"anonymous": 401, "others": 403, "staff": 200}
CONFLICTED_STAFF = ("conflicted_pilot", "conflicted_superuser")
SECRETS = ("letter_x", "proposal_x")

SITE = [
    R("home", {}, PUBLIC),
    R("privacy", {}, PUBLIC),
    R("accessibility", {}, PUBLIC),
    R("profile", {}, SIGNED_IN),
    # The language switch needs no account: nobody is refused a POST.
    R("set_language", {}, {"others": 405}, post={"others": SKIP}),
    R("healthz", {}, PUBLIC),
    R("readyz", {}, PUBLIC),
]

# django-allauth's pages: signed-in visitors are sent home from the sign-in and sign-up pages.
ACCOUNTS = [
    R("account_login", {}, {"anonymous": 200, "signed_in": 302}),
    R("account_logout", {}, {"anonymous": 302, "signed_in": 200}),
    R("account_inactive", {}, PUBLIC),
    R("account_signup", {}, {"anonymous": 200, "signed_in": 302}),
    R("account_reauthenticate", {}, SIGNED_IN),
    R("account_request_reauthentication_code", {}, SIGNED_IN),
    R("account_confirm_reauthentication_code", {}, {"anonymous": LOGIN, "signed_in": 302}),
    R("account_email", {}, SIGNED_IN),
    R("account_email_verification_sent", {}, PUBLIC),
    R("account_change_password", {}, SIGNED_IN),
    R("account_set_password", {}, {"anonymous": LOGIN, "signed_in": 302}),
    R("account_reset_password", {}, PUBLIC),
    R("account_confirm_login_code", {}, {"anonymous": LOGIN, "signed_in": 302}),
    # An unknown key: the page says the link is invalid.
    R("account_confirm_email", {"key": "=no-such-key"}, PUBLIC),
    R("account_reset_password_from_key_done", {}, PUBLIC),
    R("account_reset_password_from_key", {"uidb36": "=1", "key": "=no-such-key"}, PUBLIC),
    R("account_reset_password_done", {}, PUBLIC),
]

# The application of unit X: its team, the staff who run the programme, its reviewer and the
# committee that has it on an agenda read it; nobody with a conflict of interest does.
READS_LETTER_X = {"anonymous": LOGIN, "others": 404, "applicant": 200, "reviewer": 200,
                  "ccs": 200, "pilot": 200, "anr": 200, "superuser": 200}
# Pages of the letter for its coordinator only: a reader without the right gets 403, anyone who
# may not read it 404.
COORDINATOR_LETTER_X = {**READS_LETTER_X, "reviewer": 403, "ccs": 403, "pilot": 403,
                        "anr": 403, "superuser": 403}
NOT_COORDINATOR = {**COORDINATOR_LETTER_X, "applicant": SKIP}

APPLICANTS = [
    R("calls:list", {}, PUBLIC),
    R("calls:detail", {"code": "call.code"}, PUBLIC),
    R("calls:my_applications", {}, SIGNED_IN, lists=SECRETS, shows=("applicant",)),
    # Anyone signed in may start an application to an open stage.
    R("calls:start_application", {"stage_pk": "stage"}, SIGNED_IN),
    R("calls:application", {"pk": "letter_x"}, READS_LETTER_X, case="letter of unit X",
      about=("letter_x",), shows=("applicant", "pilot", "ccs")),
    # The funded proposal: the Comité Directeur reads it for its funding decision.
    R("calls:application", {"pk": "proposal_x"},
      {"anonymous": LOGIN, "others": 404, "applicant": 200, "pilot": 200, "directeur": 200,
       "anr": 200, "superuser": 200},
      case="funded proposal of unit X", about=("proposal_x",), shows=("directeur",)),
    # Another team's letter, on the same agenda: the conflicted people read it.
    R("calls:application", {"pk": "letter_open"},
      {"anonymous": LOGIN, "others": 404, "ccs": 200, "pilot": 200, "anr": 200,
       "superuser": 200, "conflicted": 200},
      case="another letter"),
    # Submitted: its coordinator is sent back to the application's page.
    R("calls:edit_application", {"pk": "letter_x"}, {**COORDINATOR_LETTER_X, "applicant": 302},
      post=NOT_COORDINATOR, data=lambda w: {"title": "Changé"}, about=("letter_x",)),
    R("calls:submit_application", {"pk": "letter_x"}, {"others": 405},
      post=NOT_COORDINATOR, about=("letter_x",)),
    R("calls:reopen_application", {"pk": "letter_x"}, {**COORDINATOR_LETTER_X, "applicant": 200},
      post=NOT_COORDINATOR, about=("letter_x",), shows=("applicant",)),
    R("calls:withdraw_application", {"pk": "letter_x"},
      {**COORDINATOR_LETTER_X, "applicant": 200},
      post=NOT_COORDINATOR, about=("letter_x",), shows=("applicant",)),
    R("calls:invite_partner", {"pk": "letter_x"}, {"others": 405}, post=NOT_COORDINATOR,
      data=lambda w: {"email": "new-partner@example.org", "access": "edit"},
      about=("letter_x",)),
    R("calls:download_document", {"pk": "letter_x", "document_pk": "document"}, READS_LETTER_X,
      about=("letter_x",)),
    # Sent to an address nobody of the matrix has: everyone is told so on their applications.
    R("calls:accept_invitation", {"token": "invitation.token"},
      {"anonymous": LOGIN, "signed_in": 302}),
]

CALL_SETUP = [
    R("calls_manage:list", {}, RUNNERS),
    R("calls_manage:create", {}, RUNNERS),
    R("calls_manage:edit", {"pk": "call"}, RUNNERS),
    R("calls_manage:preview", {"pk": "call"}, RUNNERS),
    R("calls_manage:publish", {"pk": "call"}, RUNNERS),
    R("calls_manage:stage_documents", {"pk": "call", "stage_pk": "stage"}, RUNNERS),
]

# A pilot's action on the letter of unit X: a pilot with a conflict gets 404.
RUNS_LETTER_X = {"anonymous": LOGIN, "others": 403, "pilot": SKIP, "superuser": SKIP,
                 "conflicted_pilot": 404, "conflicted_superuser": 404}
ONLY_ITS_REVIEWER = {"anonymous": LOGIN, "others": 404, "reviewer": 200}

EVALUATION = [
    R("evaluation:my_reviews", {}, SIGNED_IN, lists=("letter_x",), shows=("reviewer",)),
    R("evaluation:review", {"assignment_pk": "assignment"}, ONLY_ITS_REVIEWER,
      about=("letter_x",), shows=("reviewer",)),
    R("evaluation:declare_conflict", {"assignment_pk": "assignment"}, ONLY_ITS_REVIEWER,
      about=("letter_x",)),
    R("evaluation:declaration", {"call_pk": "call"}, ONLY_ITS_REVIEWER),
    R("evaluation:stages", {}, RUNNERS),
    # Lists of the stage: the conflicted pilots read them without the file of unit X.
    R("evaluation:assignments", {"stage_pk": "stage"}, RUNNERS, lists=("letter_x",),
      shows=("pilot",), keeps=CONFLICTED_STAFF),
    R("evaluation:suggest", {"stage_pk": "stage"}, RUNNERS, lists=("letter_x",),
      shows=("pilot",)),
    R("evaluation:progress", {"stage_pk": "stage"}, RUNNERS, lists=("letter_x",),
      shows=("pilot",), keeps=CONFLICTED_STAFF),
    R("evaluation:assign", {"pk": "letter_x"}, RUNNERS_POST, post=RUNS_LETTER_X,
      data=lambda w: {"reviewer": w.people["stranger"].pk, "role": "external"},
      about=("letter_x",)),
    R("evaluation:unassign", {"pk": "assignment"}, RUNNERS_POST, post=RUNS_LETTER_X,
      about=("letter_x",)),
    R("evaluation:audit", {}, STAFF, lists=SECRETS, shows=("pilot",)),
]

# The pilots record a stage's outcome, the Comité Directeur validates funding.
DECIDES = {"anonymous": LOGIN, "others": 403, "runners": 200, "conflicted_pilot": 404,
           "conflicted_superuser": 404}
DECISIONS = [
    R("decisions:decide", {"pk": "proposal_x"}, {**DECIDES, "directeur": 200},
      post={**DECIDES, "pilot": SKIP, "superuser": SKIP, "directeur": SKIP},
      data=lambda w: {"outcome": "not_funded", "rationale": "Refusé"},
      case="funded proposal of unit X", about=("proposal_x",), shows=("directeur",)),
    R("decisions:decide", {"pk": "letter_x"},
      # The Comité Directeur opens only the files that reach a funding decision.
      {**DECIDES, "directeur": 404},
      post={**DECIDES, "pilot": SKIP, "superuser": SKIP, "directeur": 404},
      data=lambda w: {"outcome": "selected", "rationale": "Retenu"},
      case="letter of unit X", about=("letter_x",), shows=("pilot",)),
    R("decisions:letters", {"stage_pk": "full_stage"}, RUNNERS, lists=("proposal_x",),
      shows=("pilot",)),
    # Stage-wide: a conflicted pilot drafts and sends the stage's letters without reading the
    # conflicted one (calls.decisions.views).
    R("decisions:draft_letters", {"stage_pk": "full_stage"}, RUNNERS_POST,
      post={"anonymous": LOGIN, "others": 403, "runners": SKIP}),
    R("decisions:send_letters", {"stage_pk": "full_stage"}, RUNNERS_POST,
      post={"anonymous": LOGIN, "others": 403, "runners": SKIP}),
    R("decisions:letter", {"pk": "letter"}, {**RUNNERS, "conflicted_pilot": 404,
                                            "conflicted_superuser": 404},
      post={**RUNS_LETTER_X}, data=lambda w: {"subject": "Objet", "body": "Corps"},
      about=("proposal_x",), shows=("pilot",)),
    # Old addresses of the decision pages, moved under /decisions/: the new page checks.
    R("evaluation/applications/<int:pk>/decide/", {"pk": "proposal_x"}, {"others": 301}),
    R("evaluation/stages/<int:stage_pk>/letters/", {"stage_pk": "full_stage"}, {"others": 301}),
    R("evaluation/letters/<int:pk>/", {"pk": "letter"}, {"others": 301}),
]

# The CCS session with the letter of unit X on its agenda: its members and the pilots read it,
# the conflicted ones see the item withheld.
READS_SESSION = {"anonymous": LOGIN, "others": 404, "ccs": 200, "pilot": 200, "superuser": 200,
                 "conflicted_pilot": 200, "conflicted_ccs": 200, "conflicted_superuser": 200}
RUNS_ITEM = {"anonymous": LOGIN, "others": 403, "pilot": SKIP, "superuser": SKIP,
             "conflicted_pilot": 404, "conflicted_superuser": 404}
GOVERNANCE = [
    R("governance:session_list", {},
      {"anonymous": LOGIN, "others": 403, "ccs": 200, "csi": 200, "directeur": 200,
       "runners": 200, "conflicted_ccs": 200}),
    R("governance:session_create", {}, RUNNERS),
    # Conflicted people read the session page with the item withheld (governance.selectors).
    R("governance:session", {"pk": "session"}, READS_SESSION, about=("letter_x",),
      shows=("ccs", "pilot"), keeps=CONFLICTED),
    R("governance:attendance", {"pk": "session"}, RUNNERS_POST,
      post={"anonymous": LOGIN, "others": 403, "runners": SKIP},
      data=lambda w: {"present": [w.people["ccs"].pk]}),
    R("governance:agenda_add", {"pk": "session"}, RUNNERS_POST,
      post={"anonymous": LOGIN, "others": 403, "runners": SKIP}),
    R("governance:open_ballot", {"pk": "session", "item_pk": "item"}, RUNNERS_POST,
      post=RUNS_ITEM, about=("letter_x",)),
    R("governance:close_ballot", {"pk": "session", "item_pk": "item"}, RUNNERS_POST,
      post=RUNS_ITEM, about=("letter_x",)),
    # The Comité Directeur may record funding decisions: on this open ballot of the CCS the
    # service refuses it and the page says why.
    R("governance:record_decision", {"pk": "session", "item_pk": "item"}, SIGNED_IN_POST,
      post={**RUNS_ITEM, "directeur": 302}, about=("letter_x",)),
    # Non-members get 404; a member with a conflict, and a pilot who is not a member, are told
    # on the session's page that their vote was not recorded.
    R("governance:vote", {"pk": "session", "item_pk": "item"}, SIGNED_IN_POST,
      post={"anonymous": LOGIN, "others": 404, "ccs": SKIP, "runners": 302,
            "conflicted_ccs": 302},
      data=lambda w: {"choice": "for"}, about=("letter_x",)),
]

# The project of unit X (from its funded proposal): its team and every committee member read it.
READS_PROJECT = {"anonymous": LOGIN, "others": 404, "applicant": 200, "ccs": 200, "csi": 200,
                 "pilot": 200, "directeur": 200, "anr": 200, "superuser": 200,
                 # A conflicted reader does not open the project of their own unit.
                 "conflicted_pilot": 404, "conflicted_ccs": 404, "conflicted_superuser": 404}
PROJECT_LEAKS = ()
PROJECTS = [
    # The conflicted readers get the list without the project of unit X.
    R("projects:list", {}, {"anonymous": LOGIN, "others": 403, "ccs": 200, "csi": 200,
                            "directeur": 200, "staff": 200, "conflicted_pilot": 200,
                            "conflicted_ccs": 200, "conflicted_superuser": 200},
      lists=("proposal_x",), shows=("pilot",), leaks=PROJECT_LEAKS),
    R("projects:mine", {}, SIGNED_IN, lists=("proposal_x",), shows=("applicant",)),
    R("projects:detail", {"pk": "project"}, READS_PROJECT, about=("proposal_x",),
      shows=("pilot",), leaks=PROJECT_LEAKS),
    # NOTE: committee members who read the project are refused by the service with a message
    # and a redirect (302), not a 403; nothing is written.
    # A conflicted pilot does not reach the project of their own unit: 404, nothing written.
    R("projects:invite_editor", {"pk": "project"}, SIGNED_IN_POST,
      post={"anonymous": LOGIN, "others": 404, "applicant": SKIP, "pilot": SKIP,
            "ccs": 302, "csi": 302, "directeur": 302, "anr": 302, "superuser": 302,
            "conflicted_ccs": 404, "conflicted_superuser": 404, "conflicted_pilot": 404},
      data=lambda w: {"email": "new-editor@example.org"}, about=("proposal_x",)),
    # Only pilots schedule reports (the service answers 403 to the others who read the project).
    R("projects:schedule_report", {"pk": "project"}, SIGNED_IN_POST,
      post={"anonymous": LOGIN, "others": 404, "pilot": SKIP, "applicant": 403, "ccs": 403,
            "csi": 403, "directeur": 403, "anr": 403, "superuser": 403,
            "conflicted_pilot": 404, "conflicted_ccs": 404, "conflicted_superuser": 404},
      data=lambda w: {"kind": "annual", "title": "Rapport imprévu", "year": 2027,
                      "due_date": "2027-06-30"},
      about=("proposal_x",)),
    R("projects:accept_invitation", {"token": "editor.token"},
      {"anonymous": LOGIN, "signed_in": 302}),
    R("projects:deliver", {"pk": "deliverable"},
      {"anonymous": LOGIN, "others": 404, "applicant": 200, "ccs": 403, "csi": 403,
       "pilot": 403, "directeur": 403, "anr": 403, "superuser": 403, "conflicted_pilot": 404,
       "conflicted_ccs": 404, "conflicted_superuser": 404},
      about=("proposal_x",)),
    # Only unconflicted pilots accept. NOTE: the others who read the project are refused by the
    # service with a message and a redirect (302), not a 403; nothing is written.
    R("projects:accept_deliverable", {"pk": "deliverable"}, SIGNED_IN_POST,
      post={"anonymous": LOGIN, "others": 404, "pilot": SKIP, "applicant": 302, "ccs": 302,
            "csi": 302, "directeur": 302, "anr": 302, "superuser": 302,
            "conflicted_pilot": 404, "conflicted_ccs": 404, "conflicted_superuser": 404},
      about=("proposal_x",)),
    # The project's documents (blank PDFs here, so no leak to read): see READS_PROJECT.
    R("projects:evidence", {"pk": "deliverable"}, READS_PROJECT, about=("proposal_x",)),
    R("projects:report", {"pk": "report"}, READS_PROJECT, about=("proposal_x",),
      shows=("pilot",), leaks=PROJECT_LEAKS),
    # Only unconflicted pilots review. NOTE: refused with a message and a 302, as above.
    R("projects:review_report", {"pk": "report"}, SIGNED_IN_POST,
      post={"anonymous": LOGIN, "others": 404, "pilot": SKIP, "applicant": 302, "ccs": 302,
            "csi": 302, "directeur": 302, "anr": 302, "superuser": 302,
            "conflicted_pilot": 404, "conflicted_ccs": 404, "conflicted_superuser": 404},
      data=lambda w: {"action": "accept", "comments": "Bien."}, about=("proposal_x",)),
    R("projects:scientific_report", {"pk": "report"}, READS_PROJECT, about=("proposal_x",)),
    R("projects:create_from_application", {"pk": "proposal_x"},
      {**RUNNERS_POST, "directeur": 405},
      post={"anonymous": LOGIN, "others": 403, "pilot": SKIP, "superuser": SKIP,
            "directeur": SKIP, "conflicted_pilot": 404, "conflicted_superuser": 404},
      about=("proposal_x",)),
]

# The PDFs: requested (POST) by every role; the pilot's copies, built with the world, followed
# and downloaded. A call report and minutes have one version per reader's conflicts: a conflicted
# reader requests their own, and may not read the pilot's.
READS_CALL_REPORT = {"anonymous": LOGIN, "others": 404, "staff": 200,
                     "conflicted_pilot": 404, "conflicted_superuser": 404}
READS_MINUTES = {**READS_SESSION, "conflicted_pilot": 404, "conflicted_ccs": 404,
                 "conflicted_superuser": 404}
# kind: (target, answers about the pilot's copy, answers to a request, files it is about)
PDFS = {
    "dossier": ("letter_x", READS_LETTER_X, READS_LETTER_X, ("letter_x",)),
    "call": ("call", READS_CALL_REPORT, {**READS_CALL_REPORT, "conflicted_pilot": 200,
                                         "conflicted_superuser": 200}, ()),
    "minutes": ("session", READS_MINUTES, {**READS_SESSION}, ()),
    "project": ("project", READS_PROJECT, READS_PROJECT, ("proposal_x",)),
    "preport": ("report", READS_PROJECT, READS_PROJECT, ("proposal_x",)),
}
PDF_LEAKS = {}
STATUS_LEAKS = {}


def _requested(expected):
    """A request the reader may make is answered by a redirect to the report's status page."""
    return {role: 302 if status == 200 else status for role, status in expected.items()}


REPORTS = [
    *[R("reports:request", {"kind": f"={kind}", "target_id": target}, SIGNED_IN_POST,
        post=_requested(requests), case=kind, about=about, lists=("letter_x", "proposal_x"),
        pdf=True, leaks=PDF_LEAKS.get(kind, ()))
      for kind, (target, _copy, requests, about) in PDFS.items()],
    *[R("reports:status", {"report_id": f"pdf.{kind}"}, copy, case=kind, about=about,
        leaks=STATUS_LEAKS.get(kind, ()))
      for kind, (_target, copy, _requests, about) in PDFS.items()],
    *[R("reports:download", {"report_id": f"pdf.{kind}"}, copy, case=kind, about=about,
        lists=("letter_x", "proposal_x"), shows=("pilot",), leaks=PDF_LEAKS.get(kind, ()))
      for kind, (_target, copy, _requests, about) in PDFS.items()],
]

EXPORT_NAMES = ("applications", "partners", "reviews", "votes", "decisions", "projects",
                "project-deliverables")
EXPORTS = [
    R("exports:index", {}, STAFF),
    # Conflicted staff get every export, without the rows of unit X's files (and with the other
    # team's letter in those that hold it).
    *[R("exports:download", {"name": f"={name}", "fmt": f"={fmt}"}, STAFF, case=f"{name}.{fmt}",
        lists=SECRETS, shows=("pilot",),
        keeps=CONFLICTED_STAFF if name in ("applications", "partners", "votes") else ())
      for name in EXPORT_NAMES for fmt in ("csv", "xlsx")],
]

DASHBOARDS = [
    R("dashboards:programme", {}, STAFF),
    # The CCS, the CSI and the Comité Directeur read the restricted call dashboard.
    R("dashboards:call", {}, {**STAFF, "ccs": 200, "csi": 200, "directeur": 200,
                              "conflicted_ccs": 200}),
    R("dashboards:projects", {}, STAFF, lists=("proposal_x",)),
]

# The API, with each role's token: no token 401, a token of someone not staff 403.
API_ROUTES = [
    R("api:calls", {}, API, auth="token"),
    R("api:applications", {}, API, auth="token", lists=SECRETS, shows=("pilot",),
      keeps=CONFLICTED_STAFF),
    R("api:reviews-summary", {}, API, auth="token", lists=SECRETS, shows=("pilot",),
      keeps=CONFLICTED_STAFF),
    R("api:decisions", {}, API, auth="token", lists=SECRETS, shows=("pilot",)),
    R("api:projects", {}, API, auth="token", lists=SECRETS, shows=("pilot",)),
    R("api:project", {"pk": "project"}, {**API, "conflicted_pilot": 404,
                                         "conflicted_superuser": 404},
      auth="token", about=("proposal_x",), shows=("pilot",)),
    R("api:schema", {}, API, auth="token"),
]

ROUTES = [*SITE, *ACCOUNTS, *APPLICANTS, *CALL_SETUP, *EVALUATION, *DECISIONS, *GOVERNANCE,
          *PROJECTS, *REPORTS, *EXPORTS, *DASHBOARDS, *API_ROUTES]
