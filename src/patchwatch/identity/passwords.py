"""The password policy: minimum length and a refusal of common passwords."""

from __future__ import annotations

from patchwatch.errors import Invalid

MIN_LENGTH = 10
MAX_LENGTH = 256

# The most common passwords of at least ten characters in public breach corpora.
COMMON_PASSWORDS = frozenset(
    {
        "1234567890",
        "0123456789",
        "12345678910",
        "123456789a",
        "1q2w3e4r5t",
        "1qaz2wsx3edc",
        "qwertyuiop",
        "qwerty1234",
        "qwerty12345",
        "qwerty123456",
        "password123",
        "password1234",
        "password12",
        "passw0rd123",
        "iloveyou123",
        "abcdefghij",
        "abc1234567",
        "1111111111",
        "0000000000",
        "aaaaaaaaaa",
        "asdfghjkl1",
        "zxcvbnm123",
        "letmein123",
        "welcome123",
        "administrator",
        "adminadmin",
        "admin12345",
        "changeme123",
        "princess123",
        "football123",
        "baseball123",
        "sunshine123",
        "superman123",
        "trustno1234",
        "monkey12345",
        "dragon12345",
        "michael123",
        "patchwatch",
        "patchwatch1",
        "patchwatch123",
    }
)


def check_password_policy(
    password: str,
    *,
    login: str | None = None,
    email: str | None = None,
    min_length: int = MIN_LENGTH,
) -> None:
    """Raise ``Invalid`` (field ``password``) when the password is too weak."""
    problems = []
    if len(password) < min_length:
        problems.append(f"must be at least {min_length} characters long")
    if len(password) > MAX_LENGTH:
        problems.append(f"must be at most {MAX_LENGTH} characters long")
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS or len(set(password)) <= 2:
        problems.append("is too common")
    if (login and lowered == login.lower()) or (email and lowered == email.lower()):
        problems.append("must not be your login or email")
    if problems:
        raise Invalid(
            "The password is too weak: it " + ", and it ".join(problems) + ".",
            code="weak_password",
            details=[{"field": "password", "message": p} for p in problems],
        )
