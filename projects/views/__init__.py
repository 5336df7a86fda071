"""Officers' pages for enterprises, projects and talent demands. Thin: reads through the FilterSets and
selectors, writes through the services, whose errors are shown on the form field they name.

One module per kind of page: ``projects`` (ledger, board, detail and its actions, create/edit; its
docstring says how the pages answer htmx), ``enterprises``, ``demands``, ``lookups`` (the record pickers'
suggestions). What they share with the other apps' pages (page sizes, list context, saving a form through a
service, logging an activity) is in ``jinjin_crm.core.pages``. The URLconf uses the names re-exported
here.
"""

from .demands import demand_create, demand_detail, demand_edit, demand_list
from .enterprises import (
    enterprise_activity_create,
    enterprise_create,
    enterprise_detail,
    enterprise_edit,
    enterprise_list,
)
from .lookups import enterprise_lookup, project_lookup
from .projects import (
    project_activity_create,
    project_board,
    project_create,
    project_detail,
    project_edit,
    project_funds_record,
    project_list,
    project_transition_undo_view,
    project_transition_view,
)

__all__ = [
    "demand_create",
    "demand_detail",
    "demand_edit",
    "demand_list",
    "enterprise_activity_create",
    "enterprise_create",
    "enterprise_detail",
    "enterprise_edit",
    "enterprise_list",
    "enterprise_lookup",
    "project_activity_create",
    "project_board",
    "project_create",
    "project_detail",
    "project_edit",
    "project_funds_record",
    "project_list",
    "project_lookup",
    "project_transition_undo_view",
    "project_transition_view",
]
