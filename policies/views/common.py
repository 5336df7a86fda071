"""What several policies pages share: a benefit's terms in plain language (who qualifies, how much,
in how many installments), the state labels of timelines, the lines of an eligibility result, and a
safe way back to the page an action came from."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.http import url_has_allowed_host_and_scheme

from ..models import ApplicationState, Benefit
from ..rules import ByTierDegree, Reference, parse_benefit_rules


@dataclass
class BenefitTerms:
    """A benefit's rules as a page shows them. ``amount`` is set for a fixed amount; ``amount_rows``
    (label, yuan) for an amount by tier and degree, ``default`` being what everyone else gets."""

    criteria: list[str] = field(default_factory=list)
    amount: Decimal | None = None
    amount_rows: list[tuple[str, Decimal]] = field(default_factory=list)
    default: Decimal | None = None
    installments: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def benefit_terms(benefit: Benefit, reference: Reference) -> BenefitTerms:
    """The rules of ``benefit`` in words and figures (no queries: ``reference`` is loaded once per
    page). Rules that no longer parse (a code renamed since) are shown as the problem, not hidden."""
    try:
        rules = parse_benefit_rules(
            criteria=benefit.criteria,
            amount_rule=benefit.amount_rule,
            installments=benefit.installments,
            reference=reference,
        )
    except ValidationError as exc:
        return BenefitTerms(problems=exc.messages)
    terms = BenefitTerms(criteria=[criterion.describe(reference) for criterion in rules.criteria])
    rule = rules.amount_rule
    if isinstance(rule, ByTierDegree):
        terms.amount_rows = [(reference.tier_name(code), amount) for code, amount in rule.by_tier.items()] + [
            (reference.degree_name(code), amount) for code, amount in rule.by_degree.items()
        ]
        terms.default = rule.default
    else:
        terms.amount = rule.amount
    terms.installments = [f"{(share * 100).normalize():f}%" for share in rules.installments]
    return terms


def state_label(code: str, choices=ApplicationState) -> str:
    return choices(code).label if code in choices.values else code


def labelled_timeline(entries: list[dict], choices=ApplicationState) -> list[dict]:
    """Timeline entries (``core.selectors.timeline_for``) with their stage codes' labels."""
    for entry in entries:
        if entry["kind"] == "stage":
            change = entry["item"]
            entry["from_label"] = state_label(change.from_stage, choices) if change.from_stage else ""
            entry["to_label"] = state_label(change.to_stage, choices)
    return entries


def back_to(request, default: str) -> str:
    """The ``next`` the form came with, if it is a page of this site; else ``default``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default
