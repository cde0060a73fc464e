"""File names, time zones, Excel column lists, statuses and error codes (pure functions)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from patchwatch.errors import Invalid
from patchwatch.rollouts import parsing
from patchwatch.rollouts.reports import name_target


def test_the_sccm_file_name_names_cycle_deployment_and_moment_in_kazan_time() -> None:
    parts = parsing.parse_file_name("May-Win10_CU-200521-0300KZN.xlsx")
    assert parts is not None
    assert (parts.cycle, parts.deployment) == ("May", "Win10_CU")
    assert parts.reported_at.utcoffset() == timedelta(hours=3)
    assert parts.reported_at.astimezone(UTC) == datetime(2020, 5, 21, 0, 0, tzinfo=UTC)


def test_a_cycle_title_may_hold_hyphens_and_the_extension_may_be_csv() -> None:
    parts = parsing.parse_file_name("2020-May-OfficeUpdate-200601-1730CEST.csv")
    assert parts is not None
    assert (parts.cycle, parts.deployment) == ("2020-May", "OfficeUpdate")
    assert parts.reported_at.astimezone(UTC) == datetime(2020, 6, 1, 15, 30, tzinfo=UTC)


@pytest.mark.parametrize("name", ["report.xlsx", "May-Win10_CU.xlsx", "May-Win10_CU-200521.xlsx"])
def test_other_file_names_name_nothing(name: str) -> None:
    assert parsing.parse_file_name(name) is None


def test_an_unknown_time_zone_abbreviation_is_refused_by_name() -> None:
    with pytest.raises(Invalid) as refused:
        parsing.parse_file_name("May-Win10_CU-200521-0300XYZ.xlsx")
    assert refused.value.code == "unknown_time_zone"
    assert "'XYZ'" in refused.value.message


def test_an_impossible_date_in_the_file_name_is_refused() -> None:
    with pytest.raises(Invalid) as refused:
        parsing.parse_file_name("May-Win10_CU-201341-0300UTC.xlsx")
    assert refused.value.code == "invalid_file_name"


@pytest.mark.parametrize(
    ("zone", "hours"), [("UTC", 0), ("GMT", 0), ("CET", 1), ("CEST", 2), ("MSK", 3), ("EST", -5)]
)
def test_known_time_zones_have_their_fixed_offset(zone: str, hours: int) -> None:
    assert parsing.zone_named(zone).utcoffset(None) == timedelta(hours=hours)


def test_form_fields_win_over_the_file_name() -> None:
    moment = datetime(2020, 5, 22, 8, 0, tzinfo=UTC)
    target = name_target("May-Win10_CU-200521-0300KZN.xlsx", "Office", None, moment)
    assert (target.deployment, target.cycle, target.reported_at) == ("Office", "May", moment)


def test_a_file_name_without_parts_and_no_fields_is_refused_naming_what_is_missing() -> None:
    with pytest.raises(Invalid) as refused:
        name_target("status.xlsx", "Win10_CU")
    assert refused.value.code == "report_unnamed"
    assert [d["field"] for d in refused.value.details] == ["cycle", "reported_at"]


def test_excel_columns_take_letters_and_ascending_ranges() -> None:
    assert parsing.parse_excel_columns("A,C,F-G,I") == [0, 2, 5, 6, 8]
    assert parsing.parse_excel_columns("z, aa-ab") == [25, 26, 27]
    assert parsing.normalise_excel_columns("a, c,f-g") == "A,C,F-G"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("G-F", "must go up"),
        ("A,A", "must come after"),
        ("C,A", "must come after"),
        ("A,1", "not a column letter"),
        ("", "at least one column"),
        ("A-CW", "at most 100"),
        ("ABCD", "not a column letter"),
    ],
)
def test_bad_excel_columns_are_refused(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parsing.parse_excel_columns(text)


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        ("Success", "installed"),
        ("Compliant", "installed"),
        ("installed", "installed"),
        ("Error", "failed"),
        ("Failed", "failed"),
        ("In Progress", "in_progress"),
        ("Pending", "in_progress"),
        ("Downloading", "in_progress"),
        ("Unknown", "not_reported"),
        ("Not reported", "not_reported"),
        ("", "not_reported"),
        ("Superseded", "other"),
    ],
)
def test_sccm_statuses_are_normalised(raw: str, status: str) -> None:
    assert parsing.normalise_status(raw) == status


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("0x80070005", "0x80070005"),
        ("0X80070005", "0x80070005"),
        ("0x5", "0x00000005"),
        ("-2147024891", "0x80070005"),
        ("2147942405", "0x80070005"),
        ("0", None),
        ("", None),
    ],
)
def test_error_codes_become_hex(text: str, code: str | None) -> None:
    assert parsing.normalise_error_code(text) == code


@pytest.mark.parametrize("text", ["E_ACCESSDENIED", "0x800700051", "99999999999"])
def test_other_error_codes_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parsing.normalise_error_code(text)
