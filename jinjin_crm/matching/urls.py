from . import urls_catalogue, urls_matches

app_name = "matching"
urlpatterns = [*urls_catalogue.urlpatterns, *urls_matches.urlpatterns]
