"""URLs of the background PDF reports."""
app_name = "reports"
urlpatterns = []
