"""Every validation rule of the template: id, severity and the message a submitter reads (en and zh).

Messages are format strings; their fields come from the finding (table, column, detail).
"""

from __future__ import annotations

from dataclasses import dataclass

REJECT = "reject"
WARN = "warn"


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    en: str
    zh: str


RULES: dict[str, Rule] = {
    r.id: r
    for r in (
        # files and structure
        Rule("F01", REJECT, "The file cannot be read: {detail}", "文件无法读取：{detail}"),
        Rule("F02", REJECT, "The file is not a template table: {detail}", "文件不是模板中的表：{detail}"),
        Rule("F03", REJECT, "A required column is missing: {column}", "缺少必填列：{column}"),
        Rule("F04", REJECT, "Column {column} is not in the template; remove it", "列 {column} 不在模板中，请删除"),
        Rule("F05", REJECT, "Column {column} looks like personal data; it must never be submitted", "列 {column} 疑似个人信息，不得报送"),
        Rule("F06", REJECT, "Table {table} was given more than once: {detail}", "表 {table} 重复提交：{detail}"),
        Rule("F07", REJECT, "The file exceeds a safety limit: {detail}", "文件超出安全限制：{detail}"),
        Rule("F08", REJECT, "The cases table is required in every submission", "每次报送都必须包含 cases 表"),
        # the submitter
        Rule("S01", REJECT, "Firm {detail} is not a member in the firm registry", "机构 {detail} 不在会员机构名录中"),
        Rule("S02", REJECT, "Firm {detail} is not active in the firm registry", "机构 {detail} 在名录中不是有效状态"),
        Rule("S03", REJECT, "The period must be a month written YYYY-MM: {detail}", "报送期必须为 YYYY-MM 格式的月份：{detail}"),
        # values
        Rule("V01", REJECT, "A required value is missing in {column}", "{column} 缺少必填值"),
        Rule("V02", REJECT, "{column} must be {detail}", "{column} 必须是{detail}"),
        Rule("V03", REJECT, "{column} must be one of: {detail}", "{column} 只能取以下值：{detail}"),
        Rule("V04", REJECT, "{column} is out of range: must be {detail}", "{column} 超出范围：必须{detail}"),
        Rule("V05", REJECT, "{column} has the wrong format: must be {detail}", "{column} 格式错误：必须是{detail}"),
        Rule("V06", REJECT, "{column} must be unique; the same value appears more than once", "{column} 必须唯一，存在重复值"),
        Rule("V07", REJECT, "case_ref does not match any case in this submission's cases table", "case_ref 在本次报送的 cases 表中不存在"),
        Rule("V08", REJECT, "{column} is outside the period {detail}", "{column} 不在报送期 {detail} 内"),
        Rule("V09", REJECT, "{column} is required when {detail}", "当{detail}时，{column} 为必填"),
        Rule("V10", REJECT, "{column} is earlier than {detail}", "{column} 早于 {detail}"),
        Rule("V11", REJECT, "{column} has more than 2 decimal places", "{column} 小数位超过 2 位"),
        # personal data
        Rule("P01", REJECT, "{column} contains what looks like a mainland mobile number", "{column} 中含有疑似大陆手机号码"),
        Rule("P02", REJECT, "{column} contains what looks like a resident ID number (valid check digit)", "{column} 中含有疑似居民身份证号码（校验位有效）"),
        Rule("P03", REJECT, "{column} contains what looks like a bank-card number (passes the Luhn check)", "{column} 中含有疑似银行卡号（通过 Luhn 校验）"),
        Rule("P04", REJECT, "{column} contains what looks like an e-mail address", "{column} 中含有疑似电子邮箱地址"),
        # plausible but unusual: loads once confirmed
        Rule("W01", WARN, "{table} has {detail} rows against the previous period: more than 5x up or down", "{table} 行数与上一期相比变化超过 5 倍：{detail}"),
        Rule("W02", WARN, "More than half of contacts are between 00:00 and 06:00 local time ({detail})", "超过一半的联系发生在当地时间 00:00–06:00（{detail}）"),
        Rule("W03", WARN, "{column} has a single amount above 10 million", "{column} 单笔金额超过 1000 万"),
        Rule("W04", WARN, "Payments to a case exceed its amount placed ({detail})", "案件回款累计超过委案金额（{detail}）"),
    )
}


def message(rule_id: str, lang: str = "en", **fields: object) -> str:
    rule = RULES[rule_id]
    template = rule.zh if lang == "zh" else rule.en
    values = {"table": "", "column": "", "detail": "", **{k: ("" if v is None else v) for k, v in fields.items()}}
    return template.format(**values)
