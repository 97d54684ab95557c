"""The dashboards' pages, one module per dashboard: `programme` (the budget), `call` (one call's
applications and evaluation) and `projects` (reports, deliverables, budgets, projects).

Pages work without JavaScript: every chart is server-drawn SVG (pepr.core.charts) followed by its
data as an HTML table, and filters are GET forms whose values stay in the URL. Each page runs a
fixed number of queries, all aggregates or LIMITed lists (pepr.dashboards.selectors).
"""
