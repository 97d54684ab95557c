"""URLs of the CSV and XLSX exports."""
app_name = "exports"
urlpatterns = []
