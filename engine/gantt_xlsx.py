"""The Gantt as an XLSX workbook (xlsxwriter): a row per task, its bar drawn
across day or week columns, the critical path and milestones marked.

No ``odoo`` import: the caller passes plain rows and translated labels
(``models/project_task.py`` builds them from the Gantt payload, so the
file shows exactly what the user may see on screen).
"""

import io
from datetime import timedelta

import xlsxwriter

MILESTONE = "\u25c6"  # ◆

# Bar colours by health (the critical path overrides them), as on screen.
HEALTH_COLOURS = {
    "ok": "#6FA8DC",
    "at_risk": "#F6B26B",
    "late": "#E06666",
    "conflict": "#E06666",
    "done": "#93C47D",
}
CRITICAL_COLOUR = "#D9534F"

# Columns before the timeline: task, phase, assignees, start, finish, float,
# critical, progress.
FIXED_COLUMNS = 8
MAX_TIMELINE_COLUMNS = 730


def timeline_columns(first, last, unit):
    """The timeline columns covering ``first`` .. ``last`` (dates): a list of
    ``(start, end)`` with ``end`` exclusive; a day each, or a week each
    starting on Monday."""
    if unit == "week":
        start = first - timedelta(days=first.weekday())
        step = timedelta(days=7)
    else:
        start = first
        step = timedelta(days=1)
    columns = []
    while start <= last and len(columns) < MAX_TIMELINE_COLUMNS:
        columns.append((start, start + step))
        start += step
    return columns


def bar_columns(start, finish, columns):
    """Indexes of the timeline columns a bar from ``start`` to ``finish``
    (included) covers."""
    if not start:
        return []
    finish = finish or start
    return [
        index
        for index, (col_start, col_end) in enumerate(columns)
        if col_start <= finish and start < col_end
    ]


def build_gantt_xlsx(title, rows, labels, unit="day", today=None):
    """The workbook, as bytes.

    :param title: first line of the sheet
    :param rows: list of dicts, in display order: either a group
        ``{"group": label}`` or a task ``{"name", "phase", "assignees",
        "start", "finish" (dates or None), "milestone", "critical", "health",
        "total_float", "progress" (0-100)}``
    :param labels: translated texts: ``task``, ``phase``, ``assignees``,
        ``start``, ``finish``, ``float``, ``critical``, ``progress``, ``yes``,
        ``legend``, ``sheet``
    :param unit: ``day`` or ``week`` columns
    :param today: date marked in the header (optional)
    """
    days = [d for row in rows for d in (row.get("start"), row.get("finish")) if d]
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True})
    sheet = workbook.add_worksheet(labels.get("sheet", "Gantt")[:31])
    bold = workbook.add_format({"bold": True})
    title_format = workbook.add_format({"bold": True, "font_size": 14})
    header = workbook.add_format({"bold": True, "bg_color": "#EEEEEE", "border": 1})
    column_header = workbook.add_format(
        {
            "bold": True,
            "bg_color": "#EEEEEE",
            "border": 1,
            "rotation": 90,
            "align": "center",
            "num_format": "mm-dd",
        }
    )
    today_header = workbook.add_format(
        {
            "bold": True,
            "bg_color": "#3D85C6",
            "font_color": "#FFFFFF",
            "border": 1,
            "rotation": 90,
            "align": "center",
            "num_format": "mm-dd",
        }
    )
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    critical_text = workbook.add_format({"font_color": CRITICAL_COLOUR, "bold": True})
    group_format = workbook.add_format({"bold": True, "bg_color": "#D9D9D9"})
    fills = {
        health: workbook.add_format({"bg_color": colour, "border": 1, "border_color": "#FFFFFF"})
        for health, colour in HEALTH_COLOURS.items()
    }
    critical_fill = workbook.add_format(
        {"bg_color": CRITICAL_COLOUR, "border": 1, "border_color": "#FFFFFF"}
    )
    milestone_format = workbook.add_format({"align": "center", "bold": True})
    critical_milestone = workbook.add_format(
        {"align": "center", "bold": True, "font_color": CRITICAL_COLOUR}
    )

    sheet.write(0, 0, title, title_format)
    legend = labels.get("legend")
    if legend:
        sheet.write(1, 0, legend)
    header_row = 3
    names = [
        labels["task"],
        labels["phase"],
        labels["assignees"],
        labels["start"],
        labels["finish"],
        labels["float"],
        labels["critical"],
        labels["progress"],
    ]
    for col, name in enumerate(names):
        sheet.write(header_row, col, name, header)
    sheet.set_column(0, 0, 36)
    sheet.set_column(1, 2, 18)
    sheet.set_column(3, 4, 11)
    sheet.set_column(5, 7, 8)
    columns = timeline_columns(min(days), max(days), unit) if days else []
    for index, (col_start, col_end) in enumerate(columns):
        is_today = today is not None and col_start <= today < col_end
        sheet.write_datetime(
            header_row,
            FIXED_COLUMNS + index,
            col_start,
            today_header if is_today else column_header,
        )
    if columns:
        sheet.set_column(FIXED_COLUMNS, FIXED_COLUMNS + len(columns) - 1, 3 if unit == "day" else 4)
    sheet.set_row(header_row, 42)
    sheet.freeze_panes(header_row + 1, FIXED_COLUMNS)

    row_index = header_row + 1
    for row in rows:
        if "group" in row:
            sheet.write(row_index, 0, row["group"], group_format)
            for col in range(1, FIXED_COLUMNS):
                sheet.write_blank(row_index, col, None, group_format)
            row_index += 1
            continue
        critical = row.get("critical")
        sheet.write(row_index, 0, row["name"], critical_text if critical else None)
        sheet.write(row_index, 1, row.get("phase") or "")
        sheet.write(row_index, 2, row.get("assignees") or "")
        if row.get("start"):
            sheet.write_datetime(row_index, 3, row["start"], date_format)
        if row.get("finish"):
            sheet.write_datetime(row_index, 4, row["finish"], date_format)
        sheet.write_number(row_index, 5, row.get("total_float") or 0)
        sheet.write(row_index, 6, labels["yes"] if critical else "", bold)
        sheet.write_number(row_index, 7, row.get("progress") or 0)
        covered = bar_columns(row.get("start"), row.get("finish"), columns)
        if row.get("milestone"):
            for index in covered[-1:]:
                sheet.write(
                    row_index,
                    FIXED_COLUMNS + index,
                    MILESTONE,
                    critical_milestone if critical else milestone_format,
                )
        else:
            fill = critical_fill if critical else fills.get(row.get("health"), fills["ok"])
            for index in covered:
                sheet.write_blank(row_index, FIXED_COLUMNS + index, None, fill)
        row_index += 1
    workbook.close()
    return output.getvalue()
