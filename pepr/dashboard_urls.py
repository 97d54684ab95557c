"""URLs of the dashboards."""
app_name = "dashboards"
urlpatterns = []
