from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "jinjin_crm.matching"
    label = "matching"
    verbose_name = _("Demand catalogue and matching")

    def ready(self):
        from jinjin_crm.core.sections import section_register

        section_register("talents.talent", "matching/_match_talent_section.html", order=10)
        section_register("projects.talentdemand", "matching/_match_demand_section.html", order=10)
        from jinjin_crm.core.filters import filter_hook_register

        from .selectors import demands_with_candidates

        filter_hook_register("projects.demand.candidates", demands_with_candidates)
        # Register the tasks in every process, not only in workers: other apps enqueue some of them
        # by name (projects may not import matching), and a name resolves to a task, honouring
        # CELERY_TASK_ALWAYS_EAGER, only once its module is imported.
        from . import tasks  # noqa: F401
