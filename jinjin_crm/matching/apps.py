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
        self._register_job_kinds()
        # Register the tasks in every process, not only in workers: other apps enqueue some of them
        # by name (projects may not import matching), and a name resolves to a task, honouring
        # CELERY_TASK_ALWAYS_EAGER, only once its module is imported.
        from . import tasks  # noqa: F401

    @staticmethod
    def _register_job_kinds():
        from jinjin_crm.core.jobs import job_kind_register

        from .catalogue.services import EXPIRY_JOB_KIND
        from .catalogue.services import JOB_KIND as CATALOGUE_JOB_KIND
        from .services import JOB_KIND as MATCHING_JOB_KIND

        job_kind_register(
            CATALOGUE_JOB_KIND,
            _("Demand catalogue compile"),
            {
                "created": _("new version published"),
                "version": _("version"),
                "entries": _("catalogue lines"),
                "demands": _("demands"),
                "added": _("lines added"),
                "changed": _("lines changed"),
                "withdrawn": _("lines withdrawn"),
            },
        )
        job_kind_register(EXPIRY_JOB_KIND, _("Demand expiry"), {"expired": _("demands expired")})
        job_kind_register(
            MATCHING_JOB_KIND,
            _("Full matching"),
            {
                "matches": _("matches scored"),
                "created": _("matches added"),
                "updated": _("matches rescored"),
                "deleted": _("matches removed"),
            },
        )
