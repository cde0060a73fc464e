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
