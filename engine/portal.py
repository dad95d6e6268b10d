"""Pure helpers of the collaborator portal: upload checks and the read-only
Gantt summary (bar positions in percent of the project's time span)."""

from dataclasses import dataclass
from datetime import date

DEFAULT_MAX_MB = 10
# MIME families a document upload may claim; the extension decides the rest.
ALLOWED_MIME_PREFIXES = ("application/", "image/", "text/")


@dataclass(frozen=True)
class UploadProblem:
    """Why an upload is refused; ``code`` is 'empty', 'too_big', 'extension' or
    'mime'; ``params`` feed the translated message."""

    code: str
    params: dict


def parse_extensions(value):
    """'pdf, .DOCX ,png' -> frozenset({'pdf', 'docx', 'png'})."""
    return frozenset(
        part.strip().lstrip(".").lower() for part in (value or "").split(",") if part.strip()
    )


def parse_max_mb(value, default=DEFAULT_MAX_MB):
    try:
        size = float(value)
    except (TypeError, ValueError):
        return default
    if size <= 0:
        return default
    # "10" reads better than "10.0" in the messages
    return int(size) if size.is_integer() else size


def check_upload(filename, size, mimetype, allowed_extensions, max_mb):
    """Return an :class:`UploadProblem` or None when the file may be stored."""
    if not filename or not size:
        return UploadProblem("empty", {})
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in allowed_extensions:
        return UploadProblem(
            "extension",
            {"extension": extension or "-", "allowed": ", ".join(sorted(allowed_extensions))},
        )
    if mimetype and not mimetype.startswith(ALLOWED_MIME_PREFIXES):
        return UploadProblem("mime", {"mimetype": mimetype})
    if size > max_mb * 1024 * 1024:
        return UploadProblem("too_big", {"size": round(size / 1024 / 1024, 1), "max": max_mb})
    return None


@dataclass(frozen=True)
class Bar:
    key: object
    offset: float  # percent of the span, from the left
    width: float  # percent of the span
    start: date
    end: date


def gantt_bars(items, today=None):
    """Lay out ``items`` (key, start, end) on one shared time axis.

    Items without a start or end are left out; an end before its start is
    treated as a one-day bar.  Returns (bars, span_start, span_end,
    today_offset or None); every bar is at least 1% wide so it stays visible.
    """
    dated = [(key, start, max(start, end)) for key, start, end in items if start and end]
    if not dated:
        return [], None, None, None
    span_start = min(start for _key, start, _end in dated)
    span_end = max(end for _key, _start, end in dated)
    days = (span_end - span_start).days + 1
    bars = []
    for key, start, end in dated:
        offset = (start - span_start).days * 100.0 / days
        width = max(((end - start).days + 1) * 100.0 / days, 1.0)
        bars.append(Bar(key, round(offset, 2), round(min(width, 100.0 - offset), 2), start, end))
    today_offset = None
    if today and span_start <= today <= span_end:
        today_offset = round((today - span_start).days * 100.0 / days, 2)
    return bars, span_start, span_end, today_offset
