"""Factories for tests. They build records through the services, as the application does."""

import factory
from faker import Faker

from jinjin_crm.core.models import Park, User
from jinjin_crm.core.roles import Role
from jinjin_crm.core.services import user_create

fake = Faker("zh_CN")


def park(code: str = "SF") -> Park:
    """A park from the reference data the migrations ship."""
    return Park.objects.get(code=code)


class UserFactory(factory.Factory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    name = factory.LazyFunction(fake.name)
    password = "correct-horse-battery-staple"
    roles = (Role.OFFICER,)
    parks = ()

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return user_create(**kwargs)


def officer(**kwargs) -> User:
    return UserFactory(roles=(Role.OFFICER,), **kwargs)


def leader(**kwargs) -> User:
    return UserFactory(roles=(Role.LEADER,), **kwargs)


def admin(**kwargs) -> User:
    return UserFactory(roles=(Role.ADMIN,), **kwargs)


# --- projects -------------------------------------------------------------------------------------

_credit_code_counter = iter(range(10_000_000))


def credit_code() -> str:
    """A fresh, valid unified social credit code (GB 32100 check character)."""
    from stdnum.cn import uscc

    body = f"91500116MA{next(_credit_code_counter):07d}"
    return body + uscc.calc_check_digit(body)


def enterprise(*, park_code: str = "SF", by=None, **fields):
    from jinjin_crm.core.models import IndustryChain
    from projects.services import enterprise_create

    fields.setdefault("name", fake.company())
    fields.setdefault("credit_code", credit_code())
    fields.setdefault("industry", IndustryChain.objects.get(code="NEV"))
    return enterprise_create(by=by, park=park(park_code), **fields)


def project(*, park_code: str = "SF", lead_officer=None, by=None, stage: str = "lead", **fields):
    """A project created at ``stage`` (with the dates and amount a signed-or-later stage needs)."""
    import datetime
    from decimal import Decimal

    from jinjin_crm.core.models import IndustryChain, Region
    from projects.services import project_create

    lead_officer = lead_officer or officer()
    fields.setdefault("name", f"{fake.company_prefix()}项目")
    fields.setdefault("investor", fake.company())
    fields.setdefault("source", Region.objects.get(code="OUTSIDE_CITY"))
    fields.setdefault("industry", IndustryChain.objects.get(code="NEV"))
    if stage in ("signed", "started", "operating", "at_capacity"):
        fields.setdefault("signed_on", datetime.date.today() - datetime.timedelta(days=30))
        fields.setdefault("agreed_investment", Decimal("10000.00"))
    if stage == "terminated":
        fields.setdefault("termination_reason", "投资方撤回")
    return project_create(
        by=by or lead_officer, stage=stage, park=park(park_code), lead_officer=lead_officer, **fields
    )


def demand(*, enterprise_obj=None, project_obj=None, disciplines=("0812",), by=None, **fields):
    import datetime

    from jinjin_crm.core.models import Degree, Discipline
    from projects.services import demand_create

    if enterprise_obj is None and project_obj is None:
        enterprise_obj = enterprise()
    fields.setdefault("position", "算法工程师")
    fields.setdefault("min_degree", Degree.objects.get(code="MASTER"))
    fields.setdefault("valid_until", datetime.date.today() + datetime.timedelta(days=90))
    return demand_create(
        by=by,
        enterprise=enterprise_obj,
        project=project_obj,
        disciplines=list(Discipline.objects.filter(code__in=disciplines)),
        **fields,
    )


# --- talents --------------------------------------------------------------------------------------

_id_counter = iter(range(1, 999))


def national_id(birth: str = "19900101", area: str = "500116") -> str:
    """A valid ID number (check character computed) for a birth date ``YYYYMMDD``; unique per call."""
    from stdnum.cn import ric

    body = f"{area}{birth}{next(_id_counter):03d}"
    return body + ric.calc_check_digit(body + "0")


def talent(*, by=None, disciplines=("0812",), confirmed_not_duplicate=True, **fields):
    from jinjin_crm.core.models import Degree, Discipline
    from talents.services import talent_create

    fields.setdefault("name", fake.name())
    fields.setdefault("highest_degree", Degree.objects.get(code="MASTER"))
    return talent_create(
        by=by,
        disciplines=list(Discipline.objects.filter(code__in=disciplines)),
        confirmed_not_duplicate=confirmed_not_duplicate,
        **fields,
    )


# --- campaigns ------------------------------------------------------------------------------------


def university(name: str = "南开大学", **fields):
    from campaigns.models import University
    from campaigns.services import university_create

    found = University.objects.filter(name=name).first()
    return found or university_create(name=name, city=fields.pop("city", "天津"), **fields)


def campaign(*, by=None, kind: str = "university_visit", **fields):
    import datetime

    from campaigns.services import campaign_create

    by = by or officer()
    fields.setdefault("title", f"{fake.company_prefix()}高校引才活动")
    fields.setdefault("starts_on", datetime.date(2024, 4, 10))
    fields.setdefault("ends_on", fields["starts_on"] + datetime.timedelta(days=2))
    return campaign_create(by=by, kind=kind, **fields)


def placement_batch(number: int = 1, **fields):
    import datetime

    from campaigns.models import PlacementBatch
    from campaigns.services import placement_batch_create

    found = PlacementBatch.objects.filter(number=number).first()
    return found or placement_batch_create(
        number=number, announced_on=fields.pop("announced_on", datetime.date(2024, 3, 1)), **fields
    )


def placement(*, expert=None, host=None, batch=None, by=None, **fields):
    import datetime

    from campaigns.services import placement_create

    fields.setdefault("term_start", datetime.date(2024, 3, 1))
    fields.setdefault("term_end", datetime.date(2026, 2, 28))
    return placement_create(
        expert=expert or talent(),
        host_enterprise=host or enterprise(),
        batch=batch or placement_batch(),
        by=by,
        **fields,
    )


# --- policies -------------------------------------------------------------------------------------


_fund_counter = iter(range(1, 100_000))


def fund(*, name: str | None = None, year: int | None = None, budget="10000000", by=None, **fields):
    """A fund of this year (10 million yuan unless told otherwise), with a fresh name."""
    import datetime
    from decimal import Decimal

    from policies.services import fund_create

    return fund_create(
        name=name or f"人才发展专项资金{next(_fund_counter)}",
        year=year or datetime.date.today().year,
        budget=Decimal(str(budget)),
        by=by,
        **fields,
    )


def policy(*, by=None, **fields):
    """A policy in force since 2024-01-01 (status active), unless told otherwise."""
    import datetime

    from policies.services import policy_create

    fields.setdefault("title", "江津区人才发展若干政策")
    fields.setdefault("document_number", "江津府发〔2024〕1号")
    fields.setdefault("series", "1")
    fields.setdefault("version", "3.0")
    fields.setdefault("effective_from", datetime.date(2024, 1, 1))
    fields.setdefault("status", "active")
    return policy_create(by=by, **fields)


def benefit(*, policy_obj=None, fund_obj=None, by=None, **fields):
    """A benefit of ``policy_obj`` paid from ``fund_obj``: 100,000 yuan to everyone unless told otherwise."""
    from policies.services import benefit_save

    fields.setdefault("name", "安家补助")
    fields.setdefault("kind", "housing_subsidy")
    fields.setdefault("criteria", [])
    fields.setdefault("amount_rule", {"type": "fixed", "amount": "100000"})
    return benefit_save(by=by, policy=policy_obj or policy(), fund=fund_obj or fund(), **fields)


def onboarded_talent(*, by=None, onboarded_on=None, **fields):
    """A talent walked through the pipeline to onboarded (on ``onboarded_on``, default today)."""
    from talents.services import talent_transition

    created = talent(by=by, **fields)
    for stage in ("contacted", "intent", "signed", "onboarded"):
        talent_transition(talent=created, to=stage, by=by, on=onboarded_on)
    return created


def policy_application(*, talent_obj=None, benefit_obj=None, by=None, state: str = "draft"):
    """An application walked through the workflow services to ``state`` (draft, submitted,
    under_review or approved)."""
    from policies import services

    application = services.application_create(
        talent=talent_obj or onboarded_talent(by=by), benefit=benefit_obj or benefit(), by=by
    )
    steps = [
        ("submitted", services.application_submit, {}),
        ("under_review", services.application_review_start, {}),
        ("approved", services.application_approve, {}),
    ]
    order = ["draft", *(name for name, _step, _kwargs in steps)]
    for name, step, kwargs in steps:
        if order.index(state) < order.index(name):
            break
        application = step(application=application, by=by, **kwargs)
    return application
