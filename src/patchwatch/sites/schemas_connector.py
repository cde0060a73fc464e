"""Shapes of the Drupal connector contract: what the sites' connector module pushes, and answers.

The body is the connector's as it is (see docs/api.md, "Drupal connector"); only limits are ours.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from pydantic import AfterValidator, BaseModel, Field, model_validator

from patchwatch.sites.schemas import MAX_PACKAGES, Input, SiteName, SiteUrl

# More modules than this are processed in the background (202 and a job to poll).
INLINE_MODULES = 500

MachineName = Annotated[str, Field(min_length=1, max_length=255, pattern=r"^[a-z0-9_]+$")]
# Drupal prints versions like 8.x-1.2, 11.3.13, 1.x-dev; no spaces or control characters.
Version = Annotated[str, Field(max_length=128, pattern=r"^[^\x00-\x20\x7f]*$")]
ShortText = Annotated[str, Field(max_length=255)]


def _lower(value: str) -> str:
    return value.lower()


class ConnectorSite(Input):
    url: SiteUrl
    name: SiteName
    token: Annotated[str, Field(max_length=512)] | None = Field(
        default=None, description="Sent by older connectors; never stored."
    )


class DrupalInfo(Input):
    core_version: Annotated[
        str, Field(min_length=1, max_length=128, pattern=r"^[^\x00-\x20\x7f]+$")
    ]
    php_version: Annotated[str, Field(max_length=64)] | None = None
    ip_address: Annotated[str, Field(max_length=64)] | None = None


class ConnectorModule(Input):
    machine_name: MachineName
    display_name: ShortText
    module_type: Annotated[str, Field(max_length=32)]
    enabled: bool
    version: Version
    description: Annotated[str, Field(max_length=5000)] = ""
    reported_project: (
        Annotated[
            str,
            Field(min_length=1, max_length=255, pattern=r"^[A-Za-z0-9_]+$"),
            AfterValidator(_lower),
        ]
        | None
    ) = Field(default=None, description="The project a sub-module belongs to.")
    version_known: bool | None = Field(
        default=None, description="false: the site does not know the version (sent as 0.0.0)."
    )

    @property
    def known_version(self) -> str | None:
        """The version, or None when the connector had none (``0.0.0``, ``version_known: false``).

        A ``0.0.0`` without ``version_known`` (connectors older than that field) is unknown too:
        no Drupal release is numbered 0.0.0, it is the connector's placeholder.
        """
        if self.version_known is False or self.version in ("", "0.0.0"):
            return None
        return self.version


class ConnectorPush(Input):
    """``{site, drupal_info, modules, full_sync, inventory_scope?, connector_version?}``."""

    site: ConnectorSite
    drupal_info: DrupalInfo
    modules: Annotated[list[ConnectorModule], Field(max_length=MAX_PACKAGES)]
    full_sync: bool
    inventory_scope: Annotated[str, Field(max_length=64)] | None = None
    connector_version: Annotated[str, Field(max_length=64)] | None = None

    @model_validator(mode="after")
    def _distinct_modules(self) -> ConnectorPush:
        seen: set[str] = set()
        for index, module in enumerate(self.modules):
            if module.machine_name in seen:
                raise ValueError(f"modules.{index}: machine_name {module.machine_name!r} repeats")
            seen.add(module.machine_name)
        return self


class ConnectorSyncResult(BaseModel):
    """A push's outcome: processed at once (200), or a job to poll (202, ``status: received``)."""

    snapshot_uuid: UUID = Field(description="The job: GET /api/v1/snapshots/{uuid}.")
    site_uuid: UUID
    status: str = Field(description="received (processing in the background), processed, failed")
    full_sync: bool
    modules: int = Field(description="Modules in the push.")
    projects: int = Field(description="Projects they collapse to (core included).")
    added: int | None = None
    updated: int | None = None
    removed: int | None = None
    unknown_versions: int | None = None
    worst_status: str | None = Field(default=None, description="The site's, after processing.")
    failure_reason: str | None = None
