"""The targets import pages (dashboard namespace)."""

urlpatterns = []
