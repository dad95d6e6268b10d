from datetime import date

import pytest

from .. import tracking

D = date(2026, 3, 10)


@pytest.mark.parametrize(
    ("effective", "allocated", "closed", "expected"),
    [
        (0, 10, False, 0.0),
        (5, 10, False, 50.0),
        (9.95, 10, False, 99.0),  # the whole budget does not finish a task
        (30, 10, False, 99.0),  # overspent: capped
        (3, 0, False, 0.0),  # nothing allocated: not measurable
        (0, 10, True, 100.0),  # closed is complete
        (-2, 10, False, 0.0),  # a correction below zero is not negative progress
        (1, 3, False, 33.33),
    ],
)
def test_timesheet_progress(effective, allocated, closed, expected):
    assert tracking.timesheet_progress(effective, allocated, closed) == expected


@pytest.mark.parametrize(
    ("reached", "reached_date", "deadline", "expected"),
    [
        (True, D, D, ("on_time", 0)),
        (True, date(2026, 3, 9), D, ("on_time", 0)),
        (True, date(2026, 3, 13), D, ("late", 3)),
        (True, D, None, ("on_time", 0)),
        (True, None, D, ("on_time", 0)),
        (False, None, date(2026, 3, 1), ("missed", 9)),
        (False, None, D, ("open", 0)),  # due today: still open
        (False, None, date(2026, 4, 1), ("open", 0)),
        (False, None, None, ("open", 0)),
    ],
)
def test_milestone_achievement(reached, reached_date, deadline, expected):
    assert tracking.milestone_achievement(reached, reached_date, deadline, D) == expected


def test_achievement_summary_rate_over_due_milestones():
    summary = tracking.achievement_summary({"on_time": 3, "late": 1, "missed": 0, "open": 4})
    assert summary["total"] == 8
    assert summary["on_time_rate"] == 75.0
    assert tracking.achievement_summary({"open": 2})["on_time_rate"] == 0.0


LABELS = {
    "done": "Done",
    "next": "Next",
    "blockers": "Blockers",
    "missing": "Not checked in",
    "nobody_missing": "Everyone checked in.",
    "no_checkin": "No check-in today.",
    "hours": "{hours} h",
}


def test_digest_lists_sections_and_missing_people():
    body = tracking.digest_markdown(
        LABELS,
        [
            {
                "name": "Li Lei",
                "done": "API\n\n spec ",
                "next": "Tests",
                "blockers": "",
                "hours": 1.5,
            },
            {"name": "Han Mei", "done": "", "next": "Review", "blockers": "Waiting for VPN"},
        ],
        ["Zhang San", "Ann Lee"],
    )
    assert "### Done\n- **Li Lei** (1.5 h): API\n  spec" in body
    assert "### Next\n- **Li Lei**: Tests\n- **Han Mei**: Review" in body
    assert "### Blockers\n- **Han Mei**: Waiting for VPN" in body
    assert body.rstrip().endswith("### Not checked in\nAnn Lee, Zhang San")
    assert "No check-in today." not in body


def test_digest_without_checkins_and_everyone_in():
    assert tracking.digest_markdown(LABELS, [], ["Bob"]).startswith("No check-in today.")
    body = tracking.digest_markdown(LABELS, [{"name": "A", "done": "x", "hours": 2.0}], [])
    assert "- **A** (2 h): x" in body
    assert "Everyone checked in." in body
    assert "Blockers" not in body
