"""Match pages."""

urlpatterns = []
