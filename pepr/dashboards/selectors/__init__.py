"""The numbers of the dashboards, one module per dashboard: `budget` (the programme's planned
and committed budget), `call` (one call's applications, evaluation and votes) and `projects`
(the projects' reports and budgets).

Every number is computed by the database. Each function runs one aggregate, or one GROUP BY over
a handful of categories (kinds, axes, years, statuses, days, score bins, committees), or one
LIMITed list: the number of queries and the number of rows read back do not depend on the
number of applications. Python only lays those few grouped rows out as tables (summing a
category over the others, filling days without submissions with zeros).

Choices, so that whoever reads a dashboard knows what it counts:
- Budget per year: a call's envelope falls in the year (Paris time) its first stage opens; a
  funded project's budget in the year the project was created in the portal (when the money is
  committed); a priority project's budget in the year of its start date (these slots have no
  creation date of their own). Undated rows fall under "no date".
- A call's envelope is not split per axis: one call covers several axes. Per axis the dashboard
  shows what is committed: the priority projects' and the funded projects' budgets.
- Planned: priority projects = programme budget × priority share; governance = its budget; AMI
  and AAP = the sum of the envelopes of the programme's calls of that kind, drafts included (an
  envelope is planned money as soon as a pilot writes it). Committed: the budgets of the priority
  projects and of the funded projects of each kind; governance spending is not recorded in the
  portal.
- "In competition" means sent and not withdrawn: submitted or decided (selected, not selected,
  recommended, not recommended, funded, not funded). The axis, organisation, budget and success
  counts are over those; the status count shows every status, drafts included.
- Success rate of an axis: selected, recommended or funded applications ÷ applications in
  competition (each application counts once, at its current status).
- Submissions per day: applications sent and not back to draft, by the day of `submitted_at` in
  Paris time, one series per stage, from its first day with a submission to its deadline (or
  today while the stage is open).
"""
