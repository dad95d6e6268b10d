from datetime import date

from ..portal import check_upload, gantt_bars, parse_extensions, parse_max_mb

ALLOWED = parse_extensions("pdf, .DOCX ,png")


def test_parse_extensions_normalises():
    assert ALLOWED == {"pdf", "docx", "png"}
    assert parse_extensions("") == frozenset()


def test_parse_max_mb_falls_back():
    assert parse_max_mb("2.5") == 2.5
    assert str(parse_max_mb("10")) == "10"
    assert parse_max_mb("x") == 10
    assert parse_max_mb("0") == 10


def test_upload_accepted():
    assert check_upload("Plan.PDF", 1000, "application/pdf", ALLOWED, 10) is None


def test_upload_empty():
    assert check_upload("a.pdf", 0, "application/pdf", ALLOWED, 10).code == "empty"


def test_upload_wrong_extension():
    problem = check_upload("run.exe", 10, "application/x-msdownload", ALLOWED, 10)
    assert problem.code == "extension"
    assert problem.params == {"extension": "exe", "allowed": "docx, pdf, png"}
    assert check_upload("noext", 10, "", ALLOWED, 10).code == "extension"


def test_upload_wrong_mime():
    assert check_upload("a.pdf", 10, "video/mp4", ALLOWED, 10).code == "mime"


def test_upload_too_big():
    problem = check_upload("a.pdf", 3 * 1024 * 1024, "application/pdf", ALLOWED, 2)
    assert problem.code == "too_big"
    assert problem.params == {"size": 3.0, "max": 2}


def test_gantt_bars_layout():
    bars, start, end, today = gantt_bars(
        [
            ("a", date(2026, 1, 1), date(2026, 1, 5)),
            ("b", date(2026, 1, 6), date(2026, 1, 10)),
            ("undated", None, date(2026, 1, 3)),
        ],
        today=date(2026, 1, 6),
    )
    assert (start, end) == (date(2026, 1, 1), date(2026, 1, 10))
    assert [(b.key, b.offset, b.width) for b in bars] == [("a", 0.0, 50.0), ("b", 50.0, 50.0)]
    assert today == 50.0


def test_gantt_bars_empty_and_reversed():
    assert gantt_bars([]) == ([], None, None, None)
    bars, *_rest = gantt_bars([("x", date(2026, 1, 5), date(2026, 1, 1))])
    assert bars[0].width == 100.0
