"""URLs of the read-only API and its OpenAPI schema."""
app_name = "api"
urlpatterns = []
