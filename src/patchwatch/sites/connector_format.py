"""The Drupal connector's push as an inventory: modules collapsed to projects, core apart.

Status is per project (as Drupal's Update Status module decides it), so modules are grouped:

- a module's project is its ``reported_project``; else ``drupal`` when its version is the core
  version (core modules); else, among modules without a project and of the same version, the
  shortest other machine name that prefixes it (``paragraphs_library`` -> ``paragraphs``); else
  its own machine name;
- a project's version is its main module's (machine name = project) when known, else the
  first known one among its modules; none known -> unknown (never ``0.0.0``);
- a project is enabled when any of its modules is;
- core is project ``drupal`` at ``drupal_info.core_version``, whatever its modules say.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from pydantic import ValidationError

from patchwatch.sites.formats import Inventory, InventoryPackage, fault
from patchwatch.sites.schemas_connector import ConnectorModule, ConnectorPush

FORMAT = "drupal-connector"
CORE = "drupal"


def validate(body: Any) -> ConnectorPush:
    """The stored body as a push (faults as ``invalid_snapshot`` with the field's path)."""
    try:
        return ConnectorPush.model_validate(body)
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        path = ".".join(str(part) for part in error["loc"]) or "body"
        raise fault(path, error["msg"]) from exc


def projects_of(push: ConnectorPush) -> dict[str, str]:
    """Each module's project (machine name -> project)."""
    core_version = push.drupal_info.core_version
    projects: dict[str, str] = {}
    by_version: defaultdict[str | None, list[str]] = defaultdict(list)
    for module in push.modules:
        if module.reported_project:
            projects[module.machine_name] = module.reported_project
        elif module.known_version == core_version:
            projects[module.machine_name] = CORE
        else:
            by_version[module.known_version].append(module.machine_name)
    for names in by_version.values():
        for name in names:
            parents = [other for other in names if other != name and name.startswith(other + "_")]
            projects[name] = min(parents, key=len) if parents else name
    return projects


def _project_version(project: str, modules: list[ConnectorModule]) -> str | None:
    main = next((m for m in modules if m.machine_name == project and m.known_version), None)
    if main is not None:
        return main.known_version
    return next((m.known_version for m in modules if m.known_version), None)


def collapse(push: ConnectorPush) -> list[InventoryPackage]:
    """One Drupal package per project, core first."""
    projects = projects_of(push)
    grouped: dict[str, list[ConnectorModule]] = {}
    for module in push.modules:
        grouped.setdefault(projects[module.machine_name], []).append(module)
    core_modules = grouped.pop(CORE, [])
    core_enabled = True if not core_modules else any(m.enabled for m in core_modules)
    packages = [InventoryPackage(CORE, CORE, push.drupal_info.core_version, "core", core_enabled)]
    for project, modules in grouped.items():
        main = next((m for m in modules if m.machine_name == project), modules[0])
        packages.append(
            InventoryPackage(
                "drupal",
                project,
                _project_version(project, modules),
                main.module_type or None,
                any(m.enabled for m in modules),
            )
        )
    return packages


def parse_stored(body: Any) -> tuple[Inventory, bool]:
    """A stored push: its inventory, and whether it is a full sync (absent projects are gone)."""
    push = validate(body)
    return Inventory(packages=collapse(push)), push.full_sync
