"""Templates: what people wrote is escaped in HTML, and subjects stay on one line."""

from __future__ import annotations

from patchwatch.notify import render


def test_html_escapes_what_people_wrote_and_the_subject_is_one_line() -> None:
    data = {
        "site_name": "Shop\r\nBcc: someone@example.org",
        "starts_at": "2026-12-01T10:00:00+00:00",
        "ends_at": "2026-12-01T11:00:00+00:00",
        "reason": "<script>alert(1)</script>",
    }

    message = render.message(
        "maintenance_rejected", data, "/maintenance/x", "https://pw.example.org"
    )

    assert "\n" not in message.subject and "\r" not in message.subject
    assert "<script>" not in message.html
    assert "&lt;script&gt;" in message.html
    assert "<script>alert(1)</script>" in message.text  # plain text is shown as it is


def test_moments_read_as_minutes_in_utc_not_as_iso_timestamps() -> None:
    data = {
        "package": "drupal",
        "version": "11.2.7",
        "site_name": "Globex",
        "days": 7,
        "sla_due_at": "2026-11-29T21:08:21.619587+02:00",
        "recommended_version": "11.2.8",
    }

    message = render.message("sla_due_soon", data, "/sites/x", "https://pw.example.org")

    assert "must be applied by 2026-11-29 19:08 UTC (update to 11.2.8)" in message.text
    assert "2026-11-29 19:08 UTC" in message.html
    assert "619587" not in render.body("sla_due_soon", data)
    assert render.when("not a date") == "not a date"
