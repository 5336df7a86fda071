from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "policies"
    verbose_name = _("Policies and funds")

    def ready(self):
        from jinjin_crm.core.sections import section_register

        section_register("talents.talent", "policies/_entitlements_section.html", order=30)
        # What waits on an officer here shows on their worklist (talents may not import policies),
        # and an onboarding whose 免申即享 proposals exist is not undone.
        from jinjin_crm.core.services import stage_undo_guard_register
        from jinjin_crm.core.worklist import worklist_section_register

        from . import undo, worklist

        worklist_section_register(
            "service_requests_due",
            "policies/_worklist_service_requests.html",
            worklist.service_requests_due,
            order=10,
        )
        worklist_section_register(
            "applications_waiting",
            "policies/_worklist_applications.html",
            worklist.applications_waiting,
            order=20,
        )
        stage_undo_guard_register("talents.talent", undo.onboarding_undo_guard)
        # Register the tasks in every process: talents asks for policies.propose_benefits by name
        # (it may not import policies), and a name resolves to a task, honouring
        # CELERY_TASK_ALWAYS_EAGER, only once its module is imported.
        from . import tasks  # noqa: F401
