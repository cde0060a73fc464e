"""Inventory formats: Patchwatch's own JSON, a composer.lock, and drush pm:list (JSON or table).

Each parser turns a decoded body into the packages a site runs; faults raise ``Invalid`` with
the path of the offending value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from patchwatch.errors import Invalid
from patchwatch.sites.schemas import MAX_PACKAGES, NativeSnapshot

FORMATS = ("patchwatch", "composer-lock", "drush-pm-list", "drush-pm-list-table")
CONTENT_TYPES = {
    "application/vnd.patchwatch+json": "patchwatch",
    "application/vnd.composer-lock+json": "composer-lock",
    "application/vnd.drush.pm-list+json": "drush-pm-list",
    "text/plain": "drush-pm-list-table",
}
CORE_PACKAGES = ("drupal/core", "drupal/core-recommended", "drupal/drupal")


@dataclass(frozen=True)
class InventoryPackage:
    ecosystem: str
    name: str
    version: str | None
    package_type: str | None = None
    enabled: bool | None = None


@dataclass(frozen=True)
class Inventory:
    packages: list[InventoryPackage]
    site: dict[str, Any] | None = None
    collected_at: str | None = None


def _fault(path: str, message: str) -> Invalid:
    return Invalid(
        f"The snapshot is not valid: {path}: {message}",
        code="invalid_snapshot",
        details=[{"field": path, "message": message}],
    )


def detect_format(body: Any) -> str:
    """Guess the format of a decoded JSON body when the client did not say."""
    if isinstance(body, dict):
        packages = body.get("packages")
        if "content-hash" in body or "packages-dev" in body or "_readme" in body:
            return "composer-lock"
        if isinstance(packages, list):
            return "patchwatch"
        if body and all(isinstance(v, dict) and "version" in v for v in body.values()):
            return "drush-pm-list"
    raise _fault("body", "unrecognised format; pass ?format=patchwatch|composer-lock|drush-pm-list")


def parse(format_name: str, body: Any) -> Inventory:
    parser = {
        "patchwatch": parse_native,
        "composer-lock": parse_composer_lock,
        "drush-pm-list": parse_drush_json,
        "drush-pm-list-table": parse_drush_table,
    }[format_name]
    inventory = parser(body)
    if len(inventory.packages) > MAX_PACKAGES:
        raise _fault("packages", f"more than {MAX_PACKAGES} packages")
    return inventory


def parse_native(body: Any) -> Inventory:
    try:
        snapshot = NativeSnapshot.model_validate(body)
    except ValidationError as exc:
        error = exc.errors()[0]
        raise _fault(".".join(str(p) for p in error["loc"]) or "body", error["msg"]) from exc
    return Inventory(
        packages=_first_per_project(
            InventoryPackage(p.ecosystem, p.name, p.version, p.type, p.enabled)
            for p in snapshot.packages
        ),
        site=snapshot.site.model_dump(mode="json", exclude_none=True) if snapshot.site else None,
        collected_at=snapshot.collected_at.isoformat() if snapshot.collected_at else None,
    )


def _text(value: Any, path: str, *, limit: int = 255) -> str:
    if not isinstance(value, str) or not value or len(value) > limit:
        raise _fault(path, f"must be a non-empty string of at most {limit} characters")
    return value


def parse_composer_lock(body: Any) -> Inventory:
    """Drupal projects from ``drupal/*`` packages (the drupal.org release name when given)."""
    if not isinstance(body, dict) or not isinstance(body.get("packages"), list):
        raise _fault("packages", "a composer.lock has a list of packages")
    found: list[InventoryPackage] = []
    for index, package in enumerate(body["packages"]):
        path = f"packages.{index}"
        if not isinstance(package, dict):
            raise _fault(path, "must be an object")
        name = _text(package.get("name"), f"{path}.name")
        version = _text(package.get("version"), f"{path}.version", limit=128)
        kind = package.get("type") if isinstance(package.get("type"), str) else None
        if name in CORE_PACKAGES:
            found.append(InventoryPackage("drupal", "drupal", version.removeprefix("v"), "core"))
        elif name.startswith("drupal/core-"):
            continue  # parts of core (scaffold, project message…), versioned with it
        elif name.startswith("drupal/"):
            extra = package.get("extra")
            drupal = extra.get("drupal") if isinstance(extra, dict) else None
            release = drupal.get("version") if isinstance(drupal, dict) else None
            drupal_version = release if isinstance(release, str) and release else version
            found.append(
                InventoryPackage("drupal", name.split("/", 1)[1], drupal_version[:128], kind)
            )
        else:
            found.append(InventoryPackage("composer", name, version, kind))
    return Inventory(packages=_first_per_project(found))


def _is_core(info: dict[str, Any]) -> bool:
    return str(info.get("package", "")).lower().startswith("core")


def _project_of(machine_name: str, info: dict[str, Any], core_version: str | None) -> str:
    """The extension's project: its ``project`` key; core's package or version; else its name."""
    project = info.get("project")
    if isinstance(project, str) and project:
        return project
    if _is_core(info) or (core_version is not None and info.get("version") == core_version):
        return "drupal"  # core modules outside package "Core" (Field types, …) share its version
    return machine_name


def parse_drush_json(body: Any) -> Inventory:
    """``drush pm:list --format=json``: extensions keyed by machine name, grouped by project."""
    if not isinstance(body, dict):
        raise _fault("body", "drush pm:list JSON is an object keyed by machine name")
    core_version = next(
        (i.get("version") for i in body.values() if isinstance(i, dict) and _is_core(i)), None
    )
    found = []
    for machine_name, info in body.items():
        path = str(machine_name)
        if not isinstance(info, dict):
            raise _fault(path, "must be an object")
        _text(machine_name, path, limit=255)
        version = info.get("version")
        if version is not None and not isinstance(version, str):
            raise _fault(f"{path}.version", "must be a string or null")
        status = str(info.get("status", "")).lower()
        found.append(
            InventoryPackage(
                "drupal",
                _project_of(machine_name, info, core_version),
                (version or None) and version[:128],
                str(info.get("type") or "")[:32] or None,
                status == "enabled" if status else None,
            )
        )
    return Inventory(packages=_first_per_project(found))


_TABLE_ROW = re.compile(
    r"^\s*(?P<package>.+?)\s{2,}(?P<name>.+?)\s\((?P<machine>[a-z0-9_]+)\)\s+"
    r"(?P<status>Enabled|Disabled|Not installed)\s+(?P<version>\S*)\s*$"
)


def parse_drush_table(body: Any) -> Inventory:
    """The default table output of ``drush pm:list`` (no project column: machine name stands)."""
    if not isinstance(body, str):
        raise _fault("body", "expected the text table of drush pm:list")
    entries: dict[str, Any] = {}
    for line in body.splitlines():
        match = _TABLE_ROW.match(line)
        if match:
            entries[match["machine"]] = {
                "package": match["package"].strip(),
                "status": match["status"],
                "version": match["version"] or None,
            }
    if not entries:
        raise _fault("body", "no extension rows found in the drush pm:list table")
    return parse_drush_json(entries)


def _first_per_project(packages: Any) -> list[InventoryPackage]:
    """One entry per (ecosystem, project): the first one seen, as Drupal core does."""
    seen: dict[tuple[str, str], InventoryPackage] = {}
    for package in packages:
        seen.setdefault((package.ecosystem, package.name), package)
    return list(seen.values())
