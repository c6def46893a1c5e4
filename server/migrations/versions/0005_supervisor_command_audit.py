"""The audit of supervisors' force commands, and the link from an agent's pending state to the command it came from.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 15:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "supervisor_commands",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("supervisor_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=64), nullable=True),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("agent_state", sa.String(length=16), nullable=False),
        sa.Column("deferred", sa.Boolean(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("applied_at", sa.DateTime(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("resolved_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["agent_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["supervisor_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_supervisor_commands_team_issued", "supervisor_commands", ["team_id", "issued_at"])
    op.create_index("ix_supervisor_commands_agent_issued", "supervisor_commands", ["agent_id", "issued_at"])
    with op.batch_alter_table("agent_states") as batch_op:
        batch_op.add_column(sa.Column("pending_command_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("agent_states") as batch_op:
        batch_op.drop_column("pending_command_id")
    op.drop_index("ix_supervisor_commands_agent_issued", table_name="supervisor_commands")
    op.drop_index("ix_supervisor_commands_team_issued", table_name="supervisor_commands")
    op.drop_table("supervisor_commands")
