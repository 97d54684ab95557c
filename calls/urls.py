"""The /calls/ namespace: the applicant journey (calls.applications) before the public call pages
(calls.setup), whose /calls/<code>/ would otherwise catch every other path."""
from calls.applications.urls import urlpatterns as application_patterns
from calls.setup.urls import public_patterns

app_name = "calls"
urlpatterns = [*public_patterns[:1], *application_patterns, *public_patterns[1:]]
