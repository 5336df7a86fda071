"""Reads of the leadership pages, the weekly report and the API.

Everything here returns plain data (numbers, codes, dates, URLs), never labels: the figures are
cached for ``FIGURES_TTL`` seconds and shown in the reader's language. The cache is invalidated by
time alone: no figure is older than the last write by more than ``FIGURES_TTL`` seconds.
"""

from talents.selectors import COLD_AFTER_DAYS

from .common import FIGURES_TTL
from .figures import _charts, charts, stage_days, trend_months
from .follow_through import _follow_through, follow_through
from .ledger import _ranking, ledger_scopes, park_ranking, targets_ledger
from .people import officer_scorecard, officers
from .tiles import TILE_CODES, TILE_GROUPS, _kpi_tiles, kpi_tiles

__all__ = [
    "COLD_AFTER_DAYS",
    "FIGURES_TTL",
    "TILE_CODES",
    "TILE_GROUPS",
    "_charts",
    "_follow_through",
    "_kpi_tiles",
    "_ranking",
    "charts",
    "follow_through",
    "kpi_tiles",
    "ledger_scopes",
    "officer_scorecard",
    "officers",
    "park_ranking",
    "stage_days",
    "targets_ledger",
    "trend_months",
]
