"""URLs of committee sessions and votes."""
app_name = "governance"
urlpatterns = []
