"""The reference data every install starts with, frozen here as literals.

Rows are upserted by ``code``, so running this over data an administrator has since edited
restores the shipped names and orders but leaves ``is_active`` (and anything not listed) alone.
No historical rows are written: the models from ``apps`` carry no simple_history signals.
"""

from django.db import migrations

# (code, name, kind, description)
PARKS = (
    ("DG", "德感工业园", "park", "江津区四大工业园区之一，位于德感街道。"),
    ("SF", "双福工业园", "park", "江津区四大工业园区之一，位于双福街道。"),
    ("LH", "珞璜工业园", "park", "江津区四大工业园区之一，位于珞璜镇。"),
    ("BS", "白沙工业园", "park", "江津区四大工业园区之一，位于白沙镇。"),
    ("SNG", "重庆枢纽港产业园", "zone", "江津区依托港口、铁路等交通枢纽建设的产业园区。"),
    ("TJH", "团结湖数字经济产业园", "zone", "江津区以数字经济为主导产业的专业园区。"),
    ("GF", "千亿级光伏新能源产业园", "zone", "江津区以光伏新能源为主导产业的专业园区。"),
)

# (code, name, is_lead)
INDUSTRY_CHAINS = (
    ("NEV", "智能网联新能源汽车及零部件", True),
    ("CONSUMER", "消费品", True),
    ("MATERIALS", "先进材料", True),
    ("DIGITAL", "数字经济", False),
    ("PV", "光伏新能源", False),
    ("EQUIPMENT", "装备制造", False),
    ("LOGISTICS", "现代物流", False),
    ("BIOMED", "生物医药", False),
)

# 学科门类: category code -> name.
CATEGORIES = {
    "01": "哲学",
    "02": "经济学",
    "03": "法学",
    "04": "教育学",
    "05": "文学",
    "06": "历史学",
    "07": "理学",
    "08": "工学",
    "09": "农学",
    "10": "医学",
    "11": "军事学",
    "12": "管理学",
    "13": "艺术学",
    "14": "交叉学科",
}

# (code, name): the 117 一级学科 of 研究生教育学科专业目录（2022年）. Professional degree
# categories (third digit 5, such as 0854 电子信息) are not disciplines and are left out; so are
# 0834 风景园林学 and 1010 医学技术, which the 2022 catalogue turned into professional degrees
# (0862 风景园林, 1058 医学技术), and 1302-1305, merged into 1301 艺术学 (设计学 moved to 1403).
DISCIPLINES = (
    ("0101", "哲学"),
    ("0201", "理论经济学"),
    ("0202", "应用经济学"),
    ("0301", "法学"),
    ("0302", "政治学"),
    ("0303", "社会学"),
    ("0304", "民族学"),
    ("0305", "马克思主义理论"),
    ("0306", "公安学"),
    ("0307", "中共党史党建学"),
    ("0308", "纪检监察学"),
    ("0401", "教育学"),
    ("0402", "心理学"),
    ("0403", "体育学"),
    ("0501", "中国语言文学"),
    ("0502", "外国语言文学"),
    ("0503", "新闻传播学"),
    ("0601", "考古学"),
    ("0602", "中国史"),
    ("0603", "世界史"),
    ("0701", "数学"),
    ("0702", "物理学"),
    ("0703", "化学"),
    ("0704", "天文学"),
    ("0705", "地理学"),
    ("0706", "大气科学"),
    ("0707", "海洋科学"),
    ("0708", "地球物理学"),
    ("0709", "地质学"),
    ("0710", "生物学"),
    ("0711", "系统科学"),
    ("0712", "科学技术史"),
    ("0713", "生态学"),
    ("0714", "统计学"),
    ("0801", "力学"),
    ("0802", "机械工程"),
    ("0803", "光学工程"),
    ("0804", "仪器科学与技术"),
    ("0805", "材料科学与工程"),
    ("0806", "冶金工程"),
    ("0807", "动力工程及工程热物理"),
    ("0808", "电气工程"),
    ("0809", "电子科学与技术"),
    ("0810", "信息与通信工程"),
    ("0811", "控制科学与工程"),
    ("0812", "计算机科学与技术"),
    ("0813", "建筑学"),
    ("0814", "土木工程"),
    ("0815", "水利工程"),
    ("0816", "测绘科学与技术"),
    ("0817", "化学工程与技术"),
    ("0818", "地质资源与地质工程"),
    ("0819", "矿业工程"),
    ("0820", "石油与天然气工程"),
    ("0821", "纺织科学与工程"),
    ("0822", "轻工技术与工程"),
    ("0823", "交通运输工程"),
    ("0824", "船舶与海洋工程"),
    ("0825", "航空宇航科学与技术"),
    ("0826", "兵器科学与技术"),
    ("0827", "核科学与技术"),
    ("0828", "农业工程"),
    ("0829", "林业工程"),
    ("0830", "环境科学与工程"),
    ("0831", "生物医学工程"),
    ("0832", "食品科学与工程"),
    ("0833", "城乡规划学"),
    ("0835", "软件工程"),
    ("0836", "生物工程"),
    ("0837", "安全科学与工程"),
    ("0838", "公安技术"),
    ("0839", "网络空间安全"),
    ("0901", "作物学"),
    ("0902", "园艺学"),
    ("0903", "农业资源与环境"),
    ("0904", "植物保护"),
    ("0905", "畜牧学"),
    ("0906", "兽医学"),
    ("0907", "林学"),
    ("0908", "水产"),
    ("0909", "草学"),
    ("0910", "水土保持与荒漠化防治学"),
    ("1001", "基础医学"),
    ("1002", "临床医学"),
    ("1003", "口腔医学"),
    ("1004", "公共卫生与预防医学"),
    ("1005", "中医学"),
    ("1006", "中西医结合"),
    ("1007", "药学"),
    ("1008", "中药学"),
    ("1009", "特种医学"),
    ("1011", "护理学"),
    ("1012", "法医学"),
    ("1101", "军事思想与军事历史"),
    ("1102", "战略学"),
    ("1103", "联合作战学"),
    ("1104", "军兵种作战学"),
    ("1105", "军队指挥学"),
    ("1106", "军队政治工作学"),
    ("1107", "军事后勤学"),
    ("1108", "军事装备学"),
    ("1109", "军事管理学"),
    ("1110", "军事训练学"),
    ("1111", "军事智能"),
    ("1201", "管理科学与工程"),
    ("1202", "工商管理学"),
    ("1203", "农林经济管理"),
    ("1204", "公共管理学"),
    ("1205", "信息资源管理"),
    ("1301", "艺术学"),
    ("1401", "集成电路科学与工程"),
    ("1402", "国家安全学"),
    ("1403", "设计学"),
    ("1404", "遥感科学与技术"),
    ("1405", "智能科学与技术"),
    ("1406", "纳米科学与工程"),
    ("1407", "区域国别学"),
)

# (code, name, rank): a higher rank is a more advanced degree.
DEGREES = (
    ("COLLEGE", "大专", 1),
    ("BACHELOR", "本科", 2),
    ("MASTER", "硕士", 3),
    ("DOCTOR", "博士", 4),
)

# (code, name, rank, description): rank 1 is the top tier.
TALENT_TIERS = (
    ("A", "顶尖人才", 1, "诺贝尔奖获得者、两院院士等国内外顶尖人才。"),
    ("B", "国家级领军人才", 2, "国家级重大人才工程入选者等国家级领军人才。"),
    ("C", "省级领军人才", 3, "省部级重点人才计划入选者等省级领军人才。"),
    ("D", "市级领军人才", 4, "市级重点人才计划入选者等市级领军人才。"),
    ("E", "高级人才", 5, "具有高级职称、博士学位或突出业绩的高级人才和优秀青年人才。"),
)

# (code, name)
REGIONS = (
    ("OUTSIDE_CITY", "市外"),
    ("IN_CITY", "市内"),
    ("OVERSEAS", "境外"),
)


def _rows():
    """(model name, [(code, defaults), ...]) for every table this migration fills."""
    return (
        (
            "Park",
            [
                (code, {"name": name, "kind": kind, "description": description, "sort_order": (i + 1) * 10})
                for i, (code, name, kind, description) in enumerate(PARKS)
            ],
        ),
        (
            "IndustryChain",
            [
                (code, {"name": name, "is_lead": is_lead, "sort_order": (i + 1) * 10})
                for i, (code, name, is_lead) in enumerate(INDUSTRY_CHAINS)
            ],
        ),
        (
            "Discipline",
            [
                (
                    code,
                    {
                        "name": name,
                        "category_code": code[:2],
                        "category_name": CATEGORIES[code[:2]],
                        "sort_order": int(code),
                    },
                )
                for code, name in DISCIPLINES
            ],
        ),
        (
            "Degree",
            [
                (code, {"name": name, "rank": rank, "sort_order": (i + 1) * 10})
                for i, (code, name, rank) in enumerate(DEGREES)
            ],
        ),
        (
            "TalentTier",
            [
                (code, {"name": name, "rank": rank, "description": description, "sort_order": (i + 1) * 10})
                for i, (code, name, rank, description) in enumerate(TALENT_TIERS)
            ],
        ),
        (
            "Region",
            [(code, {"name": name, "sort_order": (i + 1) * 10}) for i, (code, name) in enumerate(REGIONS)],
        ),
    )


def load_reference_data(apps, schema_editor):
    alias = schema_editor.connection.alias
    for model_name, rows in _rows():
        model = apps.get_model("core", model_name)
        for code, defaults in rows:
            model.objects.using(alias).update_or_create(code=code, defaults=defaults)


def remove_reference_data(apps, schema_editor):
    alias = schema_editor.connection.alias
    for model_name, rows in _rows():
        apps.get_model("core", model_name).objects.using(alias).filter(
            code__in=[code for code, _ in rows]
        ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_roles"),
    ]

    operations = [migrations.RunPython(load_reference_data, remove_reference_data)]
