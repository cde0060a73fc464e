"""Fixtures shared with the CLI tests."""

from tests.test_cli import cli_env  # noqa: F401  (a fixture: a CLI environment with its own database)
