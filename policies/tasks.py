"""Celery tasks of the policies app: thin wrappers that load by id and call a service.

``policies.propose_benefits`` is requested by name from ``talents.services.talent_transition`` when a
talent is onboarded (talents may not import policies: the name is the contract). It is safe to run
twice: proposing is idempotent.
"""

from celery import shared_task

from talents.models import Talent

from . import services


@shared_task(name="policies.propose_benefits")
def propose_benefits(talent_id: int) -> list[int]:
    """免申即享 for one talent: the ids of the draft applications proposed (none if it is gone)."""
    talent = Talent.objects.filter(pk=talent_id).first()
    if talent is None:
        return []
    return [application.pk for application in services.benefits_propose(talent=talent)]
