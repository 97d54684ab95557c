"""The numbers of the dashboards, one module per dashboard: `budget` (the programme's budget,
allocated against committed against spent), `call` (one call's applications, evaluation and
votes) and `projects` (the projects' reports, late items, budgets and the projects themselves).

Every number is computed by the database. Each function runs one aggregate, or one GROUP BY over
a handful of categories (kinds, origins, axes, years, statuses, days, score bins, committees), or
one LIMITed list: the number of queries and the number of rows read back do not depend on the
number of applications or projects. Python only lays those few grouped rows out as tables
(summing a category over the others, filling days without submissions with zeros).

Choices, so that whoever reads a dashboard knows what it counts:
- The budget has three numbers, defined once in `budget`:
  - allocated: for the programme, its envelopes (the priority projects' share of the budget, the
    governance budget, and for the AMI and the AAP the envelopes of the programme's calls of that
    kind, drafts included: an envelope is allocated money as soon as a pilot writes it); for a
    project, an axis or a year, the projects' budgets;
  - committed: the budgets of the projects of any origin that are not being prepared (running,
    ended or closed);
  - spent: the budget lines of the accepted reports (by the line's year), and for the governance
    project the spending of its actions (by the year they were held).
- Per year: a call's envelope falls in the year (Paris time) its first stage opens; a project's
  budget in the year it starts, or for a call's project not started yet in the year (Paris time)
  it was created from its application (when the money was granted). Undated rows fall under
  "no date".
- A call's envelope is not split per axis: one call covers several axes. Per axis the dashboards
  show the projects' budgets; the governance has no axis and is counted per origin only.
- A priority slot whose content staff have not imported yet is not counted as a project nor
  listed, though a budget entered in it counts.
- Reports: late means owed (a draft, or sent back) and past its due date; due soon, owed and due
  within 30 days; awaiting review, submitted (projects.reports.workflow). A milestone or
  deliverable is late when planned and past its due date (Paris day).
- "In competition" means sent and not withdrawn: submitted or decided (selected, not selected,
  recommended, not recommended, funded, not funded). The axis, organisation, budget and success
  counts are over those; the status count shows every status, drafts included.
- Success rate of an axis: selected, recommended or funded applications ÷ applications in
  competition (each application counts once, at its current status).
- Submissions per day: applications sent and not back to draft, by the day of `submitted_at` in
  Paris time, one series per stage, from its first day with a submission to its deadline (or
  today while the stage is open).
"""
