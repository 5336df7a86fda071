"""Officers' pages of the talents app. Thin: reads through the FilterSet and selectors, writes through the
services, whose errors are shown on the form field they name. They share the helpers of every app's pages
(``jinjin_crm.core.pages``) and partials (``templates/ui/``) so both halves of the site look and behave
alike.

Modules: ``talents`` (list, board, detail and its actions, create/edit), ``duplicates`` (review pairs and
merge), ``teams`` (the innovation teams list), ``worklist`` (the officer's home page).
"""

from .duplicates import talent_duplicates_review, talent_merge_view
from .talents import (
    talent_activity_create,
    talent_anonymise_view,
    talent_assign_view,
    talent_board,
    talent_create,
    talent_detail,
    talent_edit,
    talent_list,
    talent_reveal,
    talent_transition_undo_view,
    talent_transition_view,
)
from .teams import team_list
from .worklist import home

__all__ = [
    "home",
    "talent_activity_create",
    "talent_anonymise_view",
    "talent_assign_view",
    "talent_board",
    "talent_create",
    "talent_detail",
    "talent_duplicates_review",
    "talent_edit",
    "talent_list",
    "talent_merge_view",
    "talent_reveal",
    "talent_transition_undo_view",
    "talent_transition_view",
    "team_list",
]
