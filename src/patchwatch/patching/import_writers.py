"""Writing the checked rows of an import, one chunk at a time, per kind.

Each writer takes the rows of a chunk that passed the per-cell checks, checks what needs the
database (a site that exists, a role that may be given, a row that repeats an earlier one),
writes with executemany statements (``write=True``) or only counts (dry runs, and everything
after the first error of an all-or-nothing import), and tallies each row's outcome.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from patchwatch.db import utcnow
from patchwatch.errors import Conflict, DomainError
from patchwatch.identity import service as identity
from patchwatch.identity.principal import Principal
from patchwatch.patching.import_kinds import ColumnMap, Row
from patchwatch.patching.models import PatchRun, PatchRunItem
from patchwatch.patching.schemas import FINISHED, ItemResult, RunStatus, Source
from patchwatch.sites import service as sites

if TYPE_CHECKING:
    from patchwatch.identity.models import Organization, Role, User

MAX_ERRORS = 100  # kept in the record and the answer; the counts say how many there were


@dataclass
class Tally:
    """What an import did (or would do), row by row, and its first errors."""

    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    def count(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)

    def fail(self, row: Row) -> None:
        self.failed += 1
        self.errors.extend(row.errors[: max(0, MAX_ERRORS - len(self.errors))])


class Writer(Protocol):
    async def add(self, rows: list[Row], write: bool) -> None: ...

    async def finish(self, write: bool) -> None: ...


@dataclass
class Context:
    session: AsyncSession
    actor: Principal
    organization: Organization
    columns: ColumnMap
    tally: Tally

    @property
    def organization_id(self) -> int:
        return self.organization.id

    def label(self, name: str) -> str:
        return self.columns.labels.get(name, name)

    def reject(self, row: Row, column: str | None, message: str) -> None:
        row.fail(self.label(column) if column else None, message)
        self.tally.fail(row)


# --- sites ----------------------------------------------------------------------------------


class SiteWriter:
    def __init__(self, context: Context) -> None:
        self.context = context
        self.seen: dict[str, int] = {}  # url -> the row that had it first

    async def add(self, rows: list[Row], write: bool) -> None:
        batch = []
        for row in rows:
            url = row.values["url"]
            if url in self.seen:
                self.context.reject(row, "url", f"the same site as row {self.seen[url]}")
                continue
            self.seen[url] = row.number
            batch.append(row.values)
        c = self.context
        for outcome in await sites.upsert_sites(
            c.session, c.actor, c.organization_id, batch, write=write
        ):
            c.tally.count(outcome)

    async def finish(self, write: bool) -> None:
        return None


# --- patch runs -----------------------------------------------------------------------------

RunKey = tuple[int, datetime, str | None]  # site id, date, external id
_DEFAULT_RESULT = {
    "planned": "pending",
    "running": "pending",
    "succeeded": "succeeded",
    "failed": "failed",
    "rolled_back": "failed",
}


@dataclass
class RunState:
    first_row: int  # 0: the run existed before the import
    run_id: int | None  # None: a new run not (yet) written
    status: str | None
    log: str
    is_new: bool
    results: set[str] = field(default_factory=set)
    written: tuple[str, str] | None = None  # the status and log a new run was inserted with


def derived_status(results: set[str]) -> str:
    """A run's status from its items' results, when the file gives none."""
    if ItemResult.failed in results:
        return RunStatus.failed
    if ItemResult.pending in results:
        return RunStatus.planned
    return RunStatus.succeeded


class RunWriter:
    """Rows with the same site, date and external id are one run; each row is one item."""

    def __init__(self, context: Context) -> None:
        self.context = context
        self.site_ids: dict[str, int | None] = {}
        self.runs: dict[RunKey, RunState] = {}
        # Items of runs that existed before the import: (run id, ecosystem, package) -> item.
        self.items: dict[tuple[int, str, str], Any] = {}
        self.seen_items: dict[tuple[RunKey, str, str], int] = {}
        self.bound_site: uuid.UUID | None = context.actor.site_uuid

    async def _resolve_sites(self, urls: set[str]) -> None:
        unknown = [url for url in urls if url not in self.site_ids]
        if not unknown:
            return
        c = self.context
        found = await sites.site_ids_by_url(c.session, c.organization_id, unknown)
        for url in unknown:
            ref = found.get(url)
            allowed = ref is not None and (self.bound_site is None or ref[1] == self.bound_site)
            self.site_ids[url] = ref[0] if ref is not None and allowed else None

    async def _load_runs(self, keys: set[RunKey]) -> None:
        keys = {key for key in keys if key not in self.runs}
        if not keys:
            return
        c = self.context
        stmt = select(
            PatchRun.id,
            PatchRun.site_id,
            PatchRun.started_at,
            PatchRun.external_id,
            PatchRun.status,
            PatchRun.log,
        ).where(
            PatchRun.organization_id == c.organization_id,
            PatchRun.site_id.in_({key[0] for key in keys}),
            PatchRun.started_at.in_({key[1] for key in keys}),
        )
        existing: dict[RunKey, Any] = {}
        for found in await c.session.execute(stmt.order_by(PatchRun.id)):
            existing.setdefault((found.site_id, found.started_at, found.external_id), found)
        run_ids = []
        for key in keys:
            run = existing.get(key)
            if run is not None:
                self.runs[key] = RunState(0, run.id, run.status, run.log, False)
                run_ids.append(run.id)
        if run_ids:
            items = await c.session.execute(
                select(
                    PatchRunItem.id,
                    PatchRunItem.patch_run_id,
                    PatchRunItem.ecosystem,
                    PatchRunItem.package,
                    PatchRunItem.from_version,
                    PatchRunItem.to_version,
                    PatchRunItem.result,
                ).where(PatchRunItem.patch_run_id.in_(run_ids))
            )
            for item in items:  # plain rows, not ORM objects: 100,000 of them stay small
                self.items[(item.patch_run_id, item.ecosystem, item.package)] = item

    async def add(self, rows: list[Row], write: bool) -> None:
        c = self.context
        await self._resolve_sites({row.values["site"] for row in rows})
        keyed: list[tuple[Row, RunKey]] = []
        for row in rows:
            site_id = self.site_ids[row.values["site"]]
            if site_id is None:
                c.reject(row, "site", "no site of the organization has this URL")
                continue
            keyed.append((row, (site_id, row.values["date"], row.values["external_id"])))
        await self._load_runs({key for _, key in keyed})
        new_runs: list[tuple[RunState, dict[str, Any]]] = []
        new_items: list[tuple[RunState, dict[str, Any]]] = []
        item_updates: list[dict[str, Any]] = []
        run_updates: dict[int, dict[str, Any]] = {}
        now = utcnow()
        for row, key in keyed:
            values = row.values
            state = self.runs.get(key)
            run_changed = False
            if state is None:
                state = RunState(row.number, None, values["status"], values["log"], True)
                self.runs[key] = state
                new_runs.append((state, self._run_values(key, now)))
            elif state.is_new:
                if not self._agrees(row, state):
                    continue
            elif (values["status"] and values["status"] != state.status) or (
                values["log"] and values["log"] != state.log
            ):
                state.status = values["status"] or state.status
                state.log = values["log"] or state.log
                run_updates[state.run_id or 0] = {
                    "id": state.run_id,
                    "status": state.status,
                    "log": state.log,
                    "updated_at": now,
                }
                run_changed = True
            if not values["package"]:
                c.tally.count(
                    "created" if state.is_new else ("updated" if run_changed else "unchanged")
                )
                continue
            item_key = (key, values["ecosystem"], values["package"])
            if item_key in self.seen_items:
                c.reject(
                    row,
                    "package",
                    f"the same package of the run as row {self.seen_items[item_key]}",
                )
                continue
            self.seen_items[item_key] = row.number
            result = values["result"] or _DEFAULT_RESULT.get(state.status or "", "succeeded")
            state.results.add(result)
            item = {
                "ecosystem": values["ecosystem"],
                "package": values["package"],
                "from_version": values["from_version"],
                "to_version": values["to_version"],
                "result": result,
            }
            existing = (
                self.items.get((state.run_id, values["ecosystem"], values["package"]))
                if state.run_id is not None and not state.is_new
                else None
            )
            if existing is None:
                new_items.append((state, item))
                c.tally.count("created")
            elif any(getattr(existing, k) != v for k, v in item.items()):
                item_updates.append({"id": existing.id, **item})
                c.tally.count("updated")
            else:
                c.tally.count("updated" if run_changed else "unchanged")
        if write:
            await self._write(new_runs, new_items, item_updates, list(run_updates.values()))

    def _agrees(self, row: Row, state: RunState) -> bool:
        """Rows of one new run must not disagree on its status or log (empty cells agree)."""
        for name in ("status", "log"):
            given, held = row.values[name], getattr(state, name)
            if given and held and given != held:
                self.context.reject(
                    row, name, f"the run's {name} differs from row {state.first_row}"
                )
                return False
        state.status = state.status or row.values["status"]
        state.log = state.log or row.values["log"]
        return True

    def _run_values(self, key: RunKey, now: datetime) -> dict[str, Any]:
        actor = self.context.actor
        return {
            "uuid": uuid.uuid4(),
            "organization_id": self.context.organization_id,
            "site_id": key[0],
            "source": Source.imported.value,
            "started_at": key[1],
            "external_id": key[2],
            "confirmation": "not_applicable",
            "actor_type": actor.kind,
            "actor_uuid": actor.actor_uuid,
            "actor_label": actor.label[:200],
            "created_at": now,
            "updated_at": now,
        }

    async def _write(
        self,
        new_runs: list[tuple[RunState, dict[str, Any]]],
        new_items: list[tuple[RunState, dict[str, Any]]],
        item_updates: list[dict[str, Any]],
        run_updates: list[dict[str, Any]],
    ) -> None:
        session = self.context.session
        if new_runs:
            for state, run in new_runs:
                run.update(_final(state, run["started_at"]))
                state.written = (run["status"], run["log"])
            ids = await session.scalars(
                insert(PatchRun).returning(PatchRun.id, sort_by_parameter_order=True),
                [run for _, run in new_runs],
            )
            for (state, _), run_id in zip(new_runs, ids.all(), strict=True):
                state.run_id = run_id
        if new_items:
            await session.execute(
                insert(PatchRunItem),
                [{"patch_run_id": state.run_id, **item} for state, item in new_items],
            )
        if item_updates:
            await session.execute(update(PatchRunItem), item_updates)
        if run_updates:
            await session.execute(update(PatchRun), run_updates)

    async def finish(self, write: bool) -> None:
        """New runs whose later rows changed their status or log (all rows are known now)."""
        if not write:
            return
        fixes = []
        for (_, started_at, _), state in self.runs.items():
            if state.is_new and state.run_id is not None:
                final = _final(state, started_at)
                if (final["status"], final["log"]) != state.written:
                    fixes.append({"id": state.run_id, **final})
        if fixes:
            await self.context.session.execute(update(PatchRun), fixes)


def _final(state: RunState, started_at: datetime) -> dict[str, Any]:
    """A new run's status (the file's, else its items'), log and finish time."""
    status = state.status or derived_status(state.results)
    finished_at = started_at if status in FINISHED else None
    return {"status": status, "log": state.log, "finished_at": finished_at}


# --- users ----------------------------------------------------------------------------------


class UserWriter:
    """Invitations through identity's ``create_user``; a user of the organization with the same
    login is updated (name, email, role) when they differ."""

    def __init__(self, context: Context) -> None:
        self.context = context
        self.seen_logins: dict[str, int] = {}
        self.seen_emails: dict[str, int] = {}

    async def add(self, rows: list[Row], write: bool) -> None:
        c = self.context
        for row in rows:
            values = row.values
            login, email = values["login"], values["email"]
            if login in self.seen_logins:
                c.reject(row, "login", f"the same login as row {self.seen_logins[login]}")
                continue
            if email in self.seen_emails:
                c.reject(row, "email", f"the same email as row {self.seen_emails[email]}")
                continue
            self.seen_logins[login], self.seen_emails[email] = row.number, row.number
            try:
                user, role = await self._check(values)
            except DomainError as exc:
                column = {"unknown_role": "role", "privilege_escalation": "role"}.get(exc.code)
                c.reject(row, column, exc.message)
                continue
            c.tally.count(await self._write(values, user, role, write))

    async def _check(self, values: dict[str, Any]) -> tuple[User | None, Role]:
        """The role may be given by the caller; login and email are free or the same user's."""
        c = self.context
        role = await identity.get_role_by_name(c.session, values["role"])
        identity.assert_can_grant(c.actor, role)
        user = await identity.get_user_by_login(c.session, values["login"])
        holder = await identity.find_user_by_login_or_email(c.session, values["email"])
        if user is not None and user.organization_id != c.organization_id:
            raise Conflict("This login is taken.", code="user_exists")
        if holder is not None and (user is None or holder.id != user.id):
            raise Conflict("Another user has this email.", code="user_exists")
        if user is not None:
            identity.assert_can_grant(c.actor, user.role)  # nobody changes an admin's row
        return user, role

    async def _write(
        self, values: dict[str, Any], user: User | None, role: Role, write: bool
    ) -> str:
        # Checked above: a conflict here is a concurrent change, and fails the whole import.
        c = self.context
        if user is None:
            if write:
                await identity.create_user(
                    c.session,
                    c.actor,
                    organization=c.organization,
                    login=values["login"],
                    email=values["email"],
                    name=values["name"],
                    role=role.name,
                )
            return "created"
        changes = {
            key: values[key]
            for key in ("name", "email")
            if values[key] != getattr(user, key) and (key != "name" or values[key])
        }
        if role.id != user.role_id:
            changes["role"] = role.name
        if not changes:
            return "unchanged"
        if write:
            await identity.update_user(c.session, c.actor, user, changes)
        return "updated"

    async def finish(self, write: bool) -> None:
        return None


def make_writer(kind: str, context: Context) -> Writer:
    writers: dict[str, type[SiteWriter] | type[RunWriter] | type[UserWriter]] = {
        "sites": SiteWriter,
        "patch-runs": RunWriter,
        "users": UserWriter,
    }
    return writers[kind](context)
