"""The explicit list of every consumer of domain events: one import line per module."""

from __future__ import annotations

from patchwatch.events.bus import Consumer


def consumers() -> list[Consumer]:
    """Every consumer the runner delivers to, in a stable order (names must be unique)."""
    from patchwatch.events.activity import CONSUMERS as activity
    from patchwatch.notify.consumers import CONSUMERS as notify
    from patchwatch.work.consumers import CONSUMERS as work

    found: list[Consumer] = [*activity, *notify, *work]
    names = [each.name for each in found]
    if len(names) != len(set(names)):
        raise RuntimeError(f"two consumers share a name: {sorted(names)}")
    return found
