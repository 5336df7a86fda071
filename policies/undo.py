"""What policies says before a talent's move is undone (registered in ``PoliciesConfig.ready()``).

An onboarding asks policies for the talent's 免申即享 proposals. Once they exist, undoing the
onboarding would leave draft applications for someone who has not arrived, so it is refused; the
officer withdraws the proposals on the applications page if the onboarding was a mistake. Before the
proposals are written (the request runs after the move commits) the undo goes through, and the
proposal then finds the talent no longer onboarded and proposes nothing.
"""

from django.utils.translation import ngettext

from talents.models import Stage

from .models import PolicyApplication


def onboarding_undo_guard(talent, change) -> str | None:
    """The refusal when the onboarding ``change`` has led to live automatic proposals, else None."""
    if change.to_stage != Stage.ONBOARDED:
        return None
    proposed = (
        PolicyApplication.objects.live()
        .filter(talent_id=talent.pk, proposed_automatically=True, created_at__gte=change.changed_at)
        .count()
    )
    if not proposed:
        return None
    return ngettext(
        "%(count)d benefit was already proposed automatically (免申即享) on this onboarding, so it can "
        "no longer be undone. If the onboarding was a mistake, withdraw the proposal among the "
        "policy applications.",
        "%(count)d benefits were already proposed automatically (免申即享) on this onboarding, so it can "
        "no longer be undone. If the onboarding was a mistake, withdraw the proposals among the "
        "policy applications.",
        proposed,
    ) % {"count": proposed}
