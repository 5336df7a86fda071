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
