"""Fund pages: every fund with its budget, committed, disbursed and remaining money and a usage bar;
a fund's page with its figures, the benefits it pays and its ledger of movements."""

from decimal import Decimal

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from jinjin_crm.core.pages import PAGE_SIZES, page_size
from jinjin_crm.core.permissions import reader_required

from .. import selectors
from ..models import Fund

HUNDRED = Decimal("100")


def _usage(budget: Decimal, committed: Decimal, disbursed: Decimal) -> dict:
    """The shares of the budget paid and promised, in % for the bar (each at least 0, together ≤ 100)."""
    if not budget:
        return {"disbursed": 0, "committed": 0, "used": 0}
    paid = min(max(disbursed / budget * HUNDRED, Decimal(0)), HUNDRED)
    promised = min(max(committed / budget * HUNDRED, Decimal(0)), HUNDRED - paid)
    return {
        "disbursed": round(paid, 1),
        "committed": round(promised, 1),
        "used": round(paid + promised, 1),
    }


@reader_required
@require_GET
def fund_list(request):
    """Every fund, newest year first, with its figures from the ledger in one query."""
    funds = list(selectors.fund_list_with_figures())
    for fund in funds:
        fund.usage = _usage(fund.budget, fund.committed, fund.disbursed)
    years = sorted({fund.year for fund in funds}, reverse=True)
    return render(request, "policies/fund_list.html", {"funds": funds, "years": years})


@reader_required
@require_GET
def fund_detail(request, pk):
    fund = get_object_or_404(Fund, pk=pk)
    figures = selectors.fund_figures(fund)
    page = Paginator(selectors.fund_movements(fund), page_size(request)).get_page(request.GET.get("page"))
    context = {
        "fund": fund,
        "figures": figures,
        "usage": _usage(figures.budget, figures.committed, figures.disbursed),
        "benefits": list(
            fund.benefits.select_related("policy").order_by("policy__series", "policy_id", "sort_order")
        ),
        "page": page,
        "rows": page.object_list,
        "page_sizes": PAGE_SIZES,
        "page_size": page.paginator.per_page,
    }
    return render(request, "policies/fund_detail.html", context)
