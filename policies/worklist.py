"""The policies app's sections of the officer's worklist (registered in ``PoliciesConfig.ready()``):
service requests the officer owns that are due or overdue, and the applications waiting on them:
drafts proposed by 免申即享 and drafts returned for correction. One query each, whatever the rows."""

import datetime

from django.db.models import Q
from django.urls import reverse

from .models import SERVICE_OPEN_STATES, ApplicationState, PolicyApplication, ServiceRequest


def service_requests_due(*, user, today: datetime.date, limit: int) -> dict:
    """Open or in-progress requests ``user`` owns, due today or before, the longest overdue first."""
    items = list(
        ServiceRequest.objects.for_list(today)
        .filter(owner=user, state__in=SERVICE_OPEN_STATES, due_on__lte=today)
        .order_by("due_on", "id")[:limit]
    )
    return {
        "items": items,
        "today": today,
        "limit": limit,
        "more_url": f"{reverse('policies:service-board')}?owner={user.pk}",
    }


def applications_waiting(*, user, today: datetime.date, limit: int) -> dict:
    """Drafts ``user`` owns that wait on them: returned for correction (first) or proposed
    automatically on onboarding, the oldest first."""
    items = list(
        PolicyApplication.objects.select_related("talent", "benefit")
        .filter(owner=user, state=ApplicationState.DRAFT)
        .filter(Q(proposed_automatically=True) | Q(returned_count__gt=0))
        .order_by("-returned_count", "created_at", "id")[:limit]
    )
    return {
        "items": items,
        "limit": limit,
        "more_url": f"{reverse('policies:application-list')}?owner={user.pk}&state={ApplicationState.DRAFT}",
    }
