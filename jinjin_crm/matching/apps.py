from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "jinjin_crm.matching"
    label = "matching"
    verbose_name = _("Demand catalogue and matching")

    def ready(self):
        # Register the tasks in every process, not only in workers: other apps enqueue some of them
        # by name (projects may not import matching), and a name resolves to a task, honouring
        # CELERY_TASK_ALWAYS_EAGER, only once its module is imported.
        from . import tasks  # noqa: F401
