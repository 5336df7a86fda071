"""Demo policy system, funds, applications and talent services (DESIGN §1). Every record is marked or
named as demo: the policies carry ``is_demo`` and "（示例）" in their title and a "示例" document number.

- The "1+10+N" talent policy system, version 3.0, in force since 2024-01-01: the core policy "1", ten
  special policies "10" and a few implementation rules "N", with the superseded version 2.0 (expired)
  and a rule still in draft. Seven benefits — 安家补助 by tier and degree in three installments,
  岗位激励 by tier paid yearly over four years, 家属津贴, 创业扶持, and three more — whose criteria use
  every criterion type.
- Funds: the talent development fund (人才发展专项资金) for each year from 2024 to this one (1亿元
  the first year, 2,000万元 more each year after), the 250-million (2.5亿元)
  高质量发展激励资金 and the 1-billion (10亿元) 成渝团结湖战略新兴产业投资基金. Benefits draw on
  the talent fund of the year; past years' funds are closed for new approvals once their year is
  over, and keep paying what they committed.
- Applications of the onboarded demo talents, dated from their onboarding and moved through the
  workflow services as far as the dates allow: the old ones approved and paid installment by
  installment (the first years fully), recent ones submitted or under review (work for the bulk
  approval), a few returned for correction, rejected or withdrawn; and 免申即享 drafts proposed by
  ``benefits_propose`` for the talents onboarded in the last months. Fund figures come from the
  ledger those services write, so they are consistent and never over budget.
- Service requests (子女入学, 配偶就业, 住房 …) of onboarded talents, owned by their officers: some
  resolved, some cancelled, some still open of which several overdue.

The story is bounded (``STORY_APPLICATIONS``) so seeding stays fast. Every write goes through the
services; afterwards only the timestamps the services set to "now" (and the due dates, which they
refuse in the past) are moved to the dates of the story, as the other demo modules do.
"""

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone

from jinjin_crm.core.models import StageChange, User
from talents.models import Mode, Stage, Talent

from .eligibility import Attributes, evaluate
from .models import (
    ApplicationState,
    Benefit,
    BenefitKind,
    Fund,
    FundMovement,
    Policy,
    PolicyApplication,
    PolicySeries,
    PolicyStatus,
    ServiceKind,
    ServiceRequest,
)
from .rules import Reference
from .selectors import application_money
from .services import (
    FundExhausted,
    application_approve,
    application_create,
    application_disburse,
    application_reject,
    application_return,
    application_review_start,
    application_submit,
    application_withdraw,
    benefit_save,
    benefits_propose,
    fund_create,
    fund_update,
    policy_create,
    service_request_cancel,
    service_request_create,
    service_request_resolve,
    service_request_start,
)

# The per-talent proposals that onboarding asks for are made here, dated at each onboarding.
SUPERSEDES_TASKS = ("policies.propose_benefits",)

VERSION = "3.0"
IN_FORCE_FROM = datetime.date(2024, 1, 1)
OFFICERS = ("officer_dg", "officer_sf", "officer_lh", "officer_bs")
# At most this many applications are walked through the workflow, and this many recent arrivals
# (onboarded in the last PROPOSAL_DAYS, not in the story) get 免申即享 proposals: each application
# costs some forty queries through the services, so these bounds keep the seed to about three seconds.
STORY_APPLICATIONS = 60
PROPOSAL_TALENTS = 20
PROPOSAL_DAYS = 120
SERVICE_REQUESTS = 30
TALENT_FUND = "人才发展专项资金"
# The district's report (DESIGN §1): 2.5亿元 high-quality-development incentive fund, 10亿元 industry fund.
HIGH_QUALITY_FUND = "高质量发展激励资金"
HIGH_QUALITY_FUND_BUDGET = Decimal("250000000")
INDUSTRY_FUND = "成渝团结湖战略新兴产业投资基金"
INDUSTRY_FUND_BUDGET = Decimal("1000000000")
# Targets of the story that leave an application in the queues.
QUEUED = ("draft", "returned", "submitted", "under_review")

# --- The policy system ------------------------------------------------------------------------------

CORE = {
    "title": "关于深化人才发展体制机制改革加快建设重庆西部人才高地的若干政策（3.0版）（示例）",
    "document_number": "江津府发〔2024〕示例1号",
    "summary": (
        "江津区“1+10+N”人才政策体系的总纲（演示数据）：设立每年不少于1亿元的人才发展专项资金，"
        "对引进的顶尖人才、领军人才和博士、硕士等青年人才给予安家补助、岗位激励、家属津贴和创业扶持，"
        "符合条件的人才到岗后“免申即享”，由引才专员主动推送、代为申报。"
    ),
}
# (key, title, document number, summary); a benefit names its policy by key.
SPECIAL = (
    ("housing", "江津区高层次人才安家补助实施办法（示例）", "江津府办发〔2024〕示例11号",
     "全职引进到区内企业工作的硕士以上人才，到岗两年内可申请安家补助，按人才层次或学历确定金额，分三年发放。"),
    ("incentive", "江津区人才岗位激励实施办法（示例）", "江津府办发〔2024〕示例12号",
     "入选各层次人才计划、全职在区内企业工作的人才，按层次给予岗位激励，连续四年按年度发放。"),
    ("family", "江津区人才家属安置及津贴办法（示例）", "江津府办发〔2024〕示例13号",
     "全职引进的博士人才到岗一年内，一次性发放家属津贴，并协助解决配偶就业和子女入学。"),
    ("startup", "江津区人才创新创业扶持办法（示例）", "江津府办发〔2024〕示例14号",
     "领军人才在区内创办或领办企业，按人才层次给予创业扶持资金，分两期拨付。"),
    ("youth", "江津区青年人才集聚若干措施（示例）", "江津府办发〔2024〕示例15号",
     "35周岁以下、全职在区内企业工作的硕士、博士，到岗三年内按学历给予生活补贴，分两年发放。"),
    ("flexible", "江津区柔性引才用才办法（示例）", "江津府办发〔2024〕示例16号",
     "以项目合作、技术顾问等方式柔性引进的省级以上领军人才，给予一次性柔性引才补助。"),
    ("vice_president", "江津区“科技副总”选聘管理办法（示例）", "江津府办发〔2024〕示例17号",
     "从高校院所选聘专家到企业担任科技副总，明确任务书、考核和服务期。"),
    ("apartment", "江津区人才住房保障办法（示例）", "江津府办发〔2024〕示例18号",
     "人才公寓优先配租，未入住人才公寓的青年人才可申请租房补贴。"),
    ("schooling", "江津区人才子女入学保障办法（示例）", "江津府办发〔2024〕示例19号",
     "由科技创新人才服务港统筹协调人才子女就近入学、转学。"),
    ("medical", "江津区人才医疗保健服务办法（示例）", "江津府办发〔2024〕示例20号",
     "高层次人才享受定点医院绿色通道、年度健康体检等医疗保健服务。"),
)  # fmt: skip
RULES = (
    ("江津区人才发展专项资金管理办法（示例）", "江津财发〔2024〕示例3号",
     "专项资金按年度预算管理，申报经审核通过后列入承诺，按期拨付，不得超预算。"),
    ("江津区人才政策“免申即享”工作规程（示例）", "江津组通〔2024〕示例5号",
     "人才到岗后，系统自动比对政策条件，生成待确认的申报，由引才专员核实后提交。"),
    ("江津区人才服务“一件事一次办”实施细则（示例）", "江津组通〔2024〕示例6号",
     "子女入学、配偶就业、住房保障等服务事项一窗受理、限时办结。"),
)  # fmt: skip

DEGREES_MASTER_UP = {"type": "min_degree", "degree": "MASTER"}
FULL_TIME_HERE = {"type": "employed_in_district", "full_time": True}
NOT_GRANTED = {"type": "not_already_granted"}

# (policy key, name, kind, description, criteria, amount rule, installments)
BENEFITS = (
    (
        "housing",
        "高层次人才安家补助",
        BenefitKind.HOUSING_SUBSIDY,
        "顶尖人才200万元、国家级领军人才100万元、省级领军人才50万元、市级领军人才30万元；"
        "其他博士30万元、硕士5万元。分三年按50%、25%、25%发放。",
        [DEGREES_MASTER_UP, FULL_TIME_HERE, {"type": "onboarded_within_months", "months": 24}, NOT_GRANTED],
        {
            "type": "by_tier_degree",
            "by_tier": {"A": "2000000", "B": "1000000", "C": "500000", "D": "300000"},
            "by_degree": {"DOCTOR": "300000", "MASTER": "50000"},
        },
        ["0.5", "0.25", "0.25"],
    ),
    (
        "incentive",
        "人才岗位激励",
        BenefitKind.POSITION_INCENTIVE,
        "按人才层次每年发放：顶尖人才30万元、国家级领军20万元、省级领军10万元、市级领军5万元、"
        "高级人才2万元，连续发放四年。到岗一年内申请。",
        [
            {"type": "tier_in", "tiers": ["A", "B", "C", "D", "E"]},
            FULL_TIME_HERE,
            {"type": "onboarded_within_months", "months": 12},
            NOT_GRANTED,
        ],
        {
            "type": "by_tier_degree",
            "by_tier": {"A": "1200000", "B": "800000", "C": "400000", "D": "200000", "E": "80000"},
            "by_degree": {},
        },
        ["0.25", "0.25", "0.25", "0.25"],
    ),
    (
        "family",
        "人才家属津贴",
        BenefitKind.FAMILY_ALLOWANCE,
        "全职引进的博士人才，到岗一年内一次性发放家属津贴2万元。",
        [
            {"type": "min_degree", "degree": "DOCTOR"},
            FULL_TIME_HERE,
            {"type": "onboarded_within_months", "months": 12},
            NOT_GRANTED,
        ],
        {"type": "fixed", "amount": "20000"},
        [],
    ),
    (
        "startup",
        "领军人才创业扶持",
        BenefitKind.STARTUP_SUPPORT,
        "50周岁以下的市级以上领军人才在区内企业创业，顶尖人才300万元、国家级领军200万元、"
        "省级领军100万元、市级领军50万元，分两期拨付。",
        [
            {"type": "tier_in", "tiers": ["A", "B", "C", "D"]},
            {"type": "max_age", "years": 50},
            {"type": "employed_in_district", "full_time": False},
            NOT_GRANTED,
        ],
        {
            "type": "by_tier_degree",
            "by_tier": {"A": "3000000", "B": "2000000", "C": "1000000", "D": "500000"},
            "by_degree": {},
        },
        ["0.5", "0.5"],
    ),
    (
        "youth",
        "青年人才生活补贴",
        BenefitKind.OTHER,
        "35周岁以下、全职在区内企业工作的博士每人6万元、硕士每人3.6万元，到岗三年内申请，分两年发放。",
        [
            DEGREES_MASTER_UP,
            {"type": "max_age", "years": 35},
            FULL_TIME_HERE,
            {"type": "onboarded_within_months", "months": 36},
            NOT_GRANTED,
        ],
        {"type": "by_tier_degree", "by_tier": {}, "by_degree": {"DOCTOR": "60000", "MASTER": "36000"}},
        ["0.5", "0.5"],
    ),
    (
        "flexible",
        "柔性引才补助",
        BenefitKind.OTHER,
        "柔性引进的省级以上领军人才，到岗三年内一次性补助10万元。",
        [
            {"type": "tier_in", "tiers": ["A", "B", "C"]},
            {"type": "onboarded_within_months", "months": 36},
            NOT_GRANTED,
        ],
        {"type": "fixed", "amount": "100000"},
        [],
    ),
    (
        "apartment",
        "青年人才租房补贴",
        BenefitKind.HOUSING_SUBSIDY,
        "未入住人才公寓、35周岁以下的全职本科以上人才，到岗三年内每人1.8万元，分两年发放。",
        [
            {"type": "min_degree", "degree": "BACHELOR"},
            {"type": "max_age", "years": 35},
            FULL_TIME_HERE,
            {"type": "onboarded_within_months", "months": 36},
        ],
        {"type": "fixed", "amount": "18000"},
        ["0.5", "0.5"],
    ),
)

OPINIONS = (
    "材料齐全，符合条件，同意。",
    "经核实劳动合同和社保缴纳记录，同意。",
    "符合政策规定，拟同意兑现。",
)
RETURN_OPINIONS = (
    "请补充劳动合同复印件。",
    "社保缴纳证明不完整，请补充近三个月记录。",
    "学历认证报告缺失，请补充。",
)
REJECT_OPINIONS = (
    "经核实，未与区内企业签订全职劳动合同，不予支持。",
    "已在其他区县享受同类补贴，不予重复支持。",
)
WITHDRAW_NOTES = ("人才本人申请撤回，拟调离江津。", "企业主体变更，人才申请撤回后重新申报。")

# (kind, descriptions, resolutions)
SERVICES = (
    (
        ServiceKind.SCHOOLING,
        (
            "子女（小学三年级）申请就近入读区内公办小学，需协调学位。",
            "子女（初一）由外地转学，需协调转入区内初中。",
            "子女（幼儿园中班）申请入读公办幼儿园。",
        ),
        ("已协调几江实验小学学位，秋季学期入学。", "已办理转学手续，子女已入读区内初中。"),
    ),
    (
        ServiceKind.SPOUSE_EMPLOYMENT,
        (
            "配偶原为三甲医院护士，希望在区内医疗机构就业。",
            "配偶为中学教师，希望调入区内学校。",
            "配偶从事财务工作，希望推荐区内企业岗位。",
        ),
        ("已推荐至区中心医院，配偶已签订劳动合同。", "已协调区教委，配偶已调入区内中学任教。"),
    ),
    (
        ServiceKind.HOUSING,
        ("申请入住人才公寓（两居室），需协调房源。", "申请人才公寓续租一年。"),
        ("已配租双福人才公寓两居室一套，已入住。", "已办理续租手续。"),
    ),
    (
        ServiceKind.MEDICAL,
        ("申请办理高层次人才医疗绿色通道。",),
        ("已办理医疗绿色通道卡。",),
    ),
)
CANCEL_REASONS = ("人才已自行解决，申请撤销。", "人才调离江津，事项终止。")


@dataclass
class _Dated:
    """What the services stamped "now" and the story dates instead: one moment per stage change and
    per fund movement, in the order the services wrote them."""

    changes: list[datetime.datetime] = field(default_factory=list)
    movements: list[datetime.datetime] = field(default_factory=list)
    submitted: datetime.datetime | None = None
    decided: datetime.datetime | None = None


class _Seeder:
    def __init__(self):
        self.rng = random.Random(2024)
        self.now = timezone.now()
        self.today = timezone.localdate()
        users = {user.username: user for user in User.objects.filter(username__in=OFFICERS)}
        self.officers = [users[name] for name in OFFICERS if name in users]
        self.by_pk = {officer.pk: officer for officer in self.officers}
        self.reference = Reference.load()
        self.dated: dict[int, _Dated] = {}
        self.service_dates: dict[int, tuple[list[datetime.datetime], datetime.date | None]] = {}

    def moment(self, day: datetime.date, after: datetime.datetime | None = None) -> datetime.datetime:
        """A time in office hours on ``day``, later than ``after`` (the record's step before, which may be
        the same day), never in the future."""
        minutes = self.rng.randrange(8 * 60 + 30, 17 * 60 + 30)
        moment = timezone.make_aware(
            datetime.datetime.combine(day, datetime.time(minutes // 60, minutes % 60))
        )
        if after is not None and moment <= after:
            moment = after + datetime.timedelta(minutes=self.rng.randint(5, 30))
        moment = min(moment, self.now - datetime.timedelta(minutes=self.rng.randint(1, 4)))
        return moment if after is None else max(moment, after)

    def reviewer(self, owner: User | None) -> User:
        others = [officer for officer in self.officers if officer != owner] or self.officers
        return self.rng.choice(others)

    # --- policies and funds ----------------------------------------------------------------------

    def funds(self) -> dict[int, Fund]:
        talent_funds = {}
        for index, year in enumerate(range(IN_FORCE_FROM.year, max(self.today.year, IN_FORCE_FROM.year) + 1)):
            talent_funds[year] = self._fund(
                TALENT_FUND,
                year,
                Decimal(100_000_000 + 20_000_000 * index),
                f"{year}年度江津区人才发展专项资金（演示数据），用于“1+10+N”人才政策兑现。",
            )
        self._fund(
            HIGH_QUALITY_FUND,
            IN_FORCE_FROM.year,
            HIGH_QUALITY_FUND_BUDGET,
            "激励产业高质量发展的专项资金（演示数据）。",
        )
        self._fund(
            INDUSTRY_FUND,
            IN_FORCE_FROM.year,
            INDUSTRY_FUND_BUDGET,
            "投向数字经济等战略性新兴产业的产业投资基金（演示数据）。",
        )
        return talent_funds

    def _fund(self, name: str, year: int, budget: Decimal, description: str) -> Fund:
        existing = Fund.objects.filter(name=name, year=year).first()
        if existing is not None:
            return existing
        return fund_create(name=name, year=year, budget=budget, description=description, by=None)

    def policies(self, fund: Fund) -> list[Benefit]:
        """The policy system 3.0 with its benefits (drawing on ``fund``), version 2.0 and a draft rule."""
        common = {
            "version": VERSION,
            "effective_from": IN_FORCE_FROM,
            "status": PolicyStatus.ACTIVE,
            "is_demo": True,
        }
        policy_create(by=None, series=PolicySeries.CORE, **CORE, **common)
        special = {}
        for key, title, number, summary in SPECIAL:
            special[key] = policy_create(
                by=None,
                series=PolicySeries.SPECIAL,
                title=title,
                document_number=number,
                summary=summary,
                **common,
            )
        for title, number, summary in RULES:
            policy_create(
                by=None,
                series=PolicySeries.RULES,
                title=title,
                document_number=number,
                summary=summary,
                **common,
            )
        policy_create(
            by=None,
            series=PolicySeries.CORE,
            title="关于加快集聚创新创业人才的若干政策（2.0版）（示例）",
            document_number="江津府发〔2021〕示例2号",
            version="2.0",
            effective_from=datetime.date(2021, 1, 1),
            effective_to=IN_FORCE_FROM - datetime.timedelta(days=1),
            status=PolicyStatus.EXPIRED,
            summary="“1+10+N”人才政策体系2.0版，已由3.0版替代（演示数据）。",
            is_demo=True,
        )
        policy_create(
            by=None,
            series=PolicySeries.RULES,
            title="江津区人才政策兑现“川渝通办”工作细则（征求意见稿）（示例）",
            document_number="",
            version=VERSION,
            effective_from=datetime.date(self.today.year + 1, 1, 1),
            status=PolicyStatus.DRAFT,
            summary="川渝两地人才政策兑现互认、异地办理的工作细则，正在征求意见（演示数据）。",
            is_demo=True,
        )
        benefits = []
        for order, (key, name, kind, description, criteria, amount_rule, installments) in enumerate(BENEFITS):
            benefits.append(
                benefit_save(
                    by=None,
                    policy=special[key],
                    name=name,
                    kind=kind,
                    description=description,
                    criteria=criteria,
                    amount_rule=amount_rule,
                    installments=installments,
                    fund=fund,
                    sort_order=(order + 1) * 10,
                )
            )
        return benefits

    # --- applications --------------------------------------------------------------------------------

    def onboarded(self) -> list[dict]:
        """The onboarded talents with an owner officer and the facts eligibility reads, in one query."""
        return list(
            Talent.objects.filter(stage=Stage.ONBOARDED, owner_id__in=self.by_pk, anonymised_at__isnull=True)
            .exclude(onboarded_on__isnull=True)
            .order_by("pk")
            .values(
                "pk",
                "owner_id",
                "onboarded_on",
                "birth_year",
                "mode",
                "employer_enterprise_id",
                "highest_degree__code",
                "tier__code",
            )
        )

    def story(
        self, talents: list[dict], benefits: list[Benefit]
    ) -> list[tuple[dict, Benefit, datetime.date]]:
        """(talent, benefit, date applied) for a sample of the pairs that qualify on the date applied:
        a few weeks after onboarding, once the policy system is in force. Judged here in memory, so
        picking costs no queries; the services judge again when they create the applications."""
        pairs = []
        for row in talents:
            applied = min(self.today, row["onboarded_on"] + datetime.timedelta(days=self.rng.randint(7, 45)))
            if applied < IN_FORCE_FROM:
                continue
            facts = Attributes(
                degree=row["highest_degree__code"],
                tier=row["tier__code"],
                birth_year=row["birth_year"],
                employed_in_district=row["employer_enterprise_id"] is not None,
                full_time=row["mode"] == Mode.FULL_TIME,
                onboarded_on=row["onboarded_on"],
            )
            for result in evaluate(facts, on=applied, benefits=benefits, reference=self.reference):
                if result.eligible:
                    pairs.append((row, result.benefit, applied))
        # The years take turns, so every year's talent fund has its share; within a year the talents
        # with a tier (the prize catches) come first.
        by_year: dict[int, list] = {}
        for pair in pairs:
            by_year.setdefault(pair[2].year, []).append(pair)
        queues = []
        for year in sorted(by_year):
            tiered = [pair for pair in by_year[year] if pair[0]["tier__code"]]
            others = [pair for pair in by_year[year] if not pair[0]["tier__code"]]
            self.rng.shuffle(tiered)
            self.rng.shuffle(others)
            queues.append(tiered + others)
        chosen = []
        for turn in range(max(map(len, queues), default=0)):
            chosen.extend(queue[turn] for queue in queues if turn < len(queue))
        chosen = chosen[:STORY_APPLICATIONS]
        return sorted(chosen, key=lambda pair: (pair[2], pair[0]["pk"], pair[1].pk))

    def targets(self, chosen: list) -> list[str]:
        """Where each application of the story (oldest first) ends up. The last ones — those made in the
        last two months, at least ten — are still in the queues: drafts, returned for correction,
        submitted, most under review (the bulk approval's work). The newest of the others is approved
        and not yet paid; of the rest a few are returned once on the way, rejected or withdrawn, and the
        others approved and paid as their dates allow."""
        count = len(chosen)
        recent = sum(1 for _row, _benefit, applied in chosen if (self.today - applied).days <= 60)
        queued = min(count, max(10, recent))
        older = count - queued
        queue_cycle = ("under_review", "submitted", "returned", "under_review", "draft", "under_review")
        targets = ["normal"] * older + [queue_cycle[index % len(queue_cycle)] for index in range(queued)]
        if older:
            targets[older - 1] = "approved"
        special = ["rejected", "withdrawn", "returned_then_approved"]
        slots = list(range(older - 1))
        self.rng.shuffle(slots)
        for index, slot in enumerate(slots[: max(len(special), older // 8)]):
            targets[slot] = special[index % len(special)]
        return targets

    def walk(self, talent: Talent, benefit: Benefit, applied: datetime.date, target: str) -> None:
        """Create the application on ``applied`` and move it towards ``target`` through the workflow,
        each step some days after the one before. An application still in the queues takes its steps
        by today at the latest; any other stops where the next step's date would be after today."""
        rng = self.rng
        owner = self.by_pk[talent.owner_id]
        queued = target in QUEUED
        automatic = applied.year >= 2025 and rng.random() < 0.5
        try:
            application = application_create(
                talent=talent, benefit=benefit, by=owner, on=applied, automatic=automatic
            )
        except ValidationError:
            return  # the stored facts say otherwise than the sample: leave this one out
        dated = self.dated[application.pk] = _Dated(changes=[self.moment(applied)])
        day = applied

        def later(low: int, high: int) -> bool:
            nonlocal day
            following = day + datetime.timedelta(days=rng.randint(low, high))
            if following > self.today:
                if not queued:
                    return False
                following = self.today
            day = following
            return True

        def record(moment_list: list | None = None) -> datetime.datetime:
            moment = self.moment(day, after=dated.changes[-1])
            dated.changes.append(moment)
            if moment_list is not None:
                moment_list.append(moment)
            return moment

        def submit() -> bool:
            nonlocal application
            if not later(1, 5):
                return False
            try:
                application = application_submit(application=application, by=owner, on=day)
            except ValidationError:
                return False  # no longer qualifies on this date (a birthday in between): stays a draft
            dated.submitted = record()
            return True

        def review(reviewer: User) -> bool:
            nonlocal application
            if not later(1, 6):
                return False
            application = application_review_start(application=application, by=reviewer)
            record()
            return True

        if target == "draft" or not submit() or target == "submitted":
            return
        reviewer = self.reviewer(owner)
        if not review(reviewer) or target == "under_review":
            return
        if target in ("returned", "returned_then_approved"):
            if not later(1, 5):
                return
            application = application_return(
                application=application, by=reviewer, opinion=rng.choice(RETURN_OPINIONS)
            )
            record()
            if target == "returned" or not submit() or not review(reviewer):
                return
        if not later(5, 20):
            return
        if target == "rejected":
            application_reject(application=application, by=reviewer, opinion=rng.choice(REJECT_OPINIONS))
            dated.decided = record()
            return
        try:
            application = application_approve(
                application=application, by=reviewer, opinion=rng.choice(OPINIONS)
            )
        except (FundExhausted, ValidationError):
            return  # stays in the review queue
        dated.decided = record(dated.movements)
        if target == "withdrawn":
            if later(3, 15):
                application_withdraw(application=application, by=owner, note=rng.choice(WITHDRAW_NOTES))
                record(dated.movements)
            return
        if target == "approved" or not later(10, 30):
            return
        # The installments: the first a few weeks after approval, then one a year.
        first = day
        for number in range(len(application.installment_amounts)):
            day = first + datetime.timedelta(days=365 * number)
            if day > self.today:
                break
            application = application_disburse(application=application, by=reviewer)
            record(dated.movements)

    def applications(self, talents: list[dict], benefits: list[Benefit], funds: dict[int, Fund]) -> set[int]:
        """The story's applications, oldest first. Each year's are made while the benefits draw on that
        year's talent fund (an administrator moves them when the new budget line opens); the queue is
        made last, on this year's fund, so the bulk approval can commit against an open fund. Returns
        the pks of the talents in the story."""
        chosen = self.story(talents, benefits)
        targets = self.targets(chosen)
        people = Talent.objects.in_bulk({row["pk"] for row, _benefit, _applied in chosen})
        queue_from = next((index for index, target in enumerate(targets) if target in QUEUED), len(chosen))
        for index, ((row, benefit, applied), target) in enumerate(zip(chosen, targets, strict=True)):
            year = self.today.year if index >= queue_from else applied.year
            self.draw_on(benefits, funds.get(year) or funds[max(funds)])
            self.walk(people[row["pk"]], benefit, applied, target)
        self.draw_on(benefits, funds[max(funds)])
        return set(people)

    def draw_on(self, benefits: list[Benefit], fund: Fund) -> None:
        for benefit in benefits:
            if benefit.fund_id != fund.pk:
                benefit_save(benefit=benefit, by=None, fund=fund)

    def ensure_paid(self) -> None:
        """At least one application fully paid (the story's dates may leave every one mid-way with a
        small number of talents): the oldest approved one gets the rest of its money now."""
        if PolicyApplication.objects.filter(state=ApplicationState.DISBURSED).exists():
            return
        application = (
            PolicyApplication.objects.filter(state=ApplicationState.APPROVED, pk__in=self.dated)
            .order_by("decided_at", "pk")
            .first()
        )
        if application is None:
            return
        dated = self.dated[application.pk]
        application_disburse(
            application=application, by=self.reviewer(None), amount=application_money(application).committed
        )
        moment = self.moment(self.today, after=dated.changes[-1])
        dated.changes.append(moment)
        dated.movements.append(moment)

    def proposals(self, talents: list[dict], story: set[int]) -> int:
        """免申即享: what the latest arrivals (onboarded in the last months, not in the story) qualified
        for on the day of onboarding, proposed as drafts for the owner officer to confirm."""
        since = self.today - datetime.timedelta(days=PROPOSAL_DAYS)
        latest = sorted(
            (row for row in talents if row["onboarded_on"] >= since and row["pk"] not in story),
            key=lambda row: (row["onboarded_on"], row["pk"]),
            reverse=True,
        )[:PROPOSAL_TALENTS]
        arrivals = {row["pk"]: row["onboarded_on"] for row in latest}
        made = 0
        for talent in Talent.objects.filter(pk__in=arrivals).order_by("pk"):
            onboarded_on = arrivals[talent.pk]
            for application in benefits_propose(talent=talent, on=onboarded_on):
                self.dated[application.pk] = _Dated(changes=[self.moment(onboarded_on)])
                made += 1
        return made

    def close_past_funds(self, funds: dict[int, Fund]) -> None:
        for year, fund in funds.items():
            if year < self.today.year:
                fund_update(fund=fund, by=None, is_active=False)

    # --- service requests ------------------------------------------------------------------------

    def service_requests(self, talents: list[dict]) -> int:
        """Requests of the most recently onboarded talents, each made after its talent arrived, in
        turn: resolved before its due date, overdue (open or in progress past it), open or in progress
        on time, cancelled. A talent who arrived in the last three weeks has only an open one."""
        rng = self.rng
        recent = sorted(talents, key=lambda row: (row["onboarded_on"], row["pk"]), reverse=True)[
            :SERVICE_REQUESTS
        ]
        people = Talent.objects.in_bulk([row["pk"] for row in recent])
        outcomes = ("resolved", "overdue", "open", "resolved", "in_progress", "overdue", "cancelled")
        for index, row in enumerate(recent):
            kind, descriptions, resolutions = SERVICES[index % len(SERVICES)]
            owner = self.by_pk[row["owner_id"]]
            here_for = (self.today - row["onboarded_on"]).days
            outcome = outcomes[index % len(outcomes)] if here_for > 21 else "open"
            if outcome in ("resolved", "overdue", "cancelled"):
                made_on = self.today - datetime.timedelta(days=rng.randint(21, min(here_for, 90)))
                due_on = made_on + datetime.timedelta(days=rng.randint(7, 20))
            else:
                made_on = self.today - datetime.timedelta(days=rng.randint(0, min(here_for, 10)))
                due_on = self.today + datetime.timedelta(days=rng.randint(3, 30))
            request = service_request_create(
                talent=people[row["pk"]],
                kind=kind,
                description=rng.choice(descriptions),
                owner=owner,
                by=owner,
            )
            moments = [self.moment(made_on)]
            if outcome in ("resolved", "in_progress") or (outcome == "overdue" and index % 2):
                request = service_request_start(service_request=request, by=owner, note="已对接相关部门办理")
                moments.append(
                    self.moment(min(made_on + datetime.timedelta(days=2), self.today), after=moments[-1])
                )
            if outcome == "resolved":
                service_request_resolve(service_request=request, by=owner, resolution=rng.choice(resolutions))
                moments.append(
                    self.moment(due_on - datetime.timedelta(days=rng.randint(0, 5)), after=moments[-1])
                )
            elif outcome == "cancelled":
                service_request_cancel(service_request=request, by=owner, reason=rng.choice(CANCEL_REASONS))
                moments.append(self.moment(made_on + datetime.timedelta(days=3), after=moments[-1]))
            self.service_dates[request.pk] = (moments, due_on)
        return len(recent)

    # --- dating ----------------------------------------------------------------------------------

    def backdate(self) -> None:
        """Move the times the services stamped "now" to the story's dates."""
        applications = list(
            PolicyApplication.objects.filter(pk__in=self.dated).only(
                "pk", "created_at", "updated_at", "submitted_at", "decided_at"
            )
        )
        for application in applications:
            dated = self.dated[application.pk]
            application.created_at = dated.changes[0]
            application.updated_at = dated.changes[-1]
            application.submitted_at = dated.submitted
            application.decided_at = dated.decided
        PolicyApplication.objects.bulk_update(
            applications, ["created_at", "updated_at", "submitted_at", "decided_at"], batch_size=500
        )
        self._date_changes(PolicyApplication, {pk: dated.changes for pk, dated in self.dated.items()})
        movements = list(
            FundMovement.objects.filter(application_id__in=self.dated)
            .order_by("application_id", "id")
            .only("pk", "application_id", "at")
        )
        position: dict[int, int] = {}
        for movement in movements:
            index = position.get(movement.application_id, 0)
            position[movement.application_id] = index + 1
            moments = self.dated[movement.application_id].movements
            movement.at = moments[min(index, len(moments) - 1)]
        FundMovement.objects.bulk_update(movements, ["at"], batch_size=500)

        requests = list(
            ServiceRequest.objects.filter(pk__in=self.service_dates).only(
                "pk", "state", "created_at", "updated_at", "due_on", "resolved_at"
            )
        )
        for request in requests:
            moments, due_on = self.service_dates[request.pk]
            request.created_at, request.updated_at, request.due_on = moments[0], moments[-1], due_on
            if request.resolved_at is not None:
                request.resolved_at = moments[-1]
        ServiceRequest.objects.bulk_update(
            requests, ["created_at", "updated_at", "due_on", "resolved_at"], batch_size=500
        )
        self._date_changes(
            ServiceRequest, {pk: moments for pk, (moments, _due) in self.service_dates.items()}
        )

    def _date_changes(self, model, timeline: dict[int, list[datetime.datetime]]) -> None:
        changes = list(
            StageChange.objects.filter(
                content_type=ContentType.objects.get_for_model(model), object_id__in=timeline
            )
            .order_by("object_id", "id")
            .only("pk", "object_id", "changed_at")
        )
        position: dict[int, int] = {}
        for change in changes:
            index = position.get(change.object_id, 0)
            position[change.object_id] = index + 1
            moments = timeline[change.object_id]
            change.changed_at = moments[min(index, len(moments) - 1)]
        StageChange.objects.bulk_update(changes, ["changed_at"], batch_size=500)


def seed() -> str:
    if Policy.objects.filter(is_demo=True).exists():
        return "0 policies (already seeded)"
    seeder = _Seeder()
    if not seeder.officers:
        return "0 policies (no demo officers)"
    funds = seeder.funds()
    benefits = seeder.policies(funds[min(funds)])
    talents = seeder.onboarded()
    story = seeder.applications(talents, benefits, funds)
    seeder.ensure_paid()
    proposed = seeder.proposals(talents, story)
    requests = seeder.service_requests(talents)
    seeder.close_past_funds(funds)
    seeder.backdate()
    states = dict.fromkeys(ApplicationState.values, 0)
    for state in PolicyApplication.objects.values_list("state", flat=True):
        states[state] += 1
    return (
        f"{Policy.objects.filter(is_demo=True).count()} policies with {len(benefits)} benefits, "
        f"{len(funds) + 2} funds, {sum(states.values())} applications "
        f"({', '.join(f'{count} {state}' for state, count in states.items())}; {proposed} proposed), "
        f"{requests} service requests"
    )
