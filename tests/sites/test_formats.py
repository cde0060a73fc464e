"""Inventory formats on the real site fixtures, and their faults (pure: no database)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from patchwatch.errors import Invalid
from patchwatch.sites import formats
from tests.conftest import FIXTURES

SITES = FIXTURES / "drupal-sites"
HELFI = SITES / "helfi-etusivu.composer.lock"
ACQUIA = SITES / "acquia-drupal-cms-project.composer.lock"
EMM = SITES / "emmfinalist-cms.drush-pm-list.txt"


def lock(path: Any) -> Any:
    return json.loads(path.read_bytes())


def drupal_projects(inventory: formats.Inventory) -> dict[str, formats.InventoryPackage]:
    return {p.name: p for p in inventory.packages if p.ecosystem == "drupal"}


def fault_field(exc: pytest.ExceptionInfo[Invalid]) -> str:
    return str(exc.value.details[0]["field"])


# --- composer.lock ---------------------------------------------------------------------


def test_acquia_lock_yields_109_drupal_projects_and_core_11_4_5() -> None:
    inventory = formats.parse("composer-lock", lock(ACQUIA))
    projects = drupal_projects(inventory)
    assert len(projects) == 109
    assert projects["drupal"].version == "11.4.5" and projects["drupal"].package_type == "core"
    assert len(inventory.packages) == 242


def test_helfi_lock_yields_105_drupal_projects_and_core_11_3_13() -> None:
    inventory = formats.parse("composer-lock", lock(HELFI))
    projects = drupal_projects(inventory)
    assert len(projects) == 105
    assert projects["drupal"].version == "11.3.13"


def test_extra_drupal_version_gives_the_drupal_org_release_name() -> None:
    projects = drupal_projects(formats.parse("composer-lock", lock(ACQUIA)))
    assert projects["token"].version == "8.x-1.17"
    assert projects["crop"].version == "8.x-2.6"
    assert projects["geofield"].version == "10.3.4"


def test_helfi_legacy_and_semantic_release_names_follow_extra_drupal() -> None:
    projects = drupal_projects(formats.parse("composer-lock", lock(HELFI)))
    assert projects["config_ignore"].version == "8.x-3.4"
    assert projects["address"].version == "2.0.4"


def test_drupal_packages_without_extra_drupal_keep_their_composer_version() -> None:
    projects = drupal_projects(formats.parse("composer-lock", lock(HELFI)))
    assert projects["hdbt"].version == "6.17.30"
    assert projects["helfi_api_base"].version == "2.8.24"


def test_dev_branch_is_stored_as_given_and_counted_unknown() -> None:
    inventory = formats.parse("composer-lock", lock(HELFI))
    assert drupal_projects(inventory)["helfi_drupal_tools"].version == "dev-main"
    assert inventory.unknown_versions >= 1


def test_core_parts_are_not_projects_of_their_own() -> None:
    inventory = formats.parse("composer-lock", lock(ACQUIA))
    names = {p.name for p in inventory.packages}
    assert not any(name.startswith("core-") for name in names)
    assert "drupal/core-composer-scaffold" not in names
    assert "drupal/core-recommended" not in names


def test_drupal_libraries_without_extra_drupal_are_composer_packages() -> None:
    inventory = formats.parse("composer-lock", lock(ACQUIA))
    composer = {p.name for p in inventory.packages if p.ecosystem == "composer"}
    assert {"drupal/klaro_js", "drupal/site_template_helper"} <= composer
    assert "symfony/console" in composer


def test_packages_dev_are_read_only_when_asked() -> None:
    body = lock(HELFI)
    plain = formats.parse("composer-lock", body)
    with_dev = formats.parse("composer-lock+dev", body)
    dev_names = {p["name"] for p in body["packages-dev"]}
    assert not dev_names & {p.name for p in plain.packages}
    assert len(with_dev.packages) > len(plain.packages)


def test_core_recommended_alone_gives_core() -> None:
    body = {"packages": [{"name": "drupal/core-recommended", "version": "10.2.1"}]}
    assert formats.parse("composer-lock", body).packages[0].version == "10.2.1"


def test_lock_without_version_is_refused_with_the_path() -> None:
    body = {"packages": [{"name": "drupal/core", "version": "11.0.0"}, {"name": "drupal/x"}]}
    with pytest.raises(Invalid) as exc:
        formats.parse("composer-lock", body)
    assert fault_field(exc) == "packages.1.version"


def test_lock_with_a_bad_extra_drupal_version_is_refused_with_the_path() -> None:
    body = {
        "packages": [
            {"name": "drupal/token", "version": "1.0.0", "extra": {"drupal": {"version": 7}}}
        ]
    }
    with pytest.raises(Invalid) as exc:
        formats.parse("composer-lock", body)
    assert fault_field(exc) == "packages.0.extra.drupal.version"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ([], "body"),
        ({"packages": "x"}, "packages"),
        ({"packages": [3]}, "packages.0"),
        ({"packages": [{"name": "not a name", "version": "1"}]}, "packages.0.name"),
    ],
)
def test_malformed_lock_files_name_the_fault(body: Any, field: str) -> None:
    with pytest.raises(Invalid) as exc:
        formats.parse("composer-lock", body)
    assert fault_field(exc) == field


# --- drush pm:list ---------------------------------------------------------------------


def test_drush_table_groups_extensions_into_17_projects() -> None:
    inventory = formats.parse("drush-pm-list-table", EMM.read_text())
    projects = drupal_projects(inventory)
    assert len(projects) == 17
    assert projects["drupal"].version == "8.9.0"
    assert projects["elasticsearch_connector"].version == "8.x-6.0-alpha2"
    assert "paragraphs_type_permissions" not in projects  # a sub-module of paragraphs
    assert projects["paragraphs"].version == "8.x-1.12"
    assert "jsonapi" not in projects and "datetime" not in projects  # core, other packages
    assert all(p.enabled for p in inventory.packages)


def test_drush_json_uses_the_project_key_first() -> None:
    body = {
        "system": {"package": "Core", "status": "Enabled", "version": "10.1.0", "type": "module"},
        "jsonapi_defaults": {
            "package": "Web services",
            "project": "jsonapi_extras",
            "status": "Enabled",
            "version": "8.x-3.24",
        },
        "jsonapi_extras": {"package": "Web services", "status": "Enabled", "version": "8.x-3.24"},
    }
    projects = drupal_projects(formats.parse("drush-pm-list", body))
    assert set(projects) == {"drupal", "jsonapi_extras"}
    assert projects["drupal"].version == "10.1.0"


def test_drush_json_path_names_the_project_and_skips_custom_code() -> None:
    body = {
        "node": {"package": "Core", "status": "Enabled", "version": "10.1.0"},
        "ptp": {
            "package": "Paragraphs",
            "path": "modules/contrib/paragraphs/modules/ptp",
            "status": "Enabled",
            "version": "8.x-1.15",
        },
        "mysite_tweaks": {
            "package": "Custom",
            "path": "modules/custom/mysite_tweaks",
            "status": "Enabled",
            "version": None,
        },
    }
    projects = drupal_projects(formats.parse("drush-pm-list", body))
    assert set(projects) == {"drupal", "paragraphs"}


def test_drush_json_project_takes_its_first_extensions_version() -> None:
    body = {
        "a_sub": {"project": "a", "status": "Disabled", "version": "8.x-1.1"},
        "a": {"project": "a", "status": "Enabled", "version": "8.x-1.2"},
    }
    [project] = formats.parse("drush-pm-list", body).packages
    assert project.version == "8.x-1.1" and project.enabled is True


def test_drush_testing_extensions_are_skipped() -> None:
    body = {
        "system": {"package": "Core", "status": "Enabled", "version": "10.1.0"},
        "hidden_test": {"package": "Testing", "status": "Disabled", "version": "8.x-1.0"},
    }
    assert [p.name for p in formats.parse("drush-pm-list", body).packages] == ["drupal"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ([1, 2], "body"),
        ({"Not A Machine Name": {"version": "1"}}, "Not A Machine Name"),
        ({"views": "Enabled"}, "views"),
        ({"views": {"version": 3}}, "views.version"),
    ],
)
def test_malformed_drush_json_names_the_fault(body: Any, field: str) -> None:
    with pytest.raises(Invalid) as exc:
        formats.parse("drush-pm-list", body)
    assert fault_field(exc) == field


def test_a_table_without_rows_is_refused() -> None:
    with pytest.raises(Invalid):
        formats.parse("drush-pm-list-table", "no table here\n")


# --- patchwatch and detection ----------------------------------------------------------


def test_native_fault_path_points_at_the_package() -> None:
    body = {"packages": [{"ecosystem": "drupal", "name": "a", "version": "1.0.0"}] * 3}
    body["packages"] = [dict(p) for p in body["packages"]]
    body["packages"][2]["version"] = 5
    with pytest.raises(Invalid) as exc:
        formats.parse("patchwatch", body)
    assert fault_field(exc) == "packages.2.version"


def test_native_refuses_unknown_fields() -> None:
    body = {"packages": [], "surprise": 1}
    with pytest.raises(Invalid) as exc:
        formats.parse("patchwatch", body)
    assert fault_field(exc) == "surprise"


def test_native_refuses_more_than_20000_packages() -> None:
    package = {"ecosystem": "npm", "name": "x", "version": "1.0.0"}
    with pytest.raises(Invalid) as exc:
        formats.parse("patchwatch", {"packages": [package] * 20_001})
    assert fault_field(exc) == "packages"


def test_native_keeps_the_first_entry_of_a_project() -> None:
    body = {
        "packages": [
            {"ecosystem": "drupal", "name": "Views", "version": "8.x-3.1"},
            {"ecosystem": "drupal", "name": "views", "version": "8.x-3.2"},
        ]
    }
    [views] = formats.parse("patchwatch", body).packages
    assert views.name == "views" and views.version == "8.x-3.1"


@pytest.mark.parametrize(
    ("path", "expected"),
    [(ACQUIA, "composer-lock"), (HELFI, "composer-lock")],
)
def test_a_composer_lock_is_recognised_by_its_shape(path: Any, expected: str) -> None:
    assert formats.detect_format(lock(path)) == expected


def test_drush_json_is_recognised_by_its_shape() -> None:
    body = {"views": {"package": "Core", "status": "Enabled", "version": "10.1.0"}}
    assert formats.detect_format(body) == "drush-pm-list"


def test_anything_else_is_taken_as_patchwatch() -> None:
    assert formats.detect_format({"packages": []}) == "patchwatch"
    assert formats.detect_format([1]) == "patchwatch"
