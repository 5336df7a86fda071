from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "jinjin_crm.dashboard"
    label = "dashboard"
    verbose_name = _("Leadership dashboard and targets")

    def ready(self):
        # The weekly report's beat job is enqueued by name from the schedule; register it in every
        # process so that name resolves (and runs inline on the embedded default).
        from . import tasks  # noqa: F401
