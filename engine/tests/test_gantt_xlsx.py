import io
import zipfile
from datetime import date

from ..gantt_xlsx import MILESTONE, bar_columns, build_gantt_xlsx, timeline_columns

MON = date(2030, 3, 4)
LABELS = {
    "task": "Task",
    "phase": "Phase",
    "assignees": "Assignees",
    "start": "Start",
    "finish": "Finish",
    "float": "Float",
    "critical": "Critical",
    "progress": "Progress",
    "yes": "Yes",
    "legend": "Red: critical path",
    "sheet": "Gantt",
}


def test_timeline_columns_days_and_weeks():
    days = timeline_columns(MON, date(2030, 3, 6), "day")
    assert [start for start, _end in days] == [MON, date(2030, 3, 5), date(2030, 3, 6)]
    weeks = timeline_columns(date(2030, 3, 6), date(2030, 3, 18), "week")
    assert [start for start, _end in weeks] == [MON, date(2030, 3, 11), date(2030, 3, 18)]


def test_bar_columns():
    weeks = timeline_columns(MON, date(2030, 3, 31), "week")
    assert bar_columns(date(2030, 3, 8), date(2030, 3, 12), weeks) == [0, 1]
    assert bar_columns(date(2030, 3, 12), None, weeks) == [1]
    assert bar_columns(None, None, weeks) == []
    days = timeline_columns(MON, date(2030, 3, 10), "day")
    assert bar_columns(date(2030, 3, 5), date(2030, 3, 7), days) == [1, 2, 3]


def _xml(content, name):
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.read(name).decode()


def test_workbook_rows_bars_and_milestones():
    rows = [
        {"group": "Design"},
        {
            "name": "Spec 规格",
            "phase": "Design",
            "assignees": "Lin",
            "start": MON,
            "finish": date(2030, 3, 6),
            "critical": True,
            "health": "at_risk",
            "total_float": 0,
            "progress": 40,
        },
        {
            "name": "Sign-off",
            "start": date(2030, 3, 6),
            "finish": date(2030, 3, 6),
            "milestone": True,
            "critical": False,
            "health": "ok",
        },
    ]
    content = build_gantt_xlsx("Launch", rows, LABELS, unit="day", today=MON)
    strings = _xml(content, "xl/sharedStrings.xml")
    for text in (
        "Launch",
        "Spec 规格",
        "Sign-off",
        "Design",
        "Yes",
        MILESTONE,
        "Red: critical path",
    ):
        assert text in strings
    sheet = _xml(content, "xl/worksheets/sheet1.xml")
    # the critical task's bar: three day cells I6..K6 (columns after the 8 fixed ones)
    for cell in ("I6", "J6", "K6"):
        assert f'r="{cell}"' in sheet
    assert 'r="L6"' not in sheet
    # the milestone sits in its day's column (Wednesday = K)
    assert 'r="K7"' in sheet


def test_empty_workbook():
    content = build_gantt_xlsx("Nothing", [], LABELS)
    assert content[:2] == b"PK"
