"""The weekly report pages (dashboard namespace)."""

urlpatterns = []
