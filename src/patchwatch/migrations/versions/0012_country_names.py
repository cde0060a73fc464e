"""Country names: stored location countries become their canonical names

Sites and maintenance requests take a country as a name, an ISO code or an alias and keep its
one canonical name (``patchwatch.countries``). Values stored before that ("US", "usa", "UK") are
rewritten to the canonical name; values that name no known country are left as they were.
The downgrade changes nothing: the canonical names are valid input of the older code too.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-23 16:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from patchwatch.countries import UnknownCountry, canonical_country

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

TABLES = ("sites", "maintenance_requests")


def upgrade() -> None:
    connection = op.get_bind()
    for name in TABLES:
        table = sa.table(name, sa.column("location_country", sa.String))
        stored = connection.execute(
            sa.select(table.c.location_country)
            .where(table.c.location_country.is_not(None))
            .distinct()
        ).scalars()
        for value in list(stored):
            try:
                canonical = canonical_country(value)
            except UnknownCountry:
                continue
            if canonical != value:
                connection.execute(
                    table.update()
                    .where(table.c.location_country == value)
                    .values(location_country=canonical)
                )


def downgrade() -> None:
    pass
