"""Knowledge search speed: deleted articles leave the SQLite FTS index; PostgreSQL gets a stored, weighted tsvector.

SQLite: the kb_fts triggers index live articles only (a soft delete removes the article from the index, undeleting
adds it back), so searches neither join the articles table to drop deleted ones nor count them.
PostgreSQL: ``fts_vector`` is a generated column, ``setweight(title, 'A') || setweight(body, 'D')`` over the
jieba-segmented text, with a GIN index over live articles: ``ts_rank`` reads the stored vector instead of parsing
both columns again for every matching row.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 15:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TRIGGERS = ("kb_fts_ai", "kb_fts_ad", "kb_fts_au")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in _TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute(
            "CREATE TRIGGER kb_fts_ai AFTER INSERT ON kb_articles WHEN NOT new.deleted BEGIN "
            "INSERT INTO kb_fts(rowid, title_seg, body_seg) VALUES (new.id, new.title_seg, new.body_seg); END"
        )
        op.execute(
            "CREATE TRIGGER kb_fts_ad AFTER DELETE ON kb_articles WHEN NOT old.deleted BEGIN "
            "INSERT INTO kb_fts(kb_fts, rowid, title_seg, body_seg) "
            "VALUES ('delete', old.id, old.title_seg, old.body_seg); END"
        )
        op.execute(
            "CREATE TRIGGER kb_fts_au AFTER UPDATE OF title_seg, body_seg, deleted ON kb_articles BEGIN "
            "INSERT INTO kb_fts(kb_fts, rowid, title_seg, body_seg) "
            "SELECT 'delete', old.id, old.title_seg, old.body_seg WHERE NOT old.deleted; "
            "INSERT INTO kb_fts(rowid, title_seg, body_seg) "
            "SELECT new.id, new.title_seg, new.body_seg WHERE NOT new.deleted; END"
        )
        op.execute("INSERT INTO kb_fts(kb_fts) VALUES ('delete-all')")
        op.execute(
            "INSERT INTO kb_fts(rowid, title_seg, body_seg) "
            "SELECT id, title_seg, body_seg FROM kb_articles WHERE NOT deleted"
        )
        op.execute("INSERT INTO kb_fts(kb_fts) VALUES ('optimize')")
    else:
        op.execute(
            "ALTER TABLE kb_articles ADD COLUMN fts_vector tsvector GENERATED ALWAYS AS ("
            "setweight(to_tsvector('simple'::regconfig, title_seg), 'A') || "
            "setweight(to_tsvector('simple'::regconfig, body_seg), 'D')) STORED"
        )
        op.execute("CREATE INDEX ix_kb_articles_fts_vector ON kb_articles USING GIN (fts_vector) WHERE NOT deleted")
        op.execute("DROP INDEX IF EXISTS ix_kb_articles_fts")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in _TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute(
            "CREATE TRIGGER kb_fts_ai AFTER INSERT ON kb_articles BEGIN "
            "INSERT INTO kb_fts(rowid, title_seg, body_seg) VALUES (new.id, new.title_seg, new.body_seg); END"
        )
        op.execute(
            "CREATE TRIGGER kb_fts_ad AFTER DELETE ON kb_articles BEGIN "
            "INSERT INTO kb_fts(kb_fts, rowid, title_seg, body_seg) "
            "VALUES ('delete', old.id, old.title_seg, old.body_seg); END"
        )
        op.execute(
            "CREATE TRIGGER kb_fts_au AFTER UPDATE OF title_seg, body_seg ON kb_articles BEGIN "
            "INSERT INTO kb_fts(kb_fts, rowid, title_seg, body_seg) "
            "VALUES ('delete', old.id, old.title_seg, old.body_seg); "
            "INSERT INTO kb_fts(rowid, title_seg, body_seg) VALUES (new.id, new.title_seg, new.body_seg); END"
        )
        op.execute("INSERT INTO kb_fts(kb_fts) VALUES ('rebuild')")
    else:
        op.execute(
            "CREATE INDEX ix_kb_articles_fts ON kb_articles USING GIN "
            "(to_tsvector('simple'::regconfig, title_seg || ' ' || body_seg))"
        )
        op.execute("DROP INDEX IF EXISTS ix_kb_articles_fts_vector")
        op.execute("ALTER TABLE kb_articles DROP COLUMN fts_vector")
