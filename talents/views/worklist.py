"""The officer's home page: the worklist of the day (``selectors.worklist``). It lives here, not in core,
because it reads talents; the project URLconf routes "/" to it.

Leaders own no records: they land on their own home page (``settings.READER_HOME``, the
leadership dashboard), which this app does not name.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from ..selectors import COLD_AFTER_DAYS, RECENTLY_ASSIGNED_DAYS, WORKLIST_LIMIT, worklist


@login_required
@require_GET
def home(request):
    if not request.user.can_write:
        return redirect(settings.READER_HOME)
    context = {
        "user_parks": list(request.user.parks.all()),
        **worklist(user=request.user),
        "cold_after_days": COLD_AFTER_DAYS,
        "recently_assigned_days": RECENTLY_ASSIGNED_DAYS,
        "worklist_limit": WORKLIST_LIMIT,
    }
    return render(request, "core/home.html", context)
