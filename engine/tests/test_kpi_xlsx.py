"""The KPI workbooks read back from their XML (openpyxl is not an engine
dependency): cells, number formats, frozen panes, merged headers, charts."""

import io
import json
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from ..kpi_xlsx import (
    COUNT_FORMAT,
    PERCENT_FORMAT,
    PIVOT_ONE_DECIMAL,
    PIVOT_PERCENT_NUMBER,
    dashboard_workbook,
    filter_summary,
    is_better,
    measure_format,
    pivot_chart_rows,
    pivot_value_columns,
    pivot_workbook,
    sheet_name,
    unit_format,
)

NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
BUILTIN_FORMATS = {
    0: "General",
    1: "0",
    2: "0.00",
    3: "#,##0",
    4: "#,##0.00",
    9: "0%",
    10: "0.00%",
    14: "mm-dd-yy",
}


class Book:
    """A tiny XLSX reader: sheets by name, cell values and number formats,
    frozen panes, merged ranges, charts per sheet."""

    def __init__(self, content):
        self.zip = zipfile.ZipFile(io.BytesIO(content))
        self.strings = [
            "".join(t.text or "" for t in si.iter(f"{{{NS['m']}}}t"))
            for si in self._xml("xl/sharedStrings.xml").findall("m:si", NS)
        ]
        styles = self._xml("xl/styles.xml")
        custom = {
            int(f.get("numFmtId")): f.get("formatCode")
            for f in styles.findall("m:numFmts/m:numFmt", NS)
        }
        self.xf_formats = [
            custom.get(int(xf.get("numFmtId")), BUILTIN_FORMATS.get(int(xf.get("numFmtId")), ""))
            for xf in styles.findall("m:cellXfs/m:xf", NS)
        ]
        workbook = self._xml("xl/workbook.xml")
        rels = {
            rel.get("Id"): rel.get("Target")
            for rel in self._xml("xl/_rels/workbook.xml.rels").findall("rel:Relationship", NS)
        }
        self.sheets = {
            sheet.get("name"): "xl/" + rels[sheet.get(f"{{{NS['r']}}}id")]
            for sheet in workbook.findall("m:sheets/m:sheet", NS)
        }

    def _xml(self, name):
        return ElementTree.fromstring(self.zip.read(name))

    def names(self):
        return list(self.sheets)

    def cells(self, sheet):
        """{"A1": (value, number format)}"""
        result = {}
        for cell in self._xml(self.sheets[sheet]).iter(f"{{{NS['m']}}}c"):
            value = cell.find("m:v", NS)
            text = value.text if value is not None else None
            if text is not None:
                text = self.strings[int(text)] if cell.get("t") == "s" else float(text)
            result[cell.get("r")] = (text, self.xf_formats[int(cell.get("s", 0))])
        return result

    def pane(self, sheet):
        pane = self._xml(self.sheets[sheet]).find("m:sheetViews/m:sheetView/m:pane", NS)
        return pane is not None and (pane.get("state"), pane.get("topLeftCell"))

    def merged(self, sheet):
        return {m.get("ref") for m in self._xml(self.sheets[sheet]).iter(f"{{{NS['m']}}}mergeCell")}

    def charts(self, sheet):
        """Chart XML texts drawn on a sheet."""
        path = self.sheets[sheet]
        rels_name = path.replace("worksheets/", "worksheets/_rels/") + ".rels"
        if rels_name not in self.zip.namelist():
            return []
        texts = []
        for rel in self._xml(rels_name).findall("rel:Relationship", NS):
            if rel.get("Type").endswith("/drawing"):
                drawing = "xl/" + rel.get("Target").replace("../", "")
                drawing_rels = drawing.replace("drawings/", "drawings/_rels/") + ".rels"
                for chart in self._xml(drawing_rels).findall("rel:Relationship", NS):
                    texts.append(
                        self.zip.read("xl/" + chart.get("Target").replace("../", "")).decode()
                    )
        return texts


SAMPLE = {
    "period": {
        "start": "2026-11-01",
        "end": "2026-11-30",
        "label": "November 2026",
        "previous_start": "2026-10-01",
        "previous_end": "2026-10-31",
    },
    "filters": {"period": "month", "department_ids": [3], "template_ids": [], "manager_ids": []},
    "options": {"departments": [[3, "R&D"], [4, "Marketing"]], "templates": [], "managers": []},
    "kpis": [
        {
            "key": "completion_rate",
            "label": "Completion rate",
            "unit": "%",
            "value": 72.5,
            "previous": 65.0,
            "better": "up",
            "help": "Due tasks done.",
        },
        {
            "key": "output_tasks",
            "label": "Tasks per person",
            "unit": "",
            "value": 4.5,
            "previous": 3.0,
            "better": "up",
        },
        {
            "key": "output_hours",
            "label": "Hours per person",
            "unit": "h",
            "value": 31.25,
            "previous": 28.0,
            "better": "up",
        },
        {
            "key": "cycle_days_task",
            "label": "Task delivery cycle",
            "unit": "d",
            "value": 6.2,
            "previous": 7.0,
            "better": "down",
        },
        {
            "key": "cycle_days_project",
            "label": "Project delivery cycle",
            "unit": "d",
            "value": None,
            "previous": 88.0,
            "better": "down",
        },
        {
            "key": "rework_count",
            "label": "Rework",
            "unit": "",
            "value": 3,
            "previous": 1,
            "better": "down",
        },
    ],
    "portfolio": [
        {
            "id": 11,
            "name": "Smart Watch v2",
            "health": "red",
            "health_score": 42,
            "health_reasons": "Late",
            "progress": 35.0,
            "manager": "Wang",
            "department": "R&D",
            "open_alerts": 3,
            "forecast_delay": 8,
            "flow_state": "running",
        },
        {
            "id": 12,
            "name": "双十一营销活动",
            "health": "green",
            "health_score": 91,
            "health_reasons": "",
            "progress": 80.0,
            "manager": "Mitchell",
            "department": "Marketing",
            "open_alerts": 0,
            "forecast_delay": 0,
            "flow_state": "running",
        },
    ],
    "charts": {
        "cycle_trend": {
            "labels": ["Oct 2026", "Nov 2026"],
            "task": [7.0, 6.2],
            "project": [88.0, None],
        },
        "on_time_by_department": {
            "labels": ["R&D", "Marketing"],
            "ids": [3, 4],
            "values": [75.0, 92.5],
        },
        "workload": {
            "labels": ["Lin", "Qiu"],
            "ids": [7, 8],
            "open_tasks": [6, 3],
            "hours": [40.0, 18.5],
        },
    },
    "top_risks": [
        {
            "id": 101,
            "name": "Firmware OTA",
            "project": "Smart Watch v2",
            "score": 82,
            "reasons": "Predecessor late",
        }
    ],
    "open_alerts": [
        {
            "id": 55,
            "name": "Firmware OTA is 4 days late",
            "level": "2",
            "project": "Smart Watch v2",
            "delay_days": 4,
            "detected": "2026-11-20",
        }
    ],
    "bottlenecks": [
        {
            "template_phase_id": 9,
            "name": "Testing",
            "template": "Product R&D",
            "avg_overrun_days": 3.5,
            "count": 4,
        }
    ],
    "monthly_review": {
        "columns": [{"id": 3, "name": "R&D"}, {"id": 4, "name": "Marketing"}],
        "rows": [
            {
                "key": "completion_rate",
                "label": "Completion rate",
                "unit": "%",
                "values": [70.0, 88.0],
                "previous": [60.0, None],
            }
        ],
    },
}


def test_units_and_helpers():
    labels = {"hours": "h", "days": "d"}
    assert unit_format("%", labels) == PERCENT_FORMAT
    assert unit_format("h", labels) == '#,##0.0" h"'
    assert unit_format("d", {"hours": "小时", "days": "天"}) == '#,##0.0" 天"'
    assert unit_format("", labels, (3, 1)) == COUNT_FORMAT
    assert unit_format("", labels, (4.5, 3.0)) == "#,##0.0"
    assert is_better(2, "up") is True and is_better(2, "down") is False
    assert is_better(0, "up") is None
    assert sheet_name("a/b:c*d?[e]" + "x" * 40) == "a b c d  e " + "x" * 20
    used = set()
    assert [sheet_name("KPIs", used), sheet_name("kpis", used)] == ["KPIs", "kpis (2)"]
    summary = filter_summary(
        SAMPLE,
        {
            "all": "All",
            "departments": "Departments",
            "templates": "Templates",
            "managers": "Managers",
        },
    )
    assert summary == "Departments: R&D; Templates: All; Managers: All"


def test_dashboard_workbook_sheets_formats_and_charts():
    labels = {
        "title": "KPI 看板",
        "hours": "小时",
        "states": {"running": "进行中"},
        "health_red": "红",
    }
    book = Book(dashboard_workbook(SAMPLE, labels))
    assert book.names() == [
        "KPIs",
        "Portfolio",
        "Monthly review",
        "Chart data",
        "Charts",
        "Top risks",
        "Alerts",
        "Bottlenecks",
    ]

    kpis = book.cells("KPIs")
    assert kpis["A1"][0] == "KPI 看板 - November 2026"
    assert "2026-10-01 - 2026-10-31" in kpis["A2"][0]
    assert kpis["A3"][0] == "Filters: Departments: R&D; Templates: All; Managers: All"
    assert [kpis[c][0] for c in ("A5", "B5", "C5", "D5")] == ["KPI", "Value", "Previous", "Change"]
    assert book.pane("KPIs") == ("frozen", "B6")
    # completion rate: written as fractions in a percent format
    assert kpis["A6"][0] == "Completion rate"
    assert kpis["B6"] == (0.725, "0.0%")
    assert kpis["C6"] == (0.65, "0.0%")
    assert abs(kpis["D6"][0] - 0.075) < 1e-9 and kpis["D6"][1] == "+0.0%;-0.0%;0.0%"
    assert kpis["B7"] == (4.5, "#,##0.0")
    assert kpis["B8"] == (31.25, '#,##0.0" 小时"')
    assert kpis["B9"] == (6.2, '#,##0.0" d"')
    # no value this period: an empty cell, not a zero
    assert kpis["B10"][0] is None and kpis["C10"][0] == 88.0 and kpis["D10"][0] is None
    assert kpis["B11"] == (3.0, "#,##0")

    portfolio = book.cells("Portfolio")
    assert portfolio["A6"][0] == "Smart Watch v2" and portfolio["B6"][0] == "红"
    assert portfolio["D6"] == (0.35, "0.0%") and portfolio["I6"][0] == "进行中"
    assert portfolio["A7"][0] == "双十一营销活动" and portfolio["B7"][0] == "Green"
    assert book.pane("Portfolio") == ("frozen", "B6")
    styles = book.zip.read("xl/styles.xml").decode()
    assert "FFE06666" in styles and "FF93C47D" in styles  # red and green fills

    review = book.cells("Monthly review")
    assert review["A1"][0] == "Monthly review: teams side by side"
    assert [review[c][0] for c in ("B6", "B7", "C7", "D6")] == [
        "R&D",
        "Value",
        "Previous",
        "Marketing",
    ]
    assert {"B6:C6", "D6:E6"} <= book.merged("Monthly review")
    assert review["B8"] == (0.7, "0.0%") and review["E8"][0] is None
    assert book.pane("Monthly review") == ("frozen", "B8")

    data = book.cells("Chart data")
    assert data["A3"][0] == "Oct 2026" and data["B4"][0] == 6.2 and data["F4"] == (0.925, "0.0%")
    charts = book.charts("Charts")
    assert len(charts) == 3
    assert "<c:lineChart>" in charts[0] and "'Chart data'!$B$3:$B$4" in charts[0]
    assert "<c:barChart>" in charts[1] and "'Chart data'!$F$3:$F$4" in charts[1]
    assert '<c:barDir val="bar"/>' in charts[2]

    risks = book.cells("Top risks")
    assert risks["A6"][0] == "Firmware OTA" and risks["C6"] == (82.0, "#,##0")
    alerts = book.cells("Alerts")
    assert alerts["A6"][0] == "Firmware OTA is 4 days late" and alerts["E6"][0] == "2026-11-20"
    bottlenecks = book.cells("Bottlenecks")
    assert bottlenecks["C6"] == (3.5, "#,##0.0")


def test_dashboard_workbook_of_the_shared_sample_and_of_nothing():
    sample = Path("/work/wt/notes/dashboard_sample.json")
    if sample.exists():
        book = Book(dashboard_workbook(json.loads(sample.read_text())))
        assert len(book.charts("Charts")) == 3
    empty = Book(dashboard_workbook({"kpis": []}, {"empty": "无数据"}))
    assert empty.charts("Charts") == []
    assert empty.cells("Charts")["A1"][0] == "无数据"


# What Odoo's PivotModel.exportData() posts for tasks by project (rows,
# expanded by stage for one project) x "is late" (columns), two measures;
# the flow_kpi_pivot view adds "measures" and "value_columns".
PIVOT = {
    "model": "project.flow.kpi.task",
    "title": "KPI tasks",
    "col_group_headers": [
        [{"title": "Total", "width": 6, "height": 1, "is_bold": False}],
        [
            {"title": "On time", "width": 2, "height": 1, "is_bold": False},
            {"title": "Late", "width": 2, "height": 1, "is_bold": False},
        ],
    ],
    "measure_headers": [
        {"title": "On-time rate", "width": 1, "height": 1, "is_bold": False},
        {"title": "Effective hours", "width": 1, "height": 1, "is_bold": False},
        {"title": "On-time rate", "width": 1, "height": 1, "is_bold": False},
        {"title": "Effective hours", "width": 1, "height": 1, "is_bold": False},
        {"title": "On-time rate", "width": 1, "height": 1, "is_bold": True},
        {"title": "Effective hours", "width": 1, "height": 1, "is_bold": True},
    ],
    "origin_headers": [],
    "rows": [
        {
            "title": "Total",
            "indent": 0,
            "values": [
                {"value": 100, "is_bold": False},
                {"value": 12.5},
                {"value": 0},
                {"value": 4.0},
                {"value": 80, "is_bold": True},
                {"value": 16.5, "is_bold": True},
            ],
        },
        {
            "title": "Smart Watch v2",
            "indent": 1,
            "values": [
                {"value": 100},
                {"value": 10.0},
                {"value": 0},
                {"value": 4.0},
                {"value": 75, "is_bold": True},
                {"value": 14.0, "is_bold": True},
            ],
        },
        {
            "title": "Testing",
            "indent": 2,
            "values": [
                {"value": 100},
                {"value": 10.0},
                {"value": ""},
                {"value": ""},
                {"value": 100, "is_bold": True},
                {"value": 10.0, "is_bold": True},
            ],
        },
        {
            "title": "双十一营销活动",
            "indent": 1,
            "values": [
                {"value": 100},
                {"value": 2.5},
                {"value": ""},
                {"value": ""},
                {"value": 100, "is_bold": True},
                {"value": 2.5, "is_bold": True},
            ],
        },
    ],
    "measure_count": 2,
    "origin_count": 1,
    "measures": [
        {"name": "on_time_rate", "string": "On-time rate", "type": "float", "widget": False},
        {
            "name": "effective_hours",
            "string": "Effective hours",
            "type": "float",
            "widget": "float_time",
        },
    ],
}


def test_measure_formats():
    assert measure_format({"name": "on_time_rate", "type": "float"}) == PIVOT_PERCENT_NUMBER
    assert (
        measure_format({"name": "share", "type": "float", "widget": "percentage"}) == PERCENT_FORMAT
    )
    assert measure_format({"name": "planned_hours", "type": "float"}) == PIVOT_ONE_DECIMAL
    assert measure_format({"name": "overrun_days", "type": "float"}) == PIVOT_ONE_DECIMAL
    assert (
        measure_format({"name": "x", "type": "float", "widget": "float_time"}) == PIVOT_ONE_DECIMAL
    )
    assert measure_format({"name": "__count", "type": "integer"}) == COUNT_FORMAT
    assert measure_format({"name": "rejection_count", "type": "integer"}) == COUNT_FORMAT
    assert measure_format({"name": "amount", "type": "monetary"}) == "#,##0.00"


def test_pivot_value_columns_with_compared_periods():
    table = {"measure_count": 2, "origin_count": 2, "rows": [{"values": [{}] * 6}]}
    columns = pivot_value_columns(table)
    assert [c["measure"] for c in columns] == [0, 0, 0, 1, 1, 1]
    assert [c["variation"] for c in columns] == [False, False, True, False, False, True]
    three = pivot_value_columns(
        {"measure_count": 1, "origin_count": 3, "rows": [{"values": [{}] * 5}]}
    )
    assert [c["variation"] for c in three] == [False, False, True, False, True]
    explicit = dict(
        table,
        measures=[{"name": "a"}, {"name": "b"}],
        value_columns=[{"measure": "b", "variation": True}] * 6,
    )
    assert pivot_value_columns(explicit)[0] == {"measure": 1, "variation": True}


def test_pivot_workbook_headers_formats_panes_and_chart():
    assert pivot_chart_rows(PIVOT) == [("Smart Watch v2", 75), ("双十一营销活动", 100)]
    book = Book(pivot_workbook(PIVOT, {"subtitle": "Printed on 2026/11/25", "chart_sheet": "图表"}))
    assert book.names() == ["KPI tasks", "图表"]
    cells = book.cells("KPI tasks")
    assert cells["A1"][0] == "KPI tasks" and cells["A2"][0] == "Printed on 2026/11/25"
    # header rows 4-6: Total over both groups, then groups, then measures
    assert cells["B4"][0] == "Total" and cells["B5"][0] == "On time" and cells["D5"][0] == "Late"
    assert cells["B6"][0] == "On-time rate" and cells["G6"][0] == "Effective hours"
    assert {"B4:G4", "B5:C5", "D5:E5", "A4:A6"} <= book.merged("KPI tasks")
    assert book.pane("KPI tasks") == ("frozen", "B7")
    assert cells["A7"][0] == "Total" and cells["A9"][0] == "Testing"
    assert cells["B8"] == (100.0, '0.0"%"')
    assert cells["C8"] == (10.0, "0.0")
    assert cells["D9"][0] is None  # an empty pivot cell stays empty
    assert cells["F10"] == (100.0, '0.0"%"')
    styles = book._xml("xl/styles.xml")
    indents = {a.get("indent") for a in styles.iter(f"{{{NS['m']}}}alignment") if a.get("indent")}
    assert {"1", "2"} <= indents
    chart_cells = book.cells("图表")
    assert chart_cells["B1"][0] == "On-time rate"
    assert [chart_cells["A2"][0], chart_cells["B2"][0], chart_cells["A3"][0]] == [
        "Smart Watch v2",
        75.0,
        "双十一营销活动",
    ]
    charts = book.charts("图表")
    assert (
        len(charts) == 1 and "<c:barChart>" in charts[0] and re.search(r"\$B\$2:\$B\$3", charts[0])
    )


def test_pivot_workbook_of_odoo_plain_export_and_compared_periods():
    """A payload straight from Odoo's exportData (no measure metadata), with
    two compared periods: variations in percent, a header taller than one
    row (the grand total) pushes the next row's headers right."""
    table = {
        "model": "project.task",
        "title": "Tasks",
        "col_group_headers": [
            [
                {"title": "Total", "width": 3, "height": 1},
            ],
        ],
        "measure_headers": [{"title": "Count", "width": 3, "height": 1, "is_bold": True}],
        "origin_headers": [
            {"title": "Nov", "width": 1, "height": 1, "is_bold": True},
            {"title": "Oct", "width": 1, "height": 1, "is_bold": True},
            {"title": "Variation", "width": 1, "height": 1, "is_bold": True},
        ],
        "rows": [
            {
                "title": "Total",
                "indent": 0,
                "values": [{"value": 4}, {"value": 2}, {"value": 100.0}],
            }
        ],
        "measure_count": 1,
        "origin_count": 2,
    }
    book = Book(pivot_workbook(table))
    cells = book.cells("Tasks")
    assert cells["B3"][0] == "Total" and "B3:D3" in book.merged("Tasks")
    assert cells["B4"][0] == "Count" and "B4:D4" in book.merged("Tasks")
    assert cells["D5"][0] == "Variation"
    assert cells["B6"] == (4.0, "#,##0.00") and cells["D6"] == (100.0, '0.0"%"')
    assert book.pane("Tasks") == ("frozen", "B6")
    assert book.cells("Chart")["B2"][0] == 4.0
