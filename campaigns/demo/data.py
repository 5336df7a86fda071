"""The tables of the campaigns demo: universities and agreements, the campaigns with the funnel
each must show, promotion trips, host enterprises and the 科技副总 batches."""

import datetime
from decimal import Decimal
from typing import NamedTuple

from campaigns.models import Grade, Kind, University

Date = datetime.date

# The 2024 spring season as the report gives it; signed and onboarded are the demo's own.
REPORTED_SEASON = "2024-spring"
REPORTED = {"consulted": 5736, "intents": 324, "masters": 180, "signed": 41, "onboarded": 35}
PLACEMENTS = 65

# name, city, kind
UNIVERSITIES = (
    ("南开大学", "天津", University.Kind.DOUBLE_FIRST_CLASS),
    ("天津大学", "天津", University.Kind.DOUBLE_FIRST_CLASS),
    ("北京理工大学", "北京", University.Kind.DOUBLE_FIRST_CLASS),
    ("重庆大学", "重庆", University.Kind.DOUBLE_FIRST_CLASS),
    ("清华大学深圳国际研究生院", "深圳", University.Kind.DOUBLE_FIRST_CLASS),
    ("电子科技大学", "成都", University.Kind.DOUBLE_FIRST_CLASS),
    ("四川大学", "成都", University.Kind.DOUBLE_FIRST_CLASS),
    ("西南交通大学", "成都", University.Kind.DOUBLE_FIRST_CLASS),
    ("西南大学", "重庆", University.Kind.DOUBLE_FIRST_CLASS),
    ("西安交通大学", "西安", University.Kind.DOUBLE_FIRST_CLASS),
    ("哈尔滨工业大学", "哈尔滨", University.Kind.DOUBLE_FIRST_CLASS),
    ("重庆邮电大学", "重庆", University.Kind.UNIVERSITY),
    ("重庆交通大学", "重庆", University.Kind.UNIVERSITY),
    ("重庆理工大学", "重庆", University.Kind.UNIVERSITY),
    ("中国科学院重庆绿色智能技术研究院", "重庆", University.Kind.INSTITUTE),
    ("重庆工程职业技术学院", "重庆", University.Kind.VOCATIONAL),
)
CITY = {name: city for name, city, _kind in UNIVERSITIES}
# university, title, signed on, valid from, valid until, scope
PARTNERSHIPS = (
    (
        "重庆大学",
        "江津区人民政府—重庆大学全面战略合作协议",
        Date(2019, 11, 8),
        None,
        Date(2023, 11, 7),
        "共建重庆大学江津产业技术研究院；毕业生就业实习基地；科技副总选派。",
    ),
    (
        "重庆大学",
        "江津区人民政府—重庆大学全面战略合作协议（续签）",
        Date(2023, 11, 16),
        None,
        Date(2028, 11, 15),
        "产学研合作与科技成果转化；科技副总选派；联合实验室；每年春秋两季专场招聘会。",
    ),
    (
        "清华大学深圳国际研究生院",
        "江津区—清华大学深圳国际研究生院战略合作协议",
        Date(2023, 6, 9),
        None,
        Date(2028, 6, 8),
        "共建技术转移中心，围绕先进材料、智能制造开展成果转化和研究生联合培养。",
    ),
    (
        "中国科学院重庆绿色智能技术研究院",
        "江津区—中国科学院重庆绿色智能技术研究院科技合作框架协议",
        Date(2021, 4, 20),
        None,
        Date(2024, 4, 19),
        "智能制造与新材料领域联合攻关；专家服务企业。",
    ),
    (
        "西南大学",
        "江津区—西南大学校地合作协议",
        Date(2022, 9, 15),
        None,
        None,
        "食品科学、现代农业与消费品产业人才培养和技术服务。",
    ),
)


class Plan(NamedTuple):
    kind: str
    title: str
    starts_on: Date
    days: int
    officer: str
    university: str = ""
    place: str = ""
    leader: str = ""
    # consulted, intents, master's or above among them, signed, onboarded later
    figures: tuple[int, int, int, int, int] = (0, 0, 0, 0, 0)
    description: str = ""


def scaled(plan: Plan, factor: float) -> Plan:
    """The plan with its funnel scaled to a demo ``factor`` times the default size (the default, 1.0,
    keeps the report's figures exactly); each step stays within the one before it."""
    if factor == 1:
        return plan
    consulted, intents, masters, signed, onboarded = plan.figures
    consulted = round(consulted * factor)
    intents = min(consulted, round(intents * factor))
    masters = min(intents, round(masters * factor))
    signed = min(intents, round(signed * factor))
    onboarded = min(signed, round(onboarded * factor))
    return plan._replace(figures=(consulted, intents, masters, signed, onboarded))


VISIT = Kind.UNIVERSITY_VISIT
SPRING_2024 = (
    Plan(
        VISIT,
        "2024年春季南开大学专场招聘会",
        Date(2024, 3, 19),
        2,
        "officer_sf",
        "南开大学",
        "南开大学八里台校区学生就业指导中心",
        "区委常委、组织部部长",
        (1468, 86, 50, 11, 9),
    ),
    Plan(
        VISIT,
        "2024年春季天津大学专场招聘会",
        Date(2024, 3, 21),
        1,
        "officer_sf",
        "天津大学",
        "天津大学卫津路校区大学生活动中心",
        "区委常委、组织部部长",
        (706, 38, 22, 4, 3),
    ),
    Plan(
        VISIT,
        "2024年春季北京理工大学专场招聘会",
        Date(2024, 3, 26),
        2,
        "officer_dg",
        "北京理工大学",
        "北京理工大学良乡校区体育馆",
        "区政府副区长",
        (1312, 78, 47, 10, 9),
    ),
    Plan(
        VISIT,
        "2024年春季重庆大学专场招聘会",
        Date(2024, 4, 9),
        2,
        "officer_lh",
        "重庆大学",
        "重庆大学虎溪校区风雨操场",
        "区委常委、组织部部长",
        (1104, 64, 33, 9, 8),
    ),
    Plan(
        VISIT,
        "2024年春季电子科技大学专场招聘会",
        Date(2024, 4, 16),
        1,
        "officer_bs",
        "电子科技大学",
        "电子科技大学清水河校区",
        "区人力社保局局长",
        (648, 34, 18, 4, 3),
    ),
    Plan(
        VISIT,
        "2024年春季西南大学专场招聘会",
        Date(2024, 4, 23),
        1,
        "officer_bs",
        "西南大学",
        "西南大学北碚校区",
        "区人力社保局局长",
        (498, 24, 10, 3, 3),
    ),
)
LATER_VISITS = (
    Plan(
        VISIT,
        "2024年秋季重庆大学专场招聘会",
        Date(2024, 10, 15),
        2,
        "officer_lh",
        "重庆大学",
        "重庆大学A区体育馆",
        "区委常委、组织部部长",
        (300, 19, 11, 4, 3),
    ),
    Plan(
        VISIT,
        "2024年秋季重庆邮电大学专场招聘会",
        Date(2024, 11, 6),
        1,
        "officer_dg",
        "重庆邮电大学",
        "重庆邮电大学风雨操场",
        "区人力社保局局长",
        (180, 10, 4, 2, 2),
    ),
    Plan(
        Kind.TALENT_EVENT,
        "2024年津鹰人才荟",
        Date(2024, 11, 20),
        2,
        "officer_sf",
        "",
        "江津区科创人才服务港",
        "区委书记",
        (200, 34, 24, 6, 5),
        "面向海内外高层次人才的品牌引才活动：产业推介、政策发布、企业岗位洽谈。",
    ),
    Plan(
        VISIT,
        "2025年春季南开大学专场招聘会",
        Date(2025, 3, 18),
        1,
        "officer_sf",
        "南开大学",
        "南开大学津南校区",
        "区委常委、组织部部长",
        (320, 20, 13, 4, 3),
    ),
    Plan(
        VISIT,
        "2025年春季哈尔滨工业大学专场招聘会",
        Date(2025, 4, 8),
        1,
        "officer_dg",
        "哈尔滨工业大学",
        "哈尔滨工业大学一校区",
        "区政府副区长",
        (220, 13, 9, 2, 2),
    ),
    Plan(
        VISIT,
        "2025年秋季西安交通大学专场招聘会",
        Date(2025, 10, 21),
        1,
        "officer_lh",
        "西安交通大学",
        "西安交通大学创新港校区",
        "区人力社保局局长",
        (220, 13, 8, 2, 2),
    ),
)
# People met in 2024 spring at 南开大学 who come back to the 2025 visit, now master's students.
RETURNING = ("2024年春季南开大学专场招聘会", "2025年春季南开大学专场招聘会", 12)


class Trip(NamedTuple):
    title: str
    starts_on: Date
    days: int
    place: str
    leader: str
    # The projects met: signed within months after the trip, in these industries.
    industries: tuple[str, ...]
    target_projects: int
    target_investment: Decimal  # 万元
    headline: str = ""  # a project known to have come from the trip


HQ_PROJECT = "诺比侃人工智能机器视觉装备总部项目"
TRIPS = (
    Trip(
        "赴成都人工智能产业招商推介会",
        Date(2024, 1, 10),
        3,
        "成都",
        "区政府区长",
        ("DIGITAL",),
        3,
        Decimal("600000"),
        HQ_PROJECT,
    ),
    Trip(
        "粤港澳大湾区（深圳）新能源汽车及装备制造招商推介会",
        Date(2024, 2, 26),
        3,
        "深圳",
        "区委副书记",
        ("NEV", "EQUIPMENT", "PV"),
        5,
        Decimal("500000"),
    ),
    Trip(
        "长三角（上海·苏州）先进材料和消费品产业招商推介会",
        Date(2024, 4, 16),
        3,
        "上海、苏州",
        "区政府常务副区长",
        ("MATERIALS", "CONSUMER", "LOGISTICS"),
        5,
        Decimal("450000"),
    ),
)

# Degree code → weight, of the people who only consulted: students at a campus, mixed elsewhere.
DEGREE_MIX = {
    Kind.UNIVERSITY_VISIT: (("BACHELOR", 55), ("MASTER", 38), ("DOCTOR", 7)),
    Kind.JOB_FAIR: (("COLLEGE", 20), ("BACHELOR", 50), ("MASTER", 27), ("DOCTOR", 3)),
    Kind.TALENT_EVENT: (("BACHELOR", 25), ("MASTER", 50), ("DOCTOR", 25)),
}
# The share of students among the people met, by kind of campaign.
STUDENTS = {Kind.UNIVERSITY_VISIT: 1.0, Kind.JOB_FAIR: 0.6, Kind.TALENT_EVENT: 0.3}
INTENT_NOTES = (
    "有意向到双福工业园企业从事研发工作",
    "关注安家补助和岗位激励政策",
    "希望了解园区企业研发岗位",
    "已加入江津引才专员微信群",
    "计划近期来津实地考察",
)
LOST_AFTER_INTENT = (
    "已签约其他城市用人单位",
    "决定继续攻读博士学位",
    "考取选调生，不再考虑企业岗位",
    "薪酬期望与意向岗位不匹配",
    "家庭原因选择回生源地就业",
)
LOST_AFTER_SIGNING = ("毕业前违约，改签其他城市单位", "未按期取得学位，协议解除")

# Host enterprises besides the projects demo's: small technology firms of each park.
HOSTS = (
    ("重庆德感精密机械有限公司", "DG", "EQUIPMENT"),
    ("重庆德感电驱动系统有限公司", "DG", "NEV"),
    ("重庆德感汽车电子有限公司", "DG", "NEV"),
    ("重庆双福新材料科技有限公司", "SF", "MATERIALS"),
    ("重庆双福数控机床有限公司", "SF", "EQUIPMENT"),
    ("重庆双福智能电器有限公司", "SF", "CONSUMER"),
    ("重庆珞璜特钢有限公司", "LH", "MATERIALS"),
    ("重庆珞璜环保科技有限公司", "LH", "MATERIALS"),
    ("重庆白沙粮油食品有限公司", "BS", "CONSUMER"),
    ("重庆白沙酒业有限公司", "BS", "CONSUMER"),
    ("重庆团结湖软件有限公司", "TJH", "DIGITAL"),
    ("重庆枢纽港智慧物流有限公司", "SNG", "LOGISTICS"),
    ("重庆江津储能科技有限公司", "GF", "PV"),
    ("重庆江津氢能装备有限公司", "GF", "PV"),
)
# The officer of each park; the zones' talents go to a park officer too (the investment officer
# handles their projects, not talents).
PARK_OFFICER = {
    "DG": "officer_dg",
    "SF": "officer_sf",
    "LH": "officer_lh",
    "BS": "officer_bs",
    "SNG": "officer_dg",
    "TJH": "officer_sf",
    "GF": "officer_lh",
}
# industry → discipline codes and the fields an expert works on with the enterprise
INDUSTRY_WORK = {
    "NEV": (("0808", "0811"), ("电机驱动控制", "动力电池热管理", "汽车轻量化", "智能网联测试")),
    "EQUIPMENT": (("0802",), ("精密加工工艺", "工业机器人集成", "数控系统", "液压传动")),
    "MATERIALS": (("0805", "0817"), ("特种合金", "复合材料回收", "PVD镀膜", "先进陶瓷")),
    "CONSUMER": (("0832", "0817"), ("食品精深加工", "白酒酿造工艺", "智能家电控制")),
    "DIGITAL": (("0812", "0835"), ("机器视觉检测", "工业软件", "边缘计算", "工业互联网平台")),
    "LOGISTICS": (("0823",), ("多式联运调度", "冷链物流监测", "智慧仓储")),
    "PV": (("0808", "0702"), ("光伏组件封装", "储能系统集成", "氢能装备")),
}
# university → how many of the 65 experts come from it
EXPERT_UNIVERSITIES = (
    ("重庆大学", 16),
    ("西南大学", 8),
    ("重庆理工大学", 7),
    ("重庆交通大学", 6),
    ("重庆邮电大学", 5),
    ("清华大学深圳国际研究生院", 4),
    ("四川大学", 4),
    ("电子科技大学", 4),
    ("中国科学院重庆绿色智能技术研究院", 4),
    ("西南交通大学", 3),
    ("北京理工大学", 2),
    ("天津大学", 2),
)
# number, announced on, term starts, term months, placements, notes
BATCHES = (
    (1, Date(2022, 3, 18), Date(2022, 4, 1), 24, 18, "首批科技副总，选派高校院所专家到区内重点企业任职。"),
    (2, Date(2022, 11, 22), Date(2022, 12, 1), 24, 16, "第二批科技副总，聚焦装备制造和先进材料企业。"),
    (3, Date(2023, 8, 25), Date(2023, 9, 1), 36, 16, "第三批科技副总，任期延长为三年。"),
    (4, Date(2024, 5, 20), Date(2024, 6, 1), 36, 15, "第四批科技副总，覆盖四个工业园和三个产业园区。"),
)
GOALS = (
    "任期内：联合申请专利不少于2项；联合申报科研项目不少于1项；推动不少于1项科技成果在企业转化；"
    "为企业培养技术骨干3至5名。"
)
GRADES = ((Grade.EXCELLENT, 30), (Grade.GOOD, 50), (Grade.PASS, 17), (Grade.FAIL, 3))
EVALUATIONS = {
    Grade.EXCELLENT: "任务书目标全面完成，成果转化成效显著，企业评价很高。",
    Grade.GOOD: "较好完成任务书目标，为企业解决了多项技术难题。",
    Grade.PASS: "基本完成任务书目标，到企业服务时间偏少。",
    Grade.FAIL: "未完成任务书主要目标，企业评价一般。",
}
