"""Inventory formats: Patchwatch's own JSON, a composer.lock, and drush pm:list (JSON or table).

Each parser turns a decoded body into the packages a site runs, one entry per project; faults
raise ``Invalid`` with the path of the offending value (``packages.3.version``). The rules that
map extensions and Composer packages to Drupal projects are written down in docs/agents.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from packaging.utils import canonicalize_name
from pydantic import ValidationError

from patchwatch.errors import Invalid
from patchwatch.sites.schemas import MAX_PACKAGES, NativeSnapshot
from patchwatch.status.drupal import InvalidVersion, parse_version

PATCHWATCH = "patchwatch"
COMPOSER_LOCK = "composer-lock"
COMPOSER_LOCK_WITH_DEV = "composer-lock+dev"  # stored format when ?include_dev=true
DRUSH_JSON = "drush-pm-list"
DRUSH_TABLE = "drush-pm-list-table"
FORMATS = (PATCHWATCH, COMPOSER_LOCK, DRUSH_JSON, DRUSH_TABLE)
STORED_FORMATS = (*FORMATS, COMPOSER_LOCK_WITH_DEV)
CONTENT_TYPES = {
    "application/vnd.patchwatch+json": PATCHWATCH,
    "application/vnd.composer-lock+json": COMPOSER_LOCK,
    "application/vnd.drush.pm-list+json": DRUSH_JSON,
    "text/plain": DRUSH_TABLE,
}
DRUPAL_FORMATS = (COMPOSER_LOCK, COMPOSER_LOCK_WITH_DEV, DRUSH_JSON, DRUSH_TABLE)

# drupal/core first: core-recommended is a metapackage pinned to the same version.
CORE_PACKAGES = ("drupal/core", "drupal/core-recommended", "drupal/drupal")
# Composer types of drupal/* packages that are Drupal projects even without extra.drupal.
DRUPAL_PROJECT_TYPES = frozenset(
    {"drupal-module", "drupal-theme", "drupal-profile", "drupal-drush", "drupal-recipe"}
)
_MACHINE_NAME = re.compile(r"^[a-z0-9_]{1,255}$")
_COMPOSER_NAME = re.compile(r"^[a-z0-9]([_.-]?[a-z0-9]+)*/[a-z0-9](([_.]|-{1,2})?[a-z0-9]+)*$")


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

    @property
    def unknown_versions(self) -> int:
        """Packages whose version no ordering understands (missing, ``dev-main``, …)."""
        return sum(1 for package in self.packages if not _known_version(package))


def _known_version(package: InventoryPackage) -> bool:
    if package.version is None:
        return False
    if package.ecosystem == "drupal":
        try:
            parse_version(package.version)
        except InvalidVersion:
            return False
        return True
    return not package.version.startswith("dev-")


def fault(path: str, message: str) -> Invalid:
    return Invalid(
        f"The snapshot is not valid: {path}: {message}",
        code="invalid_snapshot",
        details=[{"field": path, "message": message}],
    )


# --- detection ---------------------------------------------------------------------------


def looks_like_composer_lock(body: Any) -> bool:
    """A ``packages`` list of objects with name and version, and composer's own keys."""
    if not isinstance(body, dict) or not isinstance(body.get("packages"), list):
        return False
    if not ("content-hash" in body or "_readme" in body):
        return False
    return all(isinstance(p, dict) and "name" in p and "version" in p for p in body["packages"])


def looks_like_drush_json(body: Any) -> bool:
    """An object keyed by machine name whose values describe extensions."""
    if not isinstance(body, dict) or not body or {"packages", "site"} & body.keys():
        return False
    markers = {"status", "version", "display_name", "package"}
    return all(isinstance(info, dict) and markers & info.keys() for info in body.values())


def detect_format(body: Any) -> str:
    """The format of a JSON body sent without ``format`` or a specific content type.

    A composer.lock or a drush pm:list JSON is recognised by its shape; anything else is taken
    as Patchwatch's own format (so its faults are reported against that schema).
    """
    if looks_like_composer_lock(body):
        return COMPOSER_LOCK
    if looks_like_drush_json(body):
        return DRUSH_JSON
    return PATCHWATCH


def parse(format_name: str, body: Any) -> Inventory:
    """Parse a decoded body of a stored format; at most ``MAX_PACKAGES`` projects."""
    if format_name == PATCHWATCH:
        inventory = parse_native(body)
    elif format_name in (COMPOSER_LOCK, COMPOSER_LOCK_WITH_DEV):
        inventory = parse_composer_lock(body, include_dev=format_name == COMPOSER_LOCK_WITH_DEV)
    elif format_name == DRUSH_JSON:
        inventory = parse_drush_json(body)
    elif format_name == DRUSH_TABLE:
        inventory = parse_drush_table(body)
    else:
        raise fault("format", f"unknown format {format_name!r}")
    if len(inventory.packages) > MAX_PACKAGES:
        raise fault("packages", f"more than {MAX_PACKAGES} packages")
    return inventory


# --- patchwatch ----------------------------------------------------------------------------


def _canonical_name(ecosystem: str, name: str) -> str:
    """The name as the catalog and advisories spell it (PyPI: PEP 503, ``Jinja2`` -> ``jinja2``)."""
    if ecosystem in ("drupal", "composer"):
        return name.lower()
    if ecosystem == "pypi":
        return canonicalize_name(name)
    return name


def parse_native(body: Any) -> Inventory:
    try:
        snapshot = NativeSnapshot.model_validate(body)
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        path = ".".join(str(part) for part in error["loc"]) or "body"
        raise fault(path, error["msg"]) from exc
    packages = (
        InventoryPackage(
            p.ecosystem,
            _canonical_name(p.ecosystem, p.name),
            p.version,
            p.type,
            p.enabled,
        )
        for p in snapshot.packages
    )
    return Inventory(
        packages=first_per_project(packages),
        site=snapshot.site.model_dump(mode="json", exclude_none=True) if snapshot.site else None,
        collected_at=snapshot.collected_at.isoformat() if snapshot.collected_at else None,
    )


# --- composer.lock -------------------------------------------------------------------------


def _text(value: Any, path: str, *, limit: int = 255) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise fault(path, f"must be a non-empty string of at most {limit} characters")
    return value


def _lock_entries(body: Any, include_dev: bool) -> Iterable[tuple[str, dict[str, Any]]]:
    if not isinstance(body, dict):
        raise fault("body", "a composer.lock is a JSON object")
    sections = ("packages", "packages-dev") if include_dev else ("packages",)
    for section in sections:
        entries = body.get(section, [] if section == "packages-dev" else None)
        if not isinstance(entries, list):
            raise fault(section, "must be a list of packages")
        for index, package in enumerate(entries):
            if not isinstance(package, dict):
                raise fault(f"{section}.{index}", "must be an object")
            yield f"{section}.{index}", package


def _drupal_release(package: dict[str, Any], path: str) -> str | None:
    """``extra.drupal.version``: the drupal.org release name (``8.x-1.17``), when given."""
    extra = package.get("extra")
    drupal = extra.get("drupal") if isinstance(extra, dict) else None
    if not isinstance(drupal, dict) or "version" not in drupal:
        return None
    return _text(drupal["version"], f"{path}.extra.drupal.version", limit=128)


def parse_composer_lock(body: Any, *, include_dev: bool = False) -> Inventory:
    """Drupal projects from ``drupal/*`` packages; every other package as ecosystem composer.

    - ``drupal/core`` (else ``drupal/core-recommended``, ``drupal/drupal``) is project
      ``drupal`` at its composer version, which is already the feed's form; the other
      ``drupal/core-*`` packages are parts of core and are skipped.
    - A ``drupal/x`` package with ``extra.drupal.version`` (it came from packages.drupal.org)
      is project ``x`` at that release name (composer ``1.17.0`` -> ``8.x-1.17``).
    - Without it, a ``drupal/x`` package of a Drupal type (module, theme, profile, drush,
      recipe) keeps its composer version: such packages come from other repositories and
      are semantically versioned; converting ``1.2.0`` to ``8.x-1.2`` would be a guess.
      ``dev-*`` branches are stored as given (status ``unknown``).
    - Other ``drupal/*`` packages without ``extra.drupal`` (libraries, Composer plugins) and
      every non-Drupal package are ecosystem ``composer`` packages.
    """
    drupal: list[InventoryPackage] = []
    core: dict[str, InventoryPackage] = {}
    other: list[InventoryPackage] = []
    for path, package in _lock_entries(body, include_dev):
        name = _text(package.get("name"), f"{path}.name").lower()
        version = _text(package.get("version"), f"{path}.version", limit=128)
        kind = package.get("type") if isinstance(package.get("type"), str) else None
        kind = kind[:32] if kind else None
        if not _COMPOSER_NAME.match(name):
            raise fault(f"{path}.name", "must be a composer package name (vendor/name)")
        release = _drupal_release(package, path)
        if name in CORE_PACKAGES:
            core.setdefault(name, InventoryPackage("drupal", "drupal", version, "core"))
        elif name.startswith("drupal/core-"):
            continue
        elif name.startswith("drupal/") and (release or kind in DRUPAL_PROJECT_TYPES):
            project = name.split("/", 1)[1]
            drupal.append(InventoryPackage("drupal", project, release or version, kind))
        else:
            other.append(InventoryPackage("composer", name, version.removeprefix("v"), kind))
    core_entry = next((core[name] for name in CORE_PACKAGES if name in core), None)
    return Inventory(
        packages=first_per_project([*([core_entry] if core_entry else []), *drupal, *other])
    )


# --- drush pm:list -------------------------------------------------------------------------


def _is_core_extension(info: dict[str, Any]) -> bool:
    path = info.get("path")
    if isinstance(path, str) and path.startswith("core/"):
        return True
    return str(info.get("package", "")).strip().lower().startswith("core")


def _project_from_path(path: Any) -> str | None:
    """``modules/contrib/paragraphs/modules/x`` -> ``paragraphs`` (None: core or custom)."""
    if not isinstance(path, str) or not path:
        return None
    parts = [part for part in path.strip("/").split("/") if part]
    if not parts or parts[0] == "core":
        return None
    for index, part in enumerate(parts[:-1]):
        if part in ("modules", "themes", "profiles"):
            rest = parts[index + 1 :]
            if rest and rest[0] in ("contrib", "custom") and len(rest) > 1:
                rest = rest[1:]
            return rest[0] if _MACHINE_NAME.match(rest[0]) else None
    return None


def _extensions(body: Any) -> list[tuple[str, dict[str, Any]]]:
    if not isinstance(body, dict):
        raise fault("body", "drush pm:list JSON is an object keyed by machine name")
    found = []
    for machine_name, info in body.items():
        if not _MACHINE_NAME.match(machine_name):
            raise fault(str(machine_name)[:255], "is not an extension machine name")
        if not isinstance(info, dict):
            raise fault(machine_name, "must be an object")
        version = info.get("version")
        if version is not None and (not isinstance(version, str) or len(version) > 128):
            raise fault(f"{machine_name}.version", "must be a string of at most 128 characters")
        for key in ("package", "status", "type", "project", "path"):
            value = info.get(key)
            if value is not None and (not isinstance(value, str) or len(value) > 1024):
                raise fault(f"{machine_name}.{key}", "must be a string")
        found.append((machine_name, info))
    return found


def _projects_of(
    extensions: list[tuple[str, dict[str, Any]]], core_version: str | None
) -> dict[str, str | None]:
    """Each extension's project (None: custom code, skipped), following docs/agents.md."""
    projects: dict[str, str | None] = {}
    by_version: dict[str, list[str]] = {}
    for machine_name, info in extensions:
        declared = info.get("project")
        path = info.get("path")
        if isinstance(declared, str) and declared:
            projects[machine_name] = declared.lower()
        elif _is_core_extension(info) or (
            core_version is not None and info.get("version") == core_version
        ):
            projects[machine_name] = "drupal"
        elif isinstance(path, str) and path:
            projects[machine_name] = None if "/custom/" in f"/{path}" else _project_from_path(path)
        else:
            by_version.setdefault(str(info.get("version")), []).append(machine_name)
    # No project and no path: a sub-module shares its parent's version and name prefix
    # (paragraphs_type_permissions -> paragraphs); otherwise the machine name stands.
    for names in by_version.values():
        for machine_name in names:
            parents = [
                other
                for other in names
                if other != machine_name and machine_name.startswith(other + "_")
            ]
            projects[machine_name] = min(parents, key=len) if parents else machine_name
    return projects


def parse_drush_json(body: Any) -> Inventory:
    """``drush pm:list --format=json``: extensions keyed by machine name, grouped by project.

    The project's version is that of its first extension (as Drupal core does); it counts as
    enabled when any of its extensions is. Extensions of package ``Testing`` and custom code
    are skipped.
    """
    extensions = [
        (name, info)
        for name, info in _extensions(body)
        if str(info.get("package", "")).strip().lower() != "testing"
    ]
    core_version = next(
        (
            info.get("version")
            for _, info in extensions
            if _is_core_extension(info) and isinstance(info.get("version"), str)
        ),
        None,
    )
    projects = _projects_of(extensions, core_version)
    found: dict[str, InventoryPackage] = {}
    for machine_name, info in extensions:
        project = projects.get(machine_name)
        if project is None:
            continue
        status = str(info.get("status") or "").strip().lower()
        enabled = status == "enabled" if status else None
        version = info.get("version") or None
        earlier = found.get(project)
        if earlier is None:
            kind = "core" if project == "drupal" else (info.get("type") or None)
            found[project] = InventoryPackage("drupal", project, version, kind, enabled)
        elif enabled and not earlier.enabled:
            found[project] = InventoryPackage(
                "drupal", project, earlier.version, earlier.package_type, True
            )
    return Inventory(packages=list(found.values()))


_TABLE_ROW = re.compile(
    r"^\s*(?P<package>\S.*?)\s{2,}(?P<name>.*?)\s*\((?P<machine>[a-z0-9_]+)\)\s+"
    r"(?P<status>Enabled|Disabled|Not installed|Uninstalled)\s*(?P<version>\S*)\s*$"
)


def parse_drush_table(body: Any) -> Inventory:
    """The default table output of ``drush pm:list`` (no project column: see the heuristic)."""
    if isinstance(body, dict) and isinstance(body.get("text"), str):
        body = body["text"]  # as stored
    if not isinstance(body, str):
        raise fault("body", "expected the text table of drush pm:list")
    entries: dict[str, Any] = {}
    for line in body.splitlines():
        match = _TABLE_ROW.match(line)
        if match and match["package"].strip() != "Package":
            entries[match["machine"]] = {
                "package": match["package"].strip(),
                "status": match["status"],
                "version": match["version"] or None,
            }
    if not entries:
        raise fault("body", "no extension rows found in the drush pm:list table")
    return parse_drush_json(entries)


def first_per_project(packages: Iterable[InventoryPackage]) -> list[InventoryPackage]:
    """One entry per (ecosystem, project): the first one seen, as Drupal core does."""
    seen: dict[tuple[str, str], InventoryPackage] = {}
    for package in packages:
        seen.setdefault((package.ecosystem, package.name), package)
    return list(seen.values())
