"""Alembic environment of the server schema (its own version table, so it can share a database)."""

from __future__ import annotations

from alembic import context

from server.models import ServerBase

config = context.config
target_metadata = ServerBase.metadata


def _render_item(type_: str, obj: object, autogen_context: object) -> str | bool:
    from db.base import UTCDateTime

    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        raise SystemExit("migrate through server.database.migrate")
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_item=_render_item,
        render_as_batch=True,
        compare_type=True,
        version_table=config.get_main_option("version_table") or "alembic_version_server",
    )
    with context.begin_transaction():
        context.run_migrations()


run()
