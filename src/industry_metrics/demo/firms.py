"""The demo industry's member firms: ids, bilingual names, licences, regions and size bands."""

from __future__ import annotations

from datetime import date

from ..registry import Firm

# (region_code, city zh, city en); the first entries are the big collection hubs.
REGIONS = (
    ("310115", "上海", "Shanghai"), ("440305", "深圳", "Shenzhen"), ("110105", "北京", "Beijing"),
    ("330106", "杭州", "Hangzhou"), ("440106", "广州", "Guangzhou"), ("510107", "成都", "Chengdu"),
    ("420111", "武汉", "Wuhan"), ("320481", "溧阳", "Liyang"), ("610113", "西安", "Xi'an"),
    ("370212", "青岛", "Qingdao"), ("500103", "重庆", "Chongqing"), ("430104", "长沙", "Changsha"),
    ("350203", "厦门", "Xiamen"), ("410105", "郑州", "Zhengzhou"), ("650102", "乌鲁木齐", "Urumqi"),
    ("810000", "香港", "Hong Kong"),
)
# Debtors outside these prefixes live in Asia/Shanghai (all of mainland China but Xinjiang's local usage).
TIMEZONES = {"65": "Asia/Urumqi", "81": "Asia/Hong_Kong"}
# Relative recovery by province (first two digits): richer coastal provinces pay a little more.
REGION_RECOVERY = {"31": 1.15, "44": 1.1, "11": 1.1, "33": 1.12, "32": 1.05, "35": 1.05, "37": 1.0,
                   "51": 0.92, "42": 0.95, "61": 0.88, "50": 0.9, "43": 0.93, "41": 0.85, "65": 0.8, "81": 1.2}

STEMS = (
    ("信达", "Xinda"), ("华融", "Huarong"), ("长城", "Changcheng"), ("东方", "Dongfang"), ("恒信", "Hengxin"),
    ("安和", "Anhe"), ("正源", "Zhengyuan"), ("诚泰", "Chengtai"), ("汇通", "Huitong"), ("明德", "Mingde"),
    ("鼎立", "Dingli"), ("聚诚", "Jucheng"), ("和瑞", "Herui"), ("永安", "Yong'an"), ("天衡", "Tianheng"),
    ("博远", "Boyuan"), ("众联", "Zhonglian"), ("瑞丰", "Ruifeng"), ("金诺", "Jinnuo"), ("嘉禾", "Jiahe"),
)
KINDS = (("资产管理有限公司", "Asset Management Co., Ltd."), ("商务咨询有限公司", "Business Consulting Co., Ltd."),
         ("信息服务有限公司", "Information Services Co., Ltd."))
SIZE_WEIGHTS = {"small": 1, "medium": 3, "large": 8}  # relative case volumes


def firm_id(index: int) -> str:
    """F001, F002, ...: index is 1-based."""
    return f"F{index:03d}"


def size_band(index: int) -> str:
    """Deterministic bands: of every five firms two are small, two medium, one large."""
    return {1: "small", 2: "small", 3: "medium", 4: "medium", 0: "large"}[index % 5]


def timezone_for(region_code: str) -> str:
    return TIMEZONES.get(region_code[:2], "Asia/Shanghai")


def make_firms(count: int, first_period_start: date, joined_late: dict[str, date]) -> list[Firm]:
    """The registry: names from city x stem x kind so that every firm's name is distinct."""
    firms = []
    for i in range(1, count + 1):
        region, city_zh, city_en = REGIONS[(i - 1) % len(REGIONS)]
        stem_zh, stem_en = STEMS[(i * 7) % len(STEMS)]
        kind_zh, kind_en = KINDS[(i // len(STEMS)) % len(KINDS)]
        fid = firm_id(i)
        # Established members joined in earlier years; one firm joins during the demo window.
        joined = joined_late.get(fid, date(first_period_start.year - 1 - i % 4, 1 + i % 12, 1))
        firms.append(Firm(fid, f"{city_zh}{stem_zh}{kind_zh}", f"{city_en} {stem_en} {kind_en}",
                          f"DCA-{region[:2]}-{joined.year}-{i:04d}", region, size_band(i), joined, True))
    return firms


def case_counts(firms: list[Firm], total: int) -> dict[str, int]:
    """Split the industry's total cases over firms by size band (small 1 : medium 3 : large 8)."""
    units = sum(SIZE_WEIGHTS[f.size_band] for f in firms)
    return {f.firm_id: max(20, round(total * SIZE_WEIGHTS[f.size_band] / units)) for f in firms}
