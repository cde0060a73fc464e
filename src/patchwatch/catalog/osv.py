"""OSV advisories (https://ossf.github.io/osv-schema/): one document, a list, or a zip of them.

The input is untrusted: sizes, entry counts and compression ratios of zips are capped, names
inside a zip are never used as paths, and every fault is reported with where it is
(``GHSA-xxxx.json: affected.0.ranges.1.events: Field required``).
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from cvss import CVSS3, CVSS4
from packaging.utils import canonicalize_name
from pydantic import BaseModel, ConfigDict, Field, ValidationError

MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
MAX_ZIP_ENTRIES = 20_000
MAX_ZIP_TOTAL_BYTES = 512 * 1024 * 1024
MAX_ZIP_RATIO = 200  # uncompressed / compressed, per entry: more is a zip bomb
MAX_JSON_DEPTH = 32

# OSV ecosystem (the part before ":") -> Patchwatch ecosystem (what agents report).
ECOSYSTEMS = {
    "pypi": "pypi",
    "npm": "npm",
    "packagist": "composer",
    "go": "go",
    "crates.io": "cargo",
    "maven": "maven",
    "nuget": "nuget",
    "rubygems": "rubygems",
    "hex": "hex",
    "pub": "pub",
    "debian": "debian",
    "ubuntu": "ubuntu",
    "alpine": "alpine",
    "drupal": "drupal",
}
SEVERITIES = ("critical", "high", "medium", "low")


class OsvError(ValueError):
    """The input is not OSV we accept; the message says where and why."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore")


class OsvEvent(_Model):
    introduced: str | None = Field(default=None, max_length=256)
    fixed: str | None = Field(default=None, max_length=256)
    last_affected: str | None = Field(default=None, max_length=256)
    limit: str | None = Field(default=None, max_length=256)


class OsvRange(_Model):
    type: Literal["ECOSYSTEM", "SEMVER", "GIT"]
    events: list[OsvEvent] = Field(min_length=1, max_length=1000)


class OsvPackage(_Model):
    ecosystem: str = Field(min_length=1, max_length=100)
    name: str = Field(min_length=1, max_length=255)


class OsvAffected(_Model):
    package: OsvPackage
    ranges: list[OsvRange] = Field(default_factory=list, max_length=100)
    versions: list[str] = Field(default_factory=list, max_length=10_000)
    database_specific: dict[str, Any] | None = None
    ecosystem_specific: dict[str, Any] | None = None


class OsvSeverity(_Model):
    type: str
    score: str = Field(max_length=500)


class OsvReference(_Model):
    type: str
    url: str = Field(max_length=2048)


class OsvDocument(_Model):
    id: str = Field(min_length=1, max_length=128)
    modified: datetime
    published: datetime | None = None
    withdrawn: datetime | None = None
    aliases: list[str] = Field(default_factory=list, max_length=100)
    summary: str = Field(default="", max_length=10_000)
    details: str = Field(default="", max_length=200_000)
    severity: list[OsvSeverity] = Field(default_factory=list, max_length=10)
    affected: list[OsvAffected] = Field(default_factory=list, max_length=1000)
    references: list[OsvReference] = Field(default_factory=list, max_length=1000)
    database_specific: dict[str, Any] | None = None


@dataclass(frozen=True)
class AffectedEntry:
    ecosystem: str
    name: str
    ranges: list[dict[str, Any]]
    versions: list[str]
    fixed_versions: list[str]


@dataclass(frozen=True)
class ParsedAdvisory:
    external_id: str
    aliases: list[str]
    title: str
    details: str
    severity: str
    published_at: datetime | None
    modified_at: datetime
    withdrawn_at: datetime | None
    url: str
    affected: list[AffectedEntry]


def package_key(osv_ecosystem: str, name: str) -> tuple[str, str] | None:
    """(ecosystem, name) as inventories report it; None for an ecosystem we do not track."""
    ecosystem = ECOSYSTEMS.get(osv_ecosystem.split(":", 1)[0].strip().lower())
    if ecosystem is None:
        return None
    if ecosystem == "composer":
        lowered = name.lower()
        if lowered == "drupal/core" or lowered == "drupal/drupal":
            return "drupal", "drupal"
        if lowered.startswith("drupal/"):
            return "drupal", lowered.removeprefix("drupal/")
        return "composer", lowered
    if ecosystem == "pypi":
        return ecosystem, canonicalize_name(name)
    return ecosystem, name


def _cvss_severity(vector: str) -> str | None:
    try:
        if vector.startswith("CVSS:4"):
            score = CVSS4(vector).base_score
        else:
            score = CVSS3(vector).scores()[0]
    except Exception:  # the cvss package raises several kinds for a malformed vector
        return None
    value = float(score)
    if value >= 9:
        return "critical"
    if value >= 7:
        return "high"
    if value >= 4:
        return "medium"
    return "low" if value > 0 else None


def severity_of(document: OsvDocument) -> str:
    """GHSA's database_specific.severity, else the worst CVSS score, else `high`."""
    named = str((document.database_specific or {}).get("severity", "")).strip().lower()
    if named == "moderate":
        named = "medium"
    if named in SEVERITIES:
        return named
    scored = [s for entry in document.severity if (s := _cvss_severity(entry.score))]
    if scored:
        return min(scored, key=SEVERITIES.index)
    return "high"


def _url(document: OsvDocument) -> str:
    for kind in ("ADVISORY", "WEB"):
        for reference in document.references:
            if reference.type == kind and reference.url.startswith(("https://", "http://")):
                return reference.url
    return f"https://osv.dev/vulnerability/{document.id}"


def _affected(document: OsvDocument) -> list[AffectedEntry]:
    entries = []
    for affected in document.affected:
        key = package_key(affected.package.ecosystem, affected.package.name)
        if key is None:
            continue
        ranges = [
            {
                "type": r.type,
                "events": [e.model_dump(exclude_none=True) for e in r.events],
            }
            for r in affected.ranges
            if r.type != "GIT"
        ]
        fixed = [e.fixed for r in affected.ranges if r.type != "GIT" for e in r.events if e.fixed]
        entries.append(AffectedEntry(key[0], key[1], ranges, list(affected.versions), fixed))
    return entries


def _depth(value: Any, limit: int) -> None:
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            raise OsvError(f"the JSON is nested deeper than {limit} levels")
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)


def parse_json(data: bytes, source: str = "body") -> list[ParsedAdvisory]:
    """One OSV document or a JSON list of them."""
    if len(data) > MAX_DOCUMENT_BYTES:
        raise OsvError(f"{source}: larger than {MAX_DOCUMENT_BYTES} bytes")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise OsvError(f"{source}: not UTF-8 (byte {exc.start})") from exc
    try:
        raw = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise OsvError(f"{source}: not JSON ({exc})") from exc
    _depth(raw, MAX_JSON_DEPTH)
    items = raw if isinstance(raw, list) else [raw]
    parsed = []
    for index, item in enumerate(items):
        where = f"{source}[{index}]" if isinstance(raw, list) else source
        try:
            document = OsvDocument.model_validate(item)
        except ValidationError as exc:
            error = exc.errors(include_url=False)[0]
            path = ".".join(str(part) for part in error["loc"]) or "document"
            raise OsvError(f"{where}: {path}: {error['msg']}") from exc
        parsed.append(
            ParsedAdvisory(
                external_id=document.id,
                aliases=list(document.aliases),
                title=(document.summary or document.id)[:500],
                details=document.details,
                severity=severity_of(document),
                published_at=document.published,
                modified_at=document.modified,
                withdrawn_at=document.withdrawn,
                url=_url(document),
                affected=_affected(document),
            )
        )
    return parsed


def parse_zip(data: bytes, source: str = "body") -> list[ParsedAdvisory]:
    """Every ``*.json`` entry of a zip (e.g. osv.dev's per-ecosystem ``all.zip``)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise OsvError(f"{source}: not a zip file") from exc
    with archive:
        entries = [e for e in archive.infolist() if not e.is_dir()]
        if len(entries) > MAX_ZIP_ENTRIES:
            raise OsvError(f"{source}: more than {MAX_ZIP_ENTRIES} entries")
        total = sum(e.file_size for e in entries)
        if total > MAX_ZIP_TOTAL_BYTES:
            raise OsvError(f"{source}: unpacks to more than {MAX_ZIP_TOTAL_BYTES} bytes")
        advisories: list[ParsedAdvisory] = []
        for entry in entries:
            if not entry.filename.lower().endswith(".json"):
                continue
            name = f"{source}:{entry.filename[:200]}"
            if entry.file_size > MAX_DOCUMENT_BYTES:
                raise OsvError(f"{name}: larger than {MAX_DOCUMENT_BYTES} bytes")
            if entry.file_size > MAX_ZIP_RATIO * max(entry.compress_size, 1):
                raise OsvError(f"{name}: compressed more than {MAX_ZIP_RATIO}:1 (a zip bomb?)")
            try:
                with archive.open(entry) as stream:  # read no more than the entry claims
                    content = stream.read(MAX_DOCUMENT_BYTES + 1)
            except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError) as exc:
                raise OsvError(f"{name}: unreadable ({exc})") from exc
            if len(content) > MAX_DOCUMENT_BYTES:
                raise OsvError(f"{name}: larger than {MAX_DOCUMENT_BYTES} bytes")
            advisories.extend(parse_json(content, name))
    return advisories


def parse(data: bytes, source: str = "body") -> list[ParsedAdvisory]:
    """A zip (by its magic bytes) or JSON."""
    if data[:4] == b"PK\x03\x04":
        return parse_zip(data, source)
    return parse_json(data, source)
