"""Extraction of decisions, action items and risks from real-looking minutes
(Chinese, English and mixed), with the exact items each must give."""

import datetime

import pytest

from ..minutes import ACTION, DECISION, RISK, extract, find_dates, html_to_lines

TODAY = datetime.date(2026, 11, 25)  # a Wednesday
D = datetime.date

PEOPLE = (
    (1, ["张三", "zhangsan"]),
    (2, ["李四", "lisi"]),
    (3, ["王五", "wangwu"]),
    (4, ["Bob Smith", "bob"]),
    (5, ["Alice Wong", "alice"]),
    (6, ["Carol Chen", "carol"]),
    (7, ["Dave Li", "dave"]),
    (8, ["Eve Martin", "eve"]),
    (9, ["Frank Wu", "frank"]),
    (10, ["赵六", "zhaoliu"]),
    (11, ["孙七", "sunqi"]),
)

CN_REVIEW = """\
产品需求评审会 会议纪要
时间：2026年11月25日 14:00-15:30
参会人：张三、李四、王五、Bob Smith
议题：
1. 移动端改版需求评审
2. 发布计划
一、会议决议
1. 采用方案B（原生 + H5 混合），放弃方案A
2. 正式发布时间定为12月15日
二、行动项
1. 完成接口文档，负责人：张三，截止：11月30日
2. @李四 下周五前完成性能测试
3. 王五负责联系短信供应商，12月3号前反馈报价
4. 更新原型并同步给设计组（Bob Smith）
三、风险
- 短信供应商资质审核可能延期（王五）
- 测试环境资源不足，影响性能测试
"""

CN_WEEKLY = """\
# 研发周例会 2026-11-25
## 进展
- 登录模块已完成联调
- 支付模块进度落后两天
【决议】支付模块延期至12/10上线
结论：下周起每日站会改为10点
## 待办
- [ ] 补充支付异常场景的测试用例 责任人：赵六 完成时间：2026/12/8
- [ ] 整理线上告警规则 @sunqi 明天
- [ ] 月度成本报表
  负责人：钱八；截止日期：月底
## 风险与问题
隐患：第三方支付证书将于12月20日过期
风险：核心开发周五起休假一周，责任人：赵六
"""

CN_TECH = """\
技术方案讨论会
参会：张三、李四、Alice
讨论：
缓存方案对比了 Redis 与本地缓存，大家倾向 Redis。
决定：采用 Redis 集群，三主三从
决定：接口统一走网关鉴权
待办事项：
1. 张三负责输出缓存设计文档，下下周三前评审
2. 压测脚本准备，3天内完成（李四）
3. 申请测试服务器 owner: Alice due 12/1
风险：
1. Redis 集群运维经验不足
"""

EN_SPRINT = """\
Sprint 42 planning - 25 Nov 2026
Attendees: Alice Wong, Bob Smith, @carol, Dave
Agenda:
- Review of sprint 41
- Scope of sprint 42
Decisions:
- Sprint 42 goal: ship the new checkout flow
- Feature flags stay on in production until QA sign-off
Action items:
- Alice: update the payment API spec by Dec 3
- Deploy the staging environment (Bob) - due next Friday
- @carol to review PR #482 tomorrow
- Write the release notes
  Owner: Dave, due end of month
Risks:
- Vendor API rate limits may block load testing. Owner: Dave
- Two engineers on leave in December
"""

EN_STEERING = """\
Steering committee - ERP go-live
Present: Eve (Finance), Frank (IT), Bob Smith (PMO)
Discussion
The committee reviewed the cut-over plan and the budget. Finance asked for a clear
owner for each open point. Eve noted that the numbers are in the shared folder.
Agreed: budget increase of 10% for the data migration.
Decision: go-live moved to 3 December.
AI-1: Bob Smith to prepare the rollout plan, due end of month.
AI-2: Confirm the purchase order with the vendor by 12/5 (Eve)
Concern: data migration has not been tested on a full copy yet.
Blocker: the SSO certificate expires 2026-12-01 - owner: Frank
Next meeting: 2 December
"""

MIXED = """\
Weekly sync 周会 (2026-11-25)
Decisions / 决定:
- Use the DingTalk robot for alerts 告警统一走钉钉机器人
Action items
- TODO: fix the login bug 修复登录问题 @zhangsan 明天
- 与客户确认验收标准, Owner: Alice, due Friday
- Prepare the demo for the client 负责人：李四 截止：12月2日
[Risk] 服务器采购周期长，可能影响上线 (owner: 王五)
Concern: the client has not signed the SOW yet
"""


def run(text, people=PEOPLE, today=TODAY):
    return extract(text, today=today, people=people)


def titles(items):
    return [item.title for item in items]


def actions(items):
    return [(item.title, item.owner, item.person, item.due) for item in items]


def owners(items):
    return [(item.title, item.owner, item.person) for item in items]


# ---------------------------------------------------------------------------
# Chinese minutes
# ---------------------------------------------------------------------------


def test_chinese_review_meeting():
    result = run(CN_REVIEW)
    assert titles(result.decisions) == [
        "采用方案B（原生 + H5 混合），放弃方案A",
        "正式发布时间定为12月15日",
    ]
    assert actions(result.actions) == [
        ("完成接口文档", "张三", 1, D(2026, 11, 30)),
        ("下周五前完成性能测试", "李四", 2, D(2026, 12, 4)),
        ("王五负责联系短信供应商，12月3号前反馈报价", "王五", 3, D(2026, 12, 3)),
        ("更新原型并同步给设计组", "Bob Smith", 4, None),
    ]
    assert owners(result.risks) == [
        ("短信供应商资质审核可能延期", "王五", 3),
        ("测试环境资源不足，影响性能测试", None, None),
    ]
    # The text is kept as written; only the title drops the markers.
    assert result.actions[0].text == "完成接口文档，负责人：张三，截止：11月30日"
    # Decisions carry no owner nor due date.
    assert {(d.owner, d.due) for d in result.decisions} == {(None, None)}


def test_chinese_weekly_meeting():
    result = run(CN_WEEKLY)
    assert titles(result.decisions) == ["支付模块延期至12/10上线", "下周起每日站会改为10点"]
    assert actions(result.actions) == [
        ("补充支付异常场景的测试用例", "赵六", 10, D(2026, 12, 8)),
        ("整理线上告警规则 @sunqi 明天", "sunqi", 11, D(2026, 11, 26)),
        # The owner/due line below the item completes it; 钱八 is no one we know.
        ("月度成本报表", "钱八", None, D(2026, 11, 30)),
    ]
    assert owners(result.risks) == [
        ("第三方支付证书将于12月20日过期", None, None),
        ("核心开发周五起休假一周", "赵六", 10),
    ]
    # Progress notes are neither decisions nor actions.
    assert "登录模块已完成联调" not in [item.text for item in result.items]


def test_chinese_technical_meeting():
    result = run(CN_TECH)
    assert titles(result.decisions) == ["采用 Redis 集群，三主三从", "接口统一走网关鉴权"]
    assert actions(result.actions) == [
        ("张三负责输出缓存设计文档，下下周三前评审", "张三", 1, D(2026, 12, 9)),
        ("压测脚本准备，3天内完成", "李四", 2, D(2026, 11, 28)),
        ("申请测试服务器", "Alice", 5, D(2026, 12, 1)),
    ]
    assert owners(result.risks) == [("Redis 集群运维经验不足", None, None)]


# ---------------------------------------------------------------------------
# English and mixed minutes
# ---------------------------------------------------------------------------


def test_english_sprint_planning():
    result = run(EN_SPRINT)
    assert titles(result.decisions) == [
        "Sprint 42 goal: ship the new checkout flow",
        "Feature flags stay on in production until QA sign-off",
    ]
    assert actions(result.actions) == [
        ("Update the payment API spec by Dec 3", "Alice", 5, D(2026, 12, 3)),
        ("Deploy the staging environment", "Bob", 4, D(2026, 12, 4)),
        ("Review PR #482 tomorrow", "carol", 6, D(2026, 11, 26)),
        ("Write the release notes", "Dave", 7, D(2026, 11, 30)),
    ]
    assert owners(result.risks) == [
        ("Vendor API rate limits may block load testing.", "Dave", 7),
        ("Two engineers on leave in December", None, None),
    ]
    # Attendees and agenda are not items, though they name people.
    assert [item.line for item in result.items] == [6, 7, 9, 10, 11, 12, 15, 16]


def test_english_steering_committee():
    result = run(EN_STEERING)
    assert titles(result.decisions) == [
        "Budget increase of 10% for the data migration.",
        "Go-live moved to 3 December.",
    ]
    assert actions(result.actions) == [
        ("Prepare the rollout plan.", "Bob Smith", 4, D(2026, 11, 30)),
        ("Confirm the purchase order with the vendor by 12/5", "Eve", 8, D(2026, 12, 5)),
    ]
    assert owners(result.risks) == [
        ("Data migration has not been tested on a full copy yet.", None, None),
        ("The SSO certificate expires 2026-12-01", "Frank", 9),
    ]


def test_mixed_language_sync():
    result = run(MIXED)
    assert titles(result.decisions) == ["Use the DingTalk robot for alerts 告警统一走钉钉机器人"]
    assert actions(result.actions) == [
        ("Fix the login bug 修复登录问题 @zhangsan 明天", "zhangsan", 1, D(2026, 11, 26)),
        ("与客户确认验收标准", "Alice", 5, D(2026, 11, 27)),
        ("Prepare the demo for the client", "李四", 2, D(2026, 12, 2)),
    ]
    assert owners(result.risks) == [
        ("服务器采购周期长，可能影响上线", "王五", 3),
        ("The client has not signed the SOW yet", None, None),
    ]


def test_items_in_document_order():
    result = run(MIXED)
    assert [item.kind for item in result.items] == [DECISION, ACTION, ACTION, ACTION, RISK, RISK]


# ---------------------------------------------------------------------------
# Rich text
# ---------------------------------------------------------------------------

HTML_MINUTES = (
    "<h2>会议决议</h2><ol><li><p>采用方案B</p></li><li>发布定在 <b>12月15日</b></li></ol>"
    "<p>行动项：</p><ul><li>完成接口文档，负责人：张三，截止：11月30日</li>"
    "<li>Deploy staging &amp; smoke test (Bob)<br/>due next Friday</li></ul>"
    "<p>Risk:&nbsp;vendor may be late</p><script>alert('x')</script>"
)


def test_html_to_lines():
    assert html_to_lines(HTML_MINUTES) == [
        "会议决议",
        "- 采用方案B",
        "- 发布定在 12月15日",
        "行动项：",
        "- 完成接口文档，负责人：张三，截止：11月30日",
        "- Deploy staging & smoke test (Bob)",
        "due next Friday",
        "Risk: vendor may be late",
    ]
    assert html_to_lines("") == []
    assert html_to_lines(False) == []


def test_extract_from_html_lines():
    result = run(html_to_lines(HTML_MINUTES))
    assert titles(result.decisions) == ["采用方案B", "发布定在 12月15日"]
    assert actions(result.actions) == [
        ("完成接口文档", "张三", 1, D(2026, 11, 30)),
        # The <br> continuation only names a due date: it completes the item.
        ("Deploy staging & smoke test", "Bob", 4, D(2026, 12, 4)),
    ]
    assert owners(result.risks) == [("Vendor may be late", None, None)]


# ---------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-01", D(2026, 12, 1)),
        ("2026/12/1", D(2026, 12, 1)),
        ("2026年12月1日", D(2026, 12, 1)),
        ("2025-01-05", D(2025, 1, 5)),  # an explicit year is kept, even past
        ("12/1", D(2026, 12, 1)),  # month/day
        ("11/20", D(2027, 11, 20)),  # before today: next year
        ("11月30日", D(2026, 11, 30)),
        ("12月3号", D(2026, 12, 3)),
        ("11月25日", D(2026, 11, 25)),  # today is not the past
        ("今天", D(2026, 11, 25)),
        ("明天", D(2026, 11, 26)),
        ("后天", D(2026, 11, 27)),
        ("大后天", D(2026, 11, 28)),
        ("周五", D(2026, 11, 27)),
        ("本周五", D(2026, 11, 27)),
        ("星期三", D(2026, 11, 25)),
        ("周一", D(2026, 11, 30)),  # the next Monday, never the past one
        ("下周五", D(2026, 12, 4)),
        ("下下周三", D(2026, 12, 9)),
        ("星期天", D(2026, 11, 29)),
        ("3天内", D(2026, 11, 28)),
        ("月底", D(2026, 11, 30)),
        ("本月底", D(2026, 11, 30)),
        ("下个月底", D(2026, 12, 31)),
        ("年底", D(2026, 12, 31)),
        ("today", D(2026, 11, 25)),
        ("tomorrow", D(2026, 11, 26)),
        ("the day after tomorrow", D(2026, 11, 27)),
        ("Friday", D(2026, 11, 27)),
        ("this Friday", D(2026, 11, 27)),
        ("next Friday", D(2026, 12, 4)),
        ("Monday", D(2026, 11, 30)),
        ("Dec 3", D(2026, 12, 3)),
        ("December 3rd, 2027", D(2027, 12, 3)),
        ("3 December", D(2026, 12, 3)),
        ("Jan 5", D(2027, 1, 5)),
        ("end of month", D(2026, 11, 30)),
        ("end of next month", D(2026, 12, 31)),
        ("end of the week", D(2026, 11, 27)),
        ("EOW", D(2026, 11, 27)),
        ("in 3 days", D(2026, 11, 28)),
    ],
)
def test_dates(text, expected):
    assert [value for _start, _end, value in find_dates(text, TODAY)] == [expected]


@pytest.mark.parametrize(
    "text", ["we may 3 times", "13/45", "彻底解决", "周期", "2026-13-01", "2月30日", "version 1.2"]
)
def test_not_dates(text):
    assert find_dates(text, TODAY) == []


def test_month_end_on_the_last_day_and_year_turn():
    last = D(2026, 12, 31)
    assert find_dates("月底", last)[0][2] == last
    assert find_dates("下月底", last)[0][2] == D(2027, 1, 31)
    assert find_dates("1/5", D(2026, 12, 28))[0][2] == D(2027, 1, 5)


def test_due_marker_wins_over_other_dates():
    result = run("Action: after the 12/1 review, send the report; due 12/8")
    assert result.actions[0].due == D(2026, 12, 8)
    result = run("待办：12月1日评审后，12月8日前发出报告")
    assert result.actions[0].due == D(2026, 12, 8)
    # Without a marker the last date is the deadline.
    result = run("Action: after the 12/1 review send the report on 12/8")
    assert result.actions[0].due == D(2026, 12, 8)


# ---------------------------------------------------------------------------
# Owners
# ---------------------------------------------------------------------------


def test_owner_without_people_is_kept_as_written():
    result = run(
        "行动项：\n- 整理需求，负责人：钱八\n- Ship it @grace.hopper\n- Demo (Heidi)", people=()
    )
    assert owners(result.actions) == [
        ("整理需求", "钱八", None),
        ("Ship it", "grace.hopper", None),
        ("Demo", "Heidi", None),
    ]


def test_ambiguous_first_name_is_not_resolved():
    people = [(1, ["Bob Smith"]), (2, ["Bob Jones"]), (3, ["Alice Wong"])]
    result = run("Action items:\n- Call the vendor (Bob)\n- Book the room (Alice)", people=people)
    assert owners(result.actions) == [
        ("Call the vendor", "Bob", None),
        ("Book the room", "Alice", 3),
    ]


def test_several_owners_keep_the_first():
    result = run("Action: 准备发布材料，负责人：张三、李四，截止：12月1日")
    assert actions(result.actions) == [("准备发布材料", "张三", 1, D(2026, 12, 1))]


def test_not_owners():
    result = run(
        "Action items:\n- Send the mail to bob@example.com\n- Write the spec (Draft)\n"
        "- 会后跟进客户反馈"
    )
    assert owners(result.actions) == [
        ("Send the mail to bob@example.com", None, None),
        ("Write the spec (Draft)", None, None),
        ("会后跟进客户反馈", None, None),
    ]


# ---------------------------------------------------------------------------
# Lines that are no items
# ---------------------------------------------------------------------------


def test_nothing_to_extract():
    assert run("").items == ()
    assert run("Attendees: Alice, @bob\nDiscussion of the roadmap.\n议题：\n- 预算").items == ()


def test_other_heading_closes_the_section():
    result = run("Decisions:\n- Ship on Friday\nNotes:\n- The room was cold")
    assert titles(result.items) == ["Ship on Friday"]


def test_inline_action_and_checkbox_outside_sections():
    result = run(
        "Discussed the API; action: Bob to update the spec by Friday\n- [ ] 更新周报 @lisi"
    )
    assert actions(result.actions) == [
        ("Update the spec by Friday", "Bob", 4, D(2026, 11, 27)),
        ("更新周报", "lisi", 2, None),
    ]


def test_deterministic():
    assert run(EN_SPRINT) == run(EN_SPRINT)


def test_headings_announcing_a_list():
    result = run(
        "经讨论，会议决定如下：\n1. 采用方案B\n行动项如下：\n1. 张三负责评审\n"
        "We agreed on the following:\n- Keep the scope\n"
    )
    assert titles(result.decisions) == ["采用方案B", "Keep the scope"]
    assert owners(result.actions) == [("张三负责评审", "张三", 1)]


def test_table_rows():
    html = (
        "<p>行动项</p><table><tr><th>事项</th><th>负责人</th><th>截止</th></tr>"
        "<tr><td>完成接口文档</td><td>张三</td><td>11月30日</td></tr></table>"
    )
    lines = html_to_lines(html)
    # The header row names the columns: it is no line.
    assert lines == ["行动项", "完成接口文档 | 张三 | 11月30日"]
    result = run(lines)
    assert actions(result.actions) == [
        ("完成接口文档 | 张三 | 11月30日", "张三", 1, D(2026, 11, 30)),
    ]


def test_editor_check_list_items_are_actions():
    html = (
        '<p>Notes from the call</p><ul class="o_checklist"><li>Send the quote @bob</li>'
        '<li class="o_checked"><p>Book the room</p></li></ul><ul><li>Just a note</li></ul>'
    )
    lines = html_to_lines(html)
    assert lines == [
        "Notes from the call",
        "- [ ] Send the quote @bob",
        "- [x] Book the room",
        "- Just a note",
    ]
    assert owners(run(lines).actions) == [
        ("Send the quote", "bob", 4),
        ("Book the room", None, None),
    ]
