"""Ticket full-text search: a segmented ``tickets.search_seg`` column, backfilled, and its index.

SQLite: an FTS5 table over the column (``unicode61``, the knowledge base's tokenizer) kept in step by triggers;
PostgreSQL: a GIN index over ``to_tsvector('simple', search_seg)``. The column itself is kept in step by the hub on every
ticket insert and update (``server.tickets``), since jieba segmentation cannot run inside the database.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 15:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BATCH = 500


def upgrade() -> None:
    op.add_column("tickets", sa.Column("search_seg", sa.Text(), nullable=False, server_default=""))
    _backfill()
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE ticket_fts USING fts5(search_seg, content='tickets', content_rowid='id', "
            "tokenize='unicode61 remove_diacritics 2')"
        )
        op.execute(
            "CREATE TRIGGER ticket_fts_ai AFTER INSERT ON tickets BEGIN "
            "INSERT INTO ticket_fts(rowid, search_seg) VALUES (new.id, new.search_seg); END"
        )
        op.execute(
            "CREATE TRIGGER ticket_fts_ad AFTER DELETE ON tickets BEGIN "
            "INSERT INTO ticket_fts(ticket_fts, rowid, search_seg) VALUES ('delete', old.id, old.search_seg); END"
        )
        op.execute(
            "CREATE TRIGGER ticket_fts_au AFTER UPDATE OF search_seg ON tickets BEGIN "
            "INSERT INTO ticket_fts(ticket_fts, rowid, search_seg) VALUES ('delete', old.id, old.search_seg); "
            "INSERT INTO ticket_fts(rowid, search_seg) VALUES (new.id, new.search_seg); END"
        )
        op.execute("INSERT INTO ticket_fts(ticket_fts) VALUES ('rebuild')")
    else:
        op.execute(
            "CREATE INDEX ix_tickets_fts ON tickets USING GIN (to_tsvector('simple'::regconfig, search_seg))"
        )


def _backfill() -> None:
    """Segment the text of the existing tickets (in batches, so a large table does not sit in memory)."""
    from server.tickets import search_text  # the hub's own segmentation, so old and new rows index alike

    conn = op.get_bind()
    tickets = sa.table(
        "tickets",
        sa.column("id", sa.Integer),
        sa.column("number", sa.String),
        sa.column("subject", sa.String),
        sa.column("description", sa.Text),
        sa.column("customer_name", sa.String),
        sa.column("customer_phone", sa.String),
        sa.column("search_seg", sa.Text),
    )
    last = 0
    while True:
        rows = conn.execute(
            sa.select(
                tickets.c.id,
                tickets.c.number,
                tickets.c.subject,
                tickets.c.description,
                tickets.c.customer_name,
                tickets.c.customer_phone,
            )
            .where(tickets.c.id > last)
            .order_by(tickets.c.id)
            .limit(_BATCH)
        ).all()
        if not rows:
            return
        for row in rows:
            conn.execute(
                tickets.update()
                .where(tickets.c.id == row.id)
                .values(search_seg=search_text(row.number, row.subject, row.description, row.customer_name, row.customer_phone))
            )
        last = rows[-1].id


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("ticket_fts_ai", "ticket_fts_ad", "ticket_fts_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS ticket_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_tickets_fts")
    with op.batch_alter_table("tickets") as batch_op:
        batch_op.drop_column("search_seg")
