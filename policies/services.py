"""Every write of the policies app: funds, policies and benefits, the application workflow with its
fund ledger, 免申即享 proposals, and talent service requests.

Guarantees:

- Each service runs in one transaction and, when it refuses, changes nothing: a ``ValidationError``
  keyed by field for bad input, ``IllegalTransition`` (409) for a step the state does not allow,
  ``FundExhausted`` (409) when a fund cannot cover an approval.
- A fund is never committed beyond its budget, however many approvals run at once: every service
  that moves money locks the fund row first, then the application row (always in that order, so
  two of them cannot deadlock), and checks the figures from the ledger under the lock.
- The ledger is append-only: approval appends a commitment, disbursement a payment, rejection or
  withdrawal a release of what is still committed. A fund's figures are sums over it.
- Every step of an application or a service request is recorded as a ``core.StageChange``: who,
  when, and the opinion or note.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from jinjin_crm.core.exceptions import ApplicationError, Conflict, IllegalTransition, illegal_move
from jinjin_crm.core.models import User
from jinjin_crm.core.services import fields_apply, follow_up_schedule, stage_change_record
from jinjin_crm.core.validators import date_not_future

from .eligibility import BenefitResult, attributes_for_talent, evaluate, evaluate_benefit
from .models import (
    APPLICATION_ACTIONS,
    SERVICE_TRANSITIONS,
    ApplicationAction,
    ApplicationState,
    Benefit,
    Fund,
    FundMovement,
    MovementKind,
    Policy,
    PolicyApplication,
    ServiceRequest,
    ServiceState,
    budget_too_low_message,
)
from .rules import CENT, Reference, format_amount
from .selectors import application_money, fund_figures

POLICY_FIELDS = (
    "title",
    "document_number",
    "series",
    "version",
    "effective_from",
    "effective_to",
    "status",
    "summary",
    "is_demo",
)
BENEFIT_FIELDS = (
    "policy",
    "name",
    "kind",
    "description",
    "criteria",
    "amount_rule",
    "installments",
    "fund",
    "is_active",
    "sort_order",
)
FUND_FIELDS = ("name", "year", "budget", "description", "is_active")
SERVICE_REQUEST_FIELDS = ("description", "owner", "due_on")


class FundExhausted(Conflict):
    """The fund has less left than the approval needs."""

    default_code = "fund_exhausted"


def _as_history_user(record, by: User | None) -> None:
    # simple_history records this user as the author of the change (requests set it themselves).
    if by is not None:
        record._history_user = by


# --- Funds ------------------------------------------------------------------------------------------


def _fund_name_taken(fund: Fund) -> None:
    clash = Fund.objects.filter(name=fund.name, year=fund.year)
    if fund.pk:
        clash = clash.exclude(pk=fund.pk)
    if clash.exists():
        raise ValidationError(
            {
                "name": _("A fund named “%(name)s” already exists for %(year)s.")
                % {"name": fund.name, "year": fund.year}
            }
        )


@transaction.atomic
def fund_create(
    *, name: str, year: int, budget: Decimal, by: User | None, description: str = "", is_active: bool = True
) -> Fund:
    """A fund for one year with its budget. Name and year together are unique."""
    fund = Fund(
        name=(name or "").strip(), year=year, budget=budget, description=description, is_active=is_active
    )
    fund.full_clean(validate_constraints=False)
    _fund_name_taken(fund)
    _as_history_user(fund, by)
    fund.save()
    return fund


@transaction.atomic
def fund_update(*, fund: Fund, by: User | None, **fields) -> Fund:
    """Change a fund's facts. The budget cannot drop below what the fund has committed and
    disbursed: checked with the fund row locked, so no approval slips in between."""
    locked = Fund.objects.select_for_update().get(pk=fund.pk)
    fields_apply(locked, fields, allowed=FUND_FIELDS)
    if "budget" in fields and locked.budget is not None:
        figures = fund_figures(locked)
        if locked.budget < figures.committed + figures.disbursed:
            raise ValidationError({"budget": budget_too_low_message(figures)})
    locked.full_clean(validate_constraints=False)
    _fund_name_taken(locked)
    _as_history_user(locked, by)
    locked.save()
    fund.refresh_from_db()
    return fund


# --- Policies and benefits --------------------------------------------------------------------------


@transaction.atomic
def policy_create(*, by: User | None, **fields) -> Policy:
    """A policy of the "1+10+N" system (a draft unless ``status`` says otherwise)."""
    policy = Policy()
    fields_apply(policy, fields, allowed=POLICY_FIELDS)
    policy.full_clean(validate_constraints=False)
    _as_history_user(policy, by)
    policy.save()
    return policy


@transaction.atomic
def policy_update(*, policy: Policy, by: User | None, **fields) -> Policy:
    """Change a policy's facts or status. Its benefits and their applications are not touched:
    expiring a policy stops new applications, not the ones in progress."""
    fields_apply(policy, fields, allowed=POLICY_FIELDS)
    policy.full_clean(validate_constraints=False)
    _as_history_user(policy, by)
    policy.save()
    return policy


@transaction.atomic
def benefit_save(*, benefit: Benefit | None = None, by: User | None, **fields) -> Benefit:
    """Create a benefit (``benefit=None``) or change one. Criteria, amount rule and installments are
    validated by ``policies.rules`` and stored in their canonical form; anything that does not parse
    is refused with a message naming the item. Applications already made keep their amount."""
    benefit = benefit if benefit is not None else Benefit()
    fields_apply(benefit, fields, allowed=BENEFIT_FIELDS)
    benefit.full_clean(validate_constraints=False)
    _as_history_user(benefit, by)
    benefit.save()
    return benefit


# --- Applications: helpers --------------------------------------------------------------------------


def _illegal(application: PolicyApplication, action: str) -> IllegalTransition:
    allowed = "、".join(str(ApplicationAction(step).label) for step in APPLICATION_ACTIONS[application.state])
    return IllegalTransition(
        _("“%(action)s” is not possible for an application that is “%(state)s”; possible now: %(allowed)s.")
        % {
            "action": ApplicationAction(action).label,
            "state": ApplicationState(application.state).label,
            "allowed": allowed or _("nothing (closed)"),
        },
        attr="state",
    )


def _check_step(application: PolicyApplication, action: str) -> None:
    if action not in APPLICATION_ACTIONS[application.state]:
        raise _illegal(application, action)


def _lock(application: PolicyApplication, action: str) -> PolicyApplication:
    """The application row, locked, if ``action`` is allowed from its current state."""
    locked = PolicyApplication.objects.select_for_update().get(pk=application.pk)
    _check_step(locked, action)
    return locked


def _lock_with_fund(application: PolicyApplication, action: str) -> tuple[Fund, PolicyApplication]:
    """The application's fund row, then the application row, both locked: the order every money
    step takes. The fund is read afresh (the caller's copy may be stale)."""
    fund_id = PolicyApplication.objects.filter(pk=application.pk).values_list("fund_id", flat=True).get()
    fund = Fund.objects.select_for_update().get(pk=fund_id)
    locked = PolicyApplication.objects.select_for_update().get(pk=application.pk)
    if locked.fund_id != fund.pk:
        # Only a resubmission changes the fund, and it happens in draft: the state moved meanwhile.
        raise Conflict(_("The application changed meanwhile; reload it and try again."), attr="state")
    _check_step(locked, action)
    return fund, locked


def _required(text: str, field: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({field: message})
    return text


def _application_date(on: datetime.date | None, *, not_before: datetime.date | None = None) -> datetime.date:
    today = timezone.localdate()
    on = on or today
    date_not_future(on, field="on")
    # Eligibility depends on the date (age, months since onboarding): a step is never dated before
    # the check it follows.
    if not_before and on < not_before:
        raise ValidationError(
            {"on": _("This date cannot be before %(date)s, the date of the draft.") % {"date": not_before}}
        )
    return on


def _check_open(benefit: Benefit, on: datetime.date) -> None:
    if not benefit.is_active or not benefit.policy.is_in_force(on):
        raise ValidationError(
            {
                "benefit": ValidationError(
                    _(
                        "“%(benefit)s” is not open for applications on %(date)s: it is inactive or its "
                        "policy is not in force."
                    )
                    % {"benefit": benefit.name, "date": on.isoformat()},
                    code="not_open",
                )
            }
        )


def _assess(*, talent, benefit: Benefit, on: datetime.date) -> BenefitResult:
    if talent.anonymised_at:
        raise ApplicationError(
            _("This record was anonymised: nothing can be applied for on it."),
            code="anonymised",
            attr="talent",
        )
    return evaluate_benefit(benefit, attributes_for_talent(talent), on=on, reference=Reference.load())


def _refuse_ineligible(talent, benefit: Benefit, result: BenefitResult) -> None:
    summary = _("%(talent)s does not qualify for “%(benefit)s”:") % {
        "talent": talent,
        "benefit": benefit.name,
    }
    raise ValidationError(
        {
            "benefit": [
                ValidationError(summary, code="not_eligible"),
                *(ValidationError(reason.reason, code="not_eligible") for reason in result.failing),
            ]
        }
    )


def _duplicate(talent, benefit: Benefit, state: str | None = None) -> ValidationError:
    values = {"talent": talent, "benefit": benefit.name}
    if state:
        values["state"] = ApplicationState(state).label
        message = _("%(talent)s already has an application for “%(benefit)s” (%(state)s).") % values
    else:
        message = _("%(talent)s already has an application for “%(benefit)s”.") % values
    return ValidationError({"benefit": ValidationError(message, code="duplicate")})


def _fix_terms(application: PolicyApplication, result: BenefitResult, on: datetime.date) -> None:
    """Amount, installments, fund and the eligibility snapshot, from a fresh check."""
    application.amount = result.amount
    application.installment_plan = [str(part) for part in result.installments]
    application.fund_id = result.benefit.fund_id
    application.eligibility = result.as_snapshot(on)


def _insert(
    *, talent, benefit: Benefit, result: BenefitResult, on: datetime.date, by: User | None, automatic: bool
) -> PolicyApplication:
    owner = talent.owner if talent.owner_id else (by if by is not None and by.can_write else None)
    application = PolicyApplication(
        talent=talent,
        benefit=benefit,
        owner=owner,
        created_by=by,
        proposed_automatically=automatic,
        state=ApplicationState.DRAFT,
    )
    _fix_terms(application, result, on)
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError as exc:
        # A concurrent request made the same application first (the one-live-application rule).
        raise _duplicate(talent, benefit) from exc
    note = _("proposed automatically on onboarding (免申即享)") if automatic else _("created")
    stage_change_record(record=application, from_stage="", to_stage=ApplicationState.DRAFT, by=by, note=note)
    return application


# --- Applications: the workflow ---------------------------------------------------------------------


@transaction.atomic
def application_create(
    *, talent, benefit: Benefit, by: User | None, on: datetime.date | None = None, automatic: bool = False
) -> PolicyApplication:
    """A draft application of ``talent`` for ``benefit``, its amount and installments fixed by the
    rules as of ``on`` (today). Refused when the benefit is not open, the talent already has a live
    application for it, or the talent does not qualify — then with every failing criterion's reason.
    The owner is the talent's owner officer (else the creating officer)."""
    on = _application_date(on)
    _check_open(benefit, on)
    live = PolicyApplication.objects.filter(talent=talent, benefit=benefit).live().first()
    if live is not None:
        raise _duplicate(talent, benefit, live.state)
    result = _assess(talent=talent, benefit=benefit, on=on)
    if not result.eligible:
        _refuse_ineligible(talent, benefit, result)
    return _insert(talent=talent, benefit=benefit, result=result, on=on, by=by, automatic=automatic)


@transaction.atomic
def application_submit(
    *, application: PolicyApplication, by: User | None, on: datetime.date | None = None, note: str = ""
) -> PolicyApplication:
    """Draft → submitted. Eligibility is judged again as of the submission date (the facts may have
    changed since the draft, or since it was returned), and amount, installments and fund are fixed
    anew; a talent who no longer qualifies is refused with the reasons."""
    locked = _lock(application, ApplicationAction.SUBMIT)
    drafted = locked.eligibility.get("on")
    on = _application_date(on, not_before=datetime.date.fromisoformat(drafted) if drafted else None)
    benefit = Benefit.objects.select_related("policy", "fund").get(pk=locked.benefit_id)
    _check_open(benefit, on)
    result = _assess(talent=locked.talent, benefit=benefit, on=on)
    if not result.eligible:
        _refuse_ineligible(locked.talent, benefit, result)
    _fix_terms(locked, result, on)
    locked.state = ApplicationState.SUBMITTED
    locked.submitted_at = timezone.now()
    locked.save()
    stage_change_record(
        record=locked, from_stage=ApplicationState.DRAFT, to_stage=locked.state, by=by, note=note.strip()
    )
    application.refresh_from_db()
    return application


@transaction.atomic
def application_review_start(
    *, application: PolicyApplication, by: User | None, note: str = ""
) -> PolicyApplication:
    """Submitted → under review: a reviewer takes it."""
    locked = _lock(application, ApplicationAction.REVIEW_START)
    locked.state = ApplicationState.UNDER_REVIEW
    locked.save(update_fields=["state", "updated_at"])
    stage_change_record(
        record=locked, from_stage=ApplicationState.SUBMITTED, to_stage=locked.state, by=by, note=note.strip()
    )
    application.refresh_from_db()
    return application


@transaction.atomic
def application_approve(
    *, application: PolicyApplication, by: User | None, opinion: str = ""
) -> PolicyApplication:
    """Under review → approved, committing the amount against the application's fund.

    The fund row is locked, then the application; the fund's remaining money is computed from the
    ledger under the lock. A closed fund, or one with less left than the amount, refuses
    (``ApplicationError`` "fund_inactive" / ``FundExhausted``) and nothing is written. Approving
    twice is an illegal step (the state is no longer under review).
    """
    fund, locked = _lock_with_fund(application, ApplicationAction.APPROVE)
    if not fund.is_active:
        raise ApplicationError(
            _("The fund “%(fund)s” is closed for approvals.") % {"fund": fund},
            code="fund_inactive",
            attr="fund",
        )
    if locked.amount <= 0:
        raise ValidationError({"amount": _("An application of 0 yuan cannot be approved.")})
    remaining = fund_figures(fund).remaining
    if locked.amount > remaining:
        raise FundExhausted(
            _("The fund “%(fund)s” has %(remaining)s yuan left; this application needs %(amount)s yuan.")
            % {"fund": fund, "remaining": format_amount(remaining), "amount": format_amount(locked.amount)},
            attr="amount",
        )
    FundMovement.objects.create(
        fund=fund,
        kind=MovementKind.COMMIT,
        amount=locked.amount,
        application=locked,
        by=by,
        note=opinion.strip()[:300],
    )
    locked.state = ApplicationState.APPROVED
    locked.decided_at = timezone.now()
    locked.save(update_fields=["state", "decided_at", "updated_at"])
    stage_change_record(
        record=locked,
        from_stage=ApplicationState.UNDER_REVIEW,
        to_stage=locked.state,
        by=by,
        note=opinion.strip(),
    )
    application.refresh_from_db()
    return application


@dataclass(frozen=True)
class Refusal:
    application: PolicyApplication
    code: str
    message: str


@dataclass(frozen=True)
class ApprovalBatch:
    approved: list[PolicyApplication]
    refused: list[Refusal]


def application_approve_many(*, applications, by: User | None, opinion: str = "") -> ApprovalBatch:
    """Approve each application of the review queue in its own transaction, in order of submission
    (so when a fund runs short the earliest applicants come first). One refused — fund exhausted, a
    step no longer allowed — does not undo the others: the result lists what was approved and what
    was refused, with the reason."""
    ordered = sorted(
        applications,
        key=lambda app: (app.submitted_at or datetime.datetime.max.replace(tzinfo=datetime.UTC), app.pk),
    )
    approved, refused = [], []
    for application in ordered:
        try:
            approved.append(application_approve(application=application, by=by, opinion=opinion))
        except ApplicationError as exc:
            refused.append(Refusal(application, exc.code, exc.message))
        except ValidationError as exc:
            refused.append(Refusal(application, "invalid", "；".join(exc.messages)))
    return ApprovalBatch(approved, refused)


def _release_commitment(fund: Fund, application: PolicyApplication, by: User | None, note: str) -> Decimal:
    """Append a release of what the application still has committed; the amount released."""
    committed = application_money(application).committed
    if committed > 0:
        FundMovement.objects.create(
            fund=fund,
            kind=MovementKind.RELEASE,
            amount=committed,
            application=application,
            by=by,
            note=note[:300],
        )
    return committed


@transaction.atomic
def application_reject(*, application: PolicyApplication, by: User | None, opinion: str) -> PolicyApplication:
    """Under review → rejected, or approved → rejected (the approval revoked: payments not yet made
    are released back to the fund; what was paid stays paid). The opinion is required."""
    opinion = _required(opinion, "opinion", _("Give the reason for the rejection."))
    fund, locked = _lock_with_fund(application, ApplicationAction.REJECT)
    current = locked.state
    _release_commitment(fund, locked, by, opinion)
    locked.state = ApplicationState.REJECTED
    locked.decided_at = timezone.now()
    locked.save(update_fields=["state", "decided_at", "updated_at"])
    stage_change_record(record=locked, from_stage=current, to_stage=locked.state, by=by, note=opinion)
    application.refresh_from_db()
    return application


@transaction.atomic
def application_return(*, application: PolicyApplication, by: User | None, opinion: str) -> PolicyApplication:
    """Submitted or under review → back to draft for correction, with the reviewer's opinion
    (required). It is judged again when resubmitted."""
    opinion = _required(opinion, "opinion", _("Say what must be corrected."))
    locked = _lock(application, ApplicationAction.RETURN)
    current = locked.state
    locked.state = ApplicationState.DRAFT
    locked.returned_count += 1
    locked.save(update_fields=["state", "returned_count", "updated_at"])
    stage_change_record(record=locked, from_stage=current, to_stage=locked.state, by=by, note=opinion)
    application.refresh_from_db()
    return application


@transaction.atomic
def application_withdraw(
    *, application: PolicyApplication, by: User | None, note: str = ""
) -> PolicyApplication:
    """Draft, submitted, under review or approved → withdrawn (the talent gives it up). An approved
    application can be withdrawn only while nothing is paid; its commitment is released."""
    fund, locked = _lock_with_fund(application, ApplicationAction.WITHDRAW)
    current = locked.state
    if current == ApplicationState.APPROVED:
        paid = application_money(locked).disbursed
        if paid > 0:
            raise IllegalTransition(
                _(
                    "%(paid)s yuan of this application has been paid, so it can no longer be withdrawn; "
                    "reject it to stop the remaining payments."
                )
                % {"paid": format_amount(paid)},
                attr="state",
            )
    _release_commitment(fund, locked, by, note.strip() or _("withdrawn"))
    locked.state = ApplicationState.WITHDRAWN
    locked.save(update_fields=["state", "updated_at"])
    stage_change_record(record=locked, from_stage=current, to_stage=locked.state, by=by, note=note.strip())
    application.refresh_from_db()
    return application


def next_installment(plan: list[Decimal], disbursed: Decimal) -> Decimal:
    """What completes the next installment of ``plan`` after ``disbursed`` has been paid (0 when all is)."""
    reached = Decimal("0.00")
    for part in plan:
        reached += part
        if reached > disbursed:
            return reached - disbursed
    return Decimal("0.00")


def _payment_amount(amount) -> Decimal:
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or value <= 0 or value != value.quantize(CENT):
        raise ValidationError(
            {"amount": _("Give an amount in yuan greater than 0, with at most two decimals.")}
        )
    return value.quantize(CENT)


@transaction.atomic
def application_disburse(
    *, application: PolicyApplication, by: User | None, amount: Decimal | None = None, note: str = ""
) -> PolicyApplication:
    """Pay an approved application: ``amount``, or by default its next installment. The payment
    moves that much from committed to disbursed in the fund's ledger. More than is still to pay is
    refused and nothing is written. The application becomes "disbursed" when fully paid; until then
    it stays "approved" and each payment is recorded on its timeline."""
    fund, locked = _lock_with_fund(application, ApplicationAction.DISBURSE)
    money = application_money(locked)
    outstanding = locked.amount - money.disbursed
    plan = locked.installment_amounts
    if amount is None:
        amount = min(next_installment(plan, money.disbursed), outstanding)
    amount = _payment_amount(amount)
    if amount > outstanding or amount > money.committed:
        raise ValidationError(
            {
                "amount": ValidationError(
                    _(
                        "%(amount)s yuan is more than the %(outstanding)s yuan still to pay on this "
                        "application."
                    )
                    % {
                        "amount": format_amount(amount),
                        "outstanding": format_amount(min(outstanding, money.committed)),
                    },
                    code="over_disbursement",
                )
            }
        )
    paid = money.disbursed + amount
    reached, installments_done = Decimal("0.00"), 0
    for part in plan:
        reached += part
        if reached <= paid:
            installments_done += 1
    if not note.strip():
        note = _("Installment %(number)d of %(count)d: %(amount)s yuan") % {
            "number": installments_done,
            "count": len(plan),
            "amount": format_amount(amount),
        }
        if sum(plan[:installments_done], Decimal("0.00")) != paid:
            note = _("Payment of %(amount)s yuan") % {"amount": format_amount(amount)}
    FundMovement.objects.create(
        fund=fund,
        kind=MovementKind.DISBURSE,
        amount=amount,
        application=locked,
        by=by,
        note=note.strip()[:300],
    )
    if paid >= locked.amount:
        locked.state = ApplicationState.DISBURSED
        locked.save(update_fields=["state", "updated_at"])
    else:
        locked.save(update_fields=["updated_at"])
    stage_change_record(
        record=locked, from_stage=ApplicationState.APPROVED, to_stage=locked.state, by=by, note=note.strip()
    )
    application.refresh_from_db()
    return application


# --- 免申即享 --------------------------------------------------------------------------------------


@transaction.atomic
def benefits_propose(
    *, talent, by: User | None = None, on: datetime.date | None = None
) -> list[PolicyApplication]:
    """免申即享: draft applications for every benefit in force the onboarded talent qualifies for and
    has no live application for, marked as proposed automatically and owned by the talent's owner
    officer, who confirms and submits them. Idempotent: a second run creates nothing new. The owner
    gets a follow-up on the worklist when something was proposed. Talents not onboarded (or
    anonymised) get nothing: the proposal is for arrivals."""
    from talents.models import Stage, Talent

    talent = Talent.objects.select_related("owner").get(pk=talent.pk)
    if talent.stage != Stage.ONBOARDED or talent.anonymised_at is not None:
        return []
    on = on or timezone.localdate()
    live = set(PolicyApplication.objects.filter(talent=talent).live().values_list("benefit_id", flat=True))
    created = []
    for result in evaluate(attributes_for_talent(talent), on=on):
        if not result.eligible or result.benefit.pk in live:
            continue
        try:
            created.append(
                _insert(talent=talent, benefit=result.benefit, result=result, on=on, by=by, automatic=True)
            )
        except ValidationError:
            continue  # a concurrent run proposed it first
    if created and talent.owner is not None:
        follow_up_schedule(
            record=talent,
            officer=talent.owner,
            summary=ngettext(
                "%(count)d benefit was proposed automatically (免申即享): check and submit it.",
                "%(count)d benefits were proposed automatically (免申即享): check and submit them.",
                len(created),
            )
            % {"count": len(created)},
            due_on=timezone.localdate(),
        )
    return created


# --- Service requests -------------------------------------------------------------------------------


def _service_illegal(current: str, to: str) -> IllegalTransition:
    return illegal_move(
        _("A service request cannot move from “%(from)s” to “%(to)s”; allowed next states: %(allowed)s."),
        current=current,
        to=to,
        choices=ServiceState,
        transitions=SERVICE_TRANSITIONS,
        attr="state",
    )


def _check_due(due_on: datetime.date | None, *, was: datetime.date | None = None) -> None:
    if due_on is not None and due_on != was and due_on < timezone.localdate():
        raise ValidationError({"due_on": _("The due date cannot be in the past.")})


@transaction.atomic
def service_request_create(
    *,
    talent,
    kind: str,
    by: User | None,
    description: str = "",
    owner: User | None = None,
    due_on: datetime.date | None = None,
) -> ServiceRequest:
    """An open request for a talent. The owner defaults to the talent's owner officer, else the
    creating officer; a due date cannot be in the past."""
    if owner is None:
        owner = talent.owner if talent.owner_id else (by if by is not None and by.can_write else None)
    if owner is not None and not owner.can_write:
        raise ValidationError({"owner": _("Only an officer can own a service request.")})
    _check_due(due_on)
    service_request = ServiceRequest(
        talent=talent,
        kind=kind,
        description=(description or "").strip(),
        owner=owner,
        due_on=due_on,
        created_by=by,
    )
    service_request.full_clean(exclude=["talent", "owner", "created_by"], validate_constraints=False)
    service_request.save()
    stage_change_record(
        record=service_request, from_stage="", to_stage=ServiceState.OPEN, by=by, note=_("created")
    )
    return service_request


@transaction.atomic
def service_request_update(*, service_request: ServiceRequest, by: User | None, **fields) -> ServiceRequest:
    """Change the description, owner or due date of a request that is not closed."""
    locked = ServiceRequest.objects.select_for_update().get(pk=service_request.pk)
    if not SERVICE_TRANSITIONS[locked.state]:
        raise IllegalTransition(_("A closed service request cannot be changed."), attr="state")
    was = locked.due_on
    fields_apply(locked, fields, allowed=SERVICE_REQUEST_FIELDS)
    if locked.owner is not None and not locked.owner.can_write:
        raise ValidationError({"owner": _("Only an officer can own a service request.")})
    _check_due(locked.due_on, was=was)
    locked.full_clean(exclude=["talent", "owner", "created_by"], validate_constraints=False)
    locked.save()
    service_request.refresh_from_db()
    return service_request


def _service_move(
    service_request: ServiceRequest, to: str, by: User | None, note: str, **changes
) -> ServiceRequest:
    locked = ServiceRequest.objects.select_for_update().get(pk=service_request.pk)
    current = locked.state
    if to not in SERVICE_TRANSITIONS[current]:
        raise _service_illegal(current, to)
    locked.state = to
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.save()
    stage_change_record(record=locked, from_stage=current, to_stage=to, by=by, note=note)
    service_request.refresh_from_db()
    return service_request


@transaction.atomic
def service_request_start(
    *, service_request: ServiceRequest, by: User | None, note: str = ""
) -> ServiceRequest:
    """Open → in progress: someone is working on it."""
    return _service_move(service_request, ServiceState.IN_PROGRESS, by, note.strip())


@transaction.atomic
def service_request_resolve(
    *, service_request: ServiceRequest, by: User | None, resolution: str
) -> ServiceRequest:
    """Open or in progress → resolved, saying how (required)."""
    resolution = _required(resolution, "resolution", _("Say how the request was resolved."))
    return _service_move(
        service_request,
        ServiceState.RESOLVED,
        by,
        resolution,
        resolution=resolution,
        resolved_at=timezone.now(),
    )


@transaction.atomic
def service_request_cancel(
    *, service_request: ServiceRequest, by: User | None, reason: str
) -> ServiceRequest:
    """Open or in progress → cancelled, saying why (required; kept as the resolution)."""
    reason = _required(reason, "reason", _("Say why the request is cancelled."))
    return _service_move(
        service_request, ServiceState.CANCELLED, by, reason, resolution=reason, resolved_at=timezone.now()
    )
