"""Patchwatch: which of your sites are missing (security) updates, since when, and who fixes it."""

__version__ = "0.1.0"
