"""KPI workbooks (xlsxwriter): the dashboard's figures and any KPI pivot view,
formatted for people who take the numbers away (headers, number formats by
unit, frozen panes, a chart sheet).

No ``odoo`` import: the caller passes the dashboard dict
(``project.flow.dashboard.get_data()``) or the pivot's export table and the
translated ``labels``; English texts here are only defaults.
"""

import io
import re

import xlsxwriter

HEALTH_FILLS = {"green": "#93C47D", "yellow": "#FFD966", "red": "#E06666"}
BETTER_COLOUR = "#38761D"
WORSE_COLOUR = "#CC0000"
HEADER_FILL = "#D9E1F2"

# Excel number formats by KPI unit; percentages arrive as 0-100 numbers and
# are written as fractions so that Excel computes with real percentages.
PERCENT_FORMAT = "0.0%"
PERCENT_CHANGE_FORMAT = "+0.0%;-0.0%;0.0%"
COUNT_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.0"
PIVOT_FLOAT_FORMAT = "#,##0.00"
PIVOT_ONE_DECIMAL = "0.0"
PIVOT_PERCENT_NUMBER = '0.0"%"'

DASHBOARD_LABELS = {
    "title": "KPI dashboard",
    "period": "Period",
    "previous_period": "Previous period",
    "filters": "Filters",
    "all": "All",
    "departments": "Departments",
    "templates": "Templates",
    "managers": "Managers",
    "kpi_sheet": "KPIs",
    "kpi": "KPI",
    "value": "Value",
    "previous": "Previous",
    "change": "Change",
    "help": "Definition",
    "hours": "h",
    "days": "d",
    "portfolio_sheet": "Portfolio",
    "project": "Project",
    "health": "Health",
    "health_score": "Health score",
    "progress": "Progress",
    "manager": "Manager",
    "department": "Department",
    "open_alerts": "Open alerts",
    "forecast_delay": "Forecast delay (days)",
    "state": "State",
    "reasons": "Reasons",
    "health_green": "Green",
    "health_yellow": "Yellow",
    "health_red": "Red",
    "review_sheet": "Monthly review",
    "review_title": "Monthly review: teams side by side",
    "chart_data_sheet": "Chart data",
    "charts_sheet": "Charts",
    "cycle_trend": "Delivery cycle trend (days)",
    "cycle_task": "Task cycle",
    "cycle_project": "Project cycle",
    "on_time_by_department": "On-time rate by department",
    "on_time_rate": "On-time rate",
    "workload": "Workload per person",
    "person": "Person",
    "open_tasks": "Open tasks",
    "logged_hours": "Hours",
    "risks_sheet": "Top risks",
    "task": "Task",
    "risk_score": "Risk score",
    "alerts_sheet": "Alerts",
    "alert": "Alert",
    "level": "Level",
    "delay_days": "Delay (days)",
    "detected": "Detected",
    "bottlenecks_sheet": "Bottlenecks",
    "phase": "Phase",
    "template": "Template",
    "avg_overrun_days": "Average overrun (days)",
    "phase_count": "Phases",
    "empty": "Nothing to show for this period.",
}

PIVOT_LABELS = {
    "chart_sheet": "Chart",
    "data_sheet": "",
    "subtitle": "",
}

_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def sheet_name(name, used=None):
    """An Excel-valid, unique sheet name (31 characters, none of ``[]:*?/\\``)."""
    base = _SHEET_NAME_FORBIDDEN.sub(" ", str(name or "Sheet")).strip("' ")[:31] or "Sheet"
    candidate, counter = base, 2
    lowered = {n.lower() for n in used or ()}
    while candidate.lower() in lowered:
        suffix = f" ({counter})"
        candidate = base[: 31 - len(suffix)] + suffix
        counter += 1
    if used is not None:
        used.add(candidate)
    return candidate


def _merge_labels(defaults, labels):
    merged = dict(defaults)
    merged.update({key: value for key, value in (labels or {}).items() if value is not None})
    return merged


# ---------------------------------------------------------------------------
# units and number formats
# ---------------------------------------------------------------------------


def unit_format(unit, labels, values=()):
    """The Excel number format of a KPI ``unit`` ("%", "h", "d" or "" for a
    count); counts keep one decimal when a value is not whole (per person
    averages)."""
    if unit == "%":
        return PERCENT_FORMAT
    if unit == "h":
        return f'{DECIMAL_FORMAT}" {labels["hours"]}"'
    if unit == "d":
        return f'{DECIMAL_FORMAT}" {labels["days"]}"'
    if any(isinstance(v, float) and not v.is_integer() for v in values if v is not None):
        return DECIMAL_FORMAT
    return COUNT_FORMAT


def change_format(unit, labels, values=()):
    """Signed format of a difference between two periods."""
    if unit == "%":
        return PERCENT_CHANGE_FORMAT
    base = unit_format(unit, labels, values)
    return f"+{base};-{base};{base}"


def excel_value(unit, value):
    """The number written for a KPI value (fractions for percentages)."""
    if value is None or value is False:
        return None
    return value / 100.0 if unit == "%" else value


def kpi_change(value, previous):
    """``value - previous`` or None when either side is unknown."""
    if value is None or previous is None or value is False or previous is False:
        return None
    return value - previous


def is_better(change, better):
    """True/False when the change is an improvement/a deterioration, None when flat."""
    if not change:
        return None
    return (change > 0) == (better != "down")


def filter_summary(data, labels):
    """Human text of the dashboard filters, names taken from ``options``."""
    filters = data.get("filters") or {}
    options = data.get("options") or {}
    parts = []
    for key in ("departments", "templates", "managers"):
        ids = filters.get(key[:-1] + "_ids") or []
        names = dict((option[0], option[1]) for option in options.get(key) or [])
        chosen = ", ".join(str(names.get(i, i)) for i in ids) or labels["all"]
        parts.append(f"{labels[key]}: {chosen}")
    return "; ".join(parts)


# ---------------------------------------------------------------------------
# the dashboard workbook
# ---------------------------------------------------------------------------


class _Formats:
    """Formats shared by the sheets of one workbook, created once each."""

    def __init__(self, workbook):
        self.workbook = workbook
        self._cache = {}
        self.title = self.get(bold=True, font_size=14)
        self.subtitle = self.get(italic=True, font_color="#555555")
        self.header = self.get(
            bold=True, bg_color=HEADER_FILL, border=1, text_wrap=True, valign="vcenter"
        )
        self.header_center = self.get(
            bold=True, bg_color=HEADER_FILL, border=1, align="center", valign="vcenter"
        )
        self.text = self.get()
        self.wrap = self.get(text_wrap=True, valign="top")
        self.date = self.get(num_format="yyyy-mm-dd")
        self.count = self.get(num_format=COUNT_FORMAT)

    def get(self, **props):
        key = tuple(sorted(props.items()))
        if key not in self._cache:
            self._cache[key] = self.workbook.add_format(props)
        return self._cache[key]


def _write_number(sheet, row, col, value, cell_format):
    if value is None or value is False or value == "":
        sheet.write_blank(row, col, None, cell_format)
    else:
        sheet.write_number(row, col, value, cell_format)


def _write_title(sheet, formats, title, subtitles):
    sheet.write(0, 0, title, formats.title)
    for index, line in enumerate(subtitles, start=1):
        sheet.write(index, 0, line, formats.subtitle)
    return len(subtitles) + 2  # first row after a blank line


def _write_headers(sheet, formats, row, headers, widths):
    for col, (name, width) in enumerate(zip(headers, widths, strict=True)):
        sheet.write(row, col, name, formats.header)
        sheet.set_column(col, col, width)
    sheet.freeze_panes(row + 1, 1)


def _kpi_sheet(workbook, formats, data, labels, title_lines, used):
    sheet = workbook.add_worksheet(sheet_name(labels["kpi_sheet"], used))
    row = _write_title(sheet, formats, *title_lines)
    headers = [labels[k] for k in ("kpi", "value", "previous", "change", "help")]
    _write_headers(sheet, formats, row, headers, [30, 14, 14, 14, 60])
    for kpi in data.get("kpis") or []:
        row += 1
        unit = kpi.get("unit") or ""
        value, previous = kpi.get("value"), kpi.get("previous")
        number = formats.get(num_format=unit_format(unit, labels, (value, previous)))
        sheet.write(row, 0, kpi.get("label") or kpi.get("key"), formats.text)
        _write_number(sheet, row, 1, excel_value(unit, value), number)
        _write_number(sheet, row, 2, excel_value(unit, previous), number)
        change = kpi_change(value, previous)
        better = is_better(change, kpi.get("better"))
        props = {"num_format": change_format(unit, labels, (value, previous))}
        if better is not None:
            props["font_color"] = BETTER_COLOUR if better else WORSE_COLOUR
        _write_number(sheet, row, 3, excel_value(unit, change), formats.get(**props))
        sheet.write(row, 4, kpi.get("help") or "", formats.wrap)
    return sheet


def _portfolio_sheet(workbook, formats, data, labels, title_lines, used):
    sheet = workbook.add_worksheet(sheet_name(labels["portfolio_sheet"], used))
    row = _write_title(sheet, formats, *title_lines)
    keys = (
        "project",
        "health",
        "health_score",
        "progress",
        "manager",
        "department",
        "open_alerts",
        "forecast_delay",
        "state",
        "reasons",
    )
    _write_headers(
        sheet, formats, row, [labels[k] for k in keys], [32, 10, 12, 10, 20, 18, 11, 14, 12, 60]
    )
    percent = formats.get(num_format=PERCENT_FORMAT)
    states = labels.get("states") or {}
    for project in data.get("portfolio") or []:
        row += 1
        health = project.get("health") or ""
        sheet.write(row, 0, project.get("name") or "", formats.text)
        fill = HEALTH_FILLS.get(health)
        health_format = formats.get(bg_color=fill, align="center") if fill else formats.text
        sheet.write(row, 1, labels.get(f"health_{health}", health) if health else "", health_format)
        _write_number(sheet, row, 2, project.get("health_score"), formats.count)
        _write_number(sheet, row, 3, excel_value("%", project.get("progress")), percent)
        sheet.write(row, 4, project.get("manager") or "", formats.text)
        sheet.write(row, 5, project.get("department") or "", formats.text)
        _write_number(sheet, row, 6, project.get("open_alerts"), formats.count)
        _write_number(sheet, row, 7, project.get("forecast_delay"), formats.count)
        state = project.get("flow_state") or ""
        sheet.write(row, 8, states.get(state, state), formats.text)
        sheet.write(row, 9, project.get("health_reasons") or "", formats.wrap)
    return sheet


def _review_sheet(workbook, formats, data, labels, title_lines, used):
    """Teams side by side: a pair of columns (value, previous) per department."""
    sheet = workbook.add_worksheet(sheet_name(labels["review_sheet"], used))
    review = data.get("monthly_review") or {}
    columns = review.get("columns") or []
    title, subtitles = title_lines
    row = _write_title(sheet, formats, labels["review_title"], [title, *subtitles])
    sheet.set_column(0, 0, 30)
    sheet.write(row, 0, labels["kpi"], formats.header)
    sheet.write(row + 1, 0, "", formats.header)
    for index, column in enumerate(columns):
        col = 1 + 2 * index
        sheet.merge_range(row, col, row, col + 1, column.get("name") or "", formats.header_center)
        sheet.write(row + 1, col, labels["value"], formats.header)
        sheet.write(row + 1, col + 1, labels["previous"], formats.header)
        sheet.set_column(col, col + 1, 12)
    sheet.freeze_panes(row + 2, 1)
    row += 1
    for line in review.get("rows") or []:
        row += 1
        unit = line.get("unit") or ""
        values = line.get("values") or []
        previous = line.get("previous") or []
        number = formats.get(num_format=unit_format(unit, labels, (*values, *previous)))
        shaded = formats.get(
            num_format=unit_format(unit, labels, (*values, *previous)), font_color="#777777"
        )
        sheet.write(row, 0, line.get("label") or line.get("key"), formats.text)
        for index in range(len(columns)):
            value = values[index] if index < len(values) else None
            before = previous[index] if index < len(previous) else None
            _write_number(sheet, row, 1 + 2 * index, excel_value(unit, value), number)
            _write_number(sheet, row, 2 + 2 * index, excel_value(unit, before), shaded)
    return sheet


def _chart_sheets(workbook, formats, data, labels, used):
    """The chart data (a plain table per chart) and a sheet with the charts
    drawn from it: delivery cycle trend (lines), on-time rate by department
    and workload per person (bars)."""
    charts = data.get("charts") or {}
    data_sheet = workbook.add_worksheet(sheet_name(labels["chart_data_sheet"], used))
    data_name = data_sheet.get_name()
    one_decimal = formats.get(num_format=DECIMAL_FORMAT)
    percent = formats.get(num_format=PERCENT_FORMAT)

    def table(first_col, title, headers, columns, number_formats):
        data_sheet.write(0, first_col, title, formats.title)
        for offset, name in enumerate(headers):
            data_sheet.write(1, first_col + offset, name, formats.header)
            data_sheet.set_column(first_col + offset, first_col + offset, 16 if offset else 22)
        length = len(columns[0]) if columns else 0
        for index in range(length):
            data_sheet.write(2 + index, first_col, columns[0][index], formats.text)
            for offset, column in enumerate(columns[1:], start=1):
                value = column[index] if index < len(column) else None
                _write_number(
                    data_sheet, 2 + index, first_col + offset, value, number_formats[offset - 1]
                )
        return length

    trend = charts.get("cycle_trend") or {}
    trend_rows = table(
        0,
        labels["cycle_trend"],
        [labels["period"], labels["cycle_task"], labels["cycle_project"]],
        [trend.get("labels") or [], trend.get("task") or [], trend.get("project") or []],
        [one_decimal, one_decimal],
    )
    on_time = charts.get("on_time_by_department") or {}
    on_time_rows = table(
        4,
        labels["on_time_by_department"],
        [labels["department"], labels["on_time_rate"]],
        [on_time.get("labels") or [], [excel_value("%", v) for v in on_time.get("values") or []]],
        [percent],
    )
    workload = charts.get("workload") or {}
    workload_rows = table(
        7,
        labels["workload"],
        [labels["person"], labels["open_tasks"], labels["logged_hours"]],
        [
            workload.get("labels") or [],
            workload.get("open_tasks") or [],
            workload.get("hours") or [],
        ],
        [formats.count, one_decimal],
    )
    data_sheet.freeze_panes(2, 0)

    sheet = workbook.add_worksheet(sheet_name(labels["charts_sheet"], used))

    def series(chart, name_col, value_col, rows, **extra):
        chart.add_series(
            {
                "name": [data_name, 1, value_col],
                "categories": [data_name, 2, name_col, 1 + rows, name_col],
                "values": [data_name, 2, value_col, 1 + rows, value_col],
                **extra,
            }
        )

    placed = 0
    if trend_rows:
        chart = workbook.add_chart({"type": "line"})
        series(chart, 0, 1, trend_rows, marker={"type": "circle"})
        series(chart, 0, 2, trend_rows, marker={"type": "square"}, y2_axis=True)
        chart.set_title({"name": labels["cycle_trend"]})
        chart.show_blanks_as("span")
        chart.set_y_axis({"name": labels["cycle_task"]})
        chart.set_y2_axis({"name": labels["cycle_project"]})
        sheet.insert_chart(1, 1, chart, {"x_scale": 1.5, "y_scale": 1.2})
        placed += 1
    if on_time_rows:
        chart = workbook.add_chart({"type": "column"})
        series(chart, 4, 5, on_time_rows, data_labels={"value": True})
        chart.set_title({"name": labels["on_time_by_department"]})
        chart.set_legend({"none": True})
        chart.set_y_axis({"num_format": "0%", "min": 0, "max": 1})
        sheet.insert_chart(1, 13, chart, {"x_scale": 1.2, "y_scale": 1.2})
        placed += 1
    if workload_rows:
        chart = workbook.add_chart({"type": "bar"})
        series(chart, 7, 8, workload_rows)
        series(chart, 7, 9, workload_rows)
        chart.set_title({"name": labels["workload"]})
        sheet.insert_chart(20, 1, chart, {"x_scale": 1.5, "y_scale": 1.4})
        placed += 1
    if not placed:
        sheet.write(0, 0, labels["empty"], formats.subtitle)
    return sheet


def _list_sheet(workbook, formats, title_lines, used, name, columns, rows):
    """A plain list: ``columns`` = [(header, width, getter, kind)] with kind
    ``text``, ``count``, ``decimal`` or ``date``."""
    sheet = workbook.add_worksheet(sheet_name(name, used))
    row = _write_title(sheet, formats, *title_lines)
    _write_headers(sheet, formats, row, [c[0] for c in columns], [c[1] for c in columns])
    kinds = {
        "text": formats.wrap,
        "count": formats.count,
        "decimal": formats.get(num_format=DECIMAL_FORMAT),
        "date": formats.date,
    }
    for record in rows:
        row += 1
        for col, (_header, _width, getter, kind) in enumerate(columns):
            value = getter(record)
            if kind == "text":
                sheet.write_string(
                    row, col, str(value) if value not in (None, False) else "", kinds[kind]
                )
            elif kind == "date" and value:
                sheet.write(row, col, str(value), kinds[kind])
            else:
                _write_number(sheet, row, col, value, kinds[kind])
    return sheet


def dashboard_workbook(data, labels=None):
    """The dashboard as a workbook (bytes).

    :param data: a ``project.flow.dashboard.get_data()`` dict
    :param labels: translated texts (keys of ``DASHBOARD_LABELS``), plus
        optional ``states`` ({flow_state: label}), ``levels`` ({alert level:
        label}) and ``generated`` (a line such as "Printed on 2026-11-25")
    """
    labels = _merge_labels(DASHBOARD_LABELS, labels)
    period = data.get("period") or {}
    title = f"{labels['title']} - {period.get('label', '')}".strip(" -")
    subtitles = [
        f"{labels['period']}: {period.get('start', '')} - {period.get('end', '')}; "
        f"{labels['previous_period']}: {period.get('previous_start', '')} - "
        f"{period.get('previous_end', '')}",
        f"{labels['filters']}: {filter_summary(data, labels)}",
    ]
    if labels.get("generated"):
        subtitles.append(labels["generated"])
    title_lines = (title, subtitles)
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True})
    workbook.set_properties({"title": title})
    formats = _Formats(workbook)
    used = set()
    _kpi_sheet(workbook, formats, data, labels, title_lines, used)
    _portfolio_sheet(workbook, formats, data, labels, title_lines, used)
    _review_sheet(workbook, formats, data, labels, title_lines, used)
    _chart_sheets(workbook, formats, data, labels, used)
    _list_sheet(
        workbook,
        formats,
        title_lines,
        used,
        labels["risks_sheet"],
        [
            (labels["task"], 40, lambda r: r.get("name"), "text"),
            (labels["project"], 28, lambda r: r.get("project"), "text"),
            (labels["risk_score"], 11, lambda r: r.get("score"), "count"),
            (labels["reasons"], 60, lambda r: r.get("reasons"), "text"),
        ],
        data.get("top_risks") or [],
    )
    levels = labels.get("levels") or {}
    _list_sheet(
        workbook,
        formats,
        title_lines,
        used,
        labels["alerts_sheet"],
        [
            (labels["alert"], 45, lambda r: r.get("name"), "text"),
            (labels["level"], 10, lambda r: levels.get(r.get("level"), r.get("level")), "text"),
            (labels["project"], 28, lambda r: r.get("project"), "text"),
            (labels["delay_days"], 12, lambda r: r.get("delay_days"), "count"),
            (labels["detected"], 12, lambda r: r.get("detected"), "date"),
        ],
        data.get("open_alerts") or [],
    )
    _list_sheet(
        workbook,
        formats,
        title_lines,
        used,
        labels["bottlenecks_sheet"],
        [
            (labels["phase"], 30, lambda r: r.get("name"), "text"),
            (labels["template"], 28, lambda r: r.get("template"), "text"),
            (labels["avg_overrun_days"], 18, lambda r: r.get("avg_overrun_days"), "decimal"),
            (labels["phase_count"], 10, lambda r: r.get("count"), "count"),
        ],
        data.get("bottlenecks") or [],
    )
    workbook.close()
    return output.getvalue()


# ---------------------------------------------------------------------------
# the pivot workbook
# ---------------------------------------------------------------------------


def measure_format(measure):
    """The Excel number format of a pivot measure, from its field name, type
    and widget (``{"name", "type", "widget"}``): percent for ``*_rate``
    (``percentage`` widget values are fractions, others 0-100), one decimal
    for hours and days, integers for counts, two decimals otherwise."""
    name = measure.get("name") or ""
    field_type = measure.get("type") or ""
    widget = measure.get("widget") or ""
    if name.endswith("_rate") or widget == "percentage":
        return PERCENT_FORMAT if widget == "percentage" else PIVOT_PERCENT_NUMBER
    if name == "__count" or field_type == "integer":
        return COUNT_FORMAT
    if widget == "float_time" or "hours" in name or "days" in name or name.endswith("_hours"):
        return PIVOT_ONE_DECIMAL
    return PIVOT_FLOAT_FORMAT


def pivot_value_columns(table):
    """For each value column of a row: ``{"measure": index, "variation": bool}``.

    Odoo's export lays out, for every column group, the measures in order
    and, per measure, the compared periods each followed by its variation
    (``2 * origin_count - 1`` columns); the browser may also send them
    explicitly as ``value_columns`` (the flow_kpi_pivot view does)."""
    measure_count = max(int(table.get("measure_count") or 1), 1)
    origin_count = max(int(table.get("origin_count") or 1), 1)
    width = 2 * origin_count - 1
    rows = table.get("rows") or []
    length = len(rows[0]["values"]) if rows else 0
    explicit = table.get("value_columns")
    names = [m.get("name") for m in table.get("measures") or []]
    if explicit and len(explicit) == length:
        columns = []
        for column in explicit:
            measure = column.get("measure")
            index = names.index(measure) if measure in names else 0
            columns.append({"measure": index, "variation": bool(column.get("variation"))})
        return columns
    return [
        {"measure": (col // width) % measure_count, "variation": _is_variation(col % width)}
        for col in range(length)
    ]


def _is_variation(position):
    """Within a measure's columns Odoo writes origin 0, then each further
    origin followed by its variation against the one before."""
    return position > 0 and position % 2 == 0


def _header_grid(table):
    """Placed header cells ``(row, col, height, width, title, bold)`` of the
    column headers (col 0 is the row headers' column), as Odoo draws them:
    a header taller than one row (a group's total) pushes the next rows'
    headers to the right."""
    cells = []
    occupied = set()
    row = 0
    for header_row in table.get("col_group_headers") or []:
        col = 1
        for header in header_row:
            while (row, col) in occupied:
                col += 1
            width = max(int(header.get("width") or 1), 1)
            height = max(int(header.get("height") or 1), 1)
            cells.append((row, col, height, width, header.get("title") or "", False))
            for r in range(row, row + height):
                for c in range(col, col + width):
                    occupied.add((r, c))
            col += width
        row += 1
    for key in ("measure_headers", "origin_headers"):
        headers = table.get(key) or []
        if not headers:
            continue
        col = 1
        for header in headers:
            width = max(int(header.get("width") or 1), 1)
            cells.append(
                (row, col, 1, width, header.get("title") or "", bool(header.get("is_bold")))
            )
            col += width
        row += 1
    return cells, row


def pivot_workbook(table, labels=None):
    """A pivot view's export (Odoo's ``PivotModel.exportData()`` dict, with
    optional ``measures`` [{name, string, type, widget}] and
    ``value_columns``) as a formatted workbook (bytes).

    :param labels: translated texts: ``chart_sheet``, optional ``subtitle``
        (a line under the title) and ``data_sheet`` (defaults to the title)
    """
    labels = _merge_labels(PIVOT_LABELS, labels)
    title = table.get("title") or ""
    measures = list(table.get("measures") or [])
    measure_titles = [h.get("title") for h in table.get("measure_headers") or []]
    measure_count = max(int(table.get("measure_count") or 1), 1)
    while len(measures) < measure_count:
        index = len(measures)
        measures.append(
            {"name": "", "string": measure_titles[index] if index < len(measure_titles) else ""}
        )
    columns = pivot_value_columns(table)

    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True})
    workbook.set_properties({"title": title})
    formats = _Formats(workbook)
    used = set()
    sheet = workbook.add_worksheet(sheet_name(labels["data_sheet"] or title or "Pivot", used))
    sheet.write(0, 0, title, formats.title)
    top = 1
    if labels.get("subtitle"):
        sheet.write(1, 0, labels["subtitle"], formats.subtitle)
        top = 2
    top += 1  # a blank line before the table

    cells, header_rows = _header_grid(table)
    header_bold = formats.get(
        bold=True, bg_color=HEADER_FILL, border=1, align="center", valign="vcenter"
    )
    header_plain = formats.get(bg_color=HEADER_FILL, border=1, align="center", valign="vcenter")
    corner = formats.get(bg_color=HEADER_FILL, border=1)
    if header_rows > 1:
        sheet.merge_range(top, 0, top + header_rows - 1, 0, "", corner)
    elif header_rows:
        sheet.write_blank(top, 0, None, corner)
    for row, col, height, width, text, bold in cells:
        style = header_bold if bold or row < header_rows - 1 else header_plain
        if height > 1 or width > 1:
            sheet.merge_range(top + row, col, top + row + height - 1, col + width - 1, text, style)
        else:
            sheet.write(top + row, col, text, style)

    number_formats = [formats.get(num_format=measure_format(m)) for m in measures]
    bold_formats = [formats.get(num_format=measure_format(m), bold=True) for m in measures]
    variation = formats.get(num_format=PIVOT_PERCENT_NUMBER, italic=True)
    row_formats = {}
    first_data = top + header_rows
    longest = 10
    for offset, pivot_row in enumerate(table.get("rows") or []):
        row = first_data + offset
        indent = int(pivot_row.get("indent") or 0)
        if indent not in row_formats:
            props = {
                "indent": indent,
                "bg_color": "#F3F3F3",
                "border": 1,
                "border_color": "#DDDDDD",
            }
            if indent == 0:
                props["bold"] = True
            row_formats[indent] = formats.get(**props)
        text = str(pivot_row.get("title") or "")
        longest = max(longest, len(text) + 2 * indent)
        sheet.write_string(row, 0, text, row_formats[indent])
        for col, cell in enumerate(pivot_row.get("values") or []):
            column = columns[col] if col < len(columns) else {"measure": 0, "variation": False}
            if column["variation"]:
                cell_format = variation
            else:
                chosen = bold_formats if cell.get("is_bold") else number_formats
                cell_format = chosen[min(column["measure"], len(chosen) - 1)]
            value = cell.get("value")
            if isinstance(value, bool) or not isinstance(value, int | float):
                sheet.write_blank(row, 1 + col, None, cell_format)
            else:
                sheet.write_number(row, 1 + col, value, cell_format)
    sheet.set_column(0, 0, min(longest + 2, 60))
    if columns:
        sheet.set_column(1, len(columns), 14)
    sheet.freeze_panes(first_data, 1)

    _pivot_chart(workbook, formats, table, labels, measures, used)
    workbook.close()
    return output.getvalue()


def pivot_chart_rows(table):
    """``[(title, value)]`` of the first measure for the top-level row groups
    (indent 1; indent 0 is the grand total row), read from the row total
    columns (the last block of columns); the grand total alone when the
    rows are not grouped."""
    measure_count = max(int(table.get("measure_count") or 1), 1)
    origin_count = max(int(table.get("origin_count") or 1), 1)
    block = measure_count * (2 * origin_count - 1)
    rows = table.get("rows") or []
    top_level = [row for row in rows if int(row.get("indent") or 0) == 1] or rows[:1]
    result = []
    for row in top_level:
        values = row.get("values") or []
        value = values[len(values) - block].get("value") if len(values) >= block else None
        if isinstance(value, bool) or not isinstance(value, int | float):
            value = None
        result.append((str(row.get("title") or ""), value))
    return result


def _pivot_chart(workbook, formats, table, labels, measures, used):
    sheet = workbook.add_worksheet(sheet_name(labels["chart_sheet"], used))
    name = sheet.get_name()
    first = measures[0] if measures else {}
    measure_title = first.get("string") or ""
    rows = pivot_chart_rows(table)
    number = formats.get(num_format=measure_format(first))
    sheet.write(0, 0, table.get("title") or "", formats.header)
    sheet.write(0, 1, measure_title, formats.header)
    for index, (title, value) in enumerate(rows, start=1):
        sheet.write_string(index, 0, title, formats.text)
        _write_number(sheet, index, 1, value, number)
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, 1, 14)
    sheet.freeze_panes(1, 0)
    if not rows:
        return sheet
    chart = workbook.add_chart({"type": "column"})
    chart.add_series(
        {
            "name": [name, 0, 1],
            "categories": [name, 1, 0, len(rows), 0],
            "values": [name, 1, 1, len(rows), 1],
            "data_labels": {"value": True},
        }
    )
    chart.set_title({"name": measure_title})
    chart.set_legend({"none": True})
    sheet.insert_chart(1, 3, chart, {"x_scale": 1.6, "y_scale": 1.4})
    return sheet
