"""The /calls/ namespace: the public call pages (calls.setup) and the applicant journey
(calls.applications). A call's page is one path segment (`<code>/`), every page of the journey
two or more, so they never shadow each other."""
from calls.applications.urls import urlpatterns as application_patterns
from calls.setup.urls import public_patterns

app_name = "calls"
urlpatterns = [*public_patterns, *application_patterns]
