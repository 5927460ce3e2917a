"""Alembic environment: migrates the connection handed in by db.migrate (batch mode on SQLite)."""

from __future__ import annotations

from alembic import context

from db.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        from db.engine import make_engine

        engine = make_engine(config.get_main_option("sqlalchemy.url"))
        with engine.connect() as connection:
            _run(connection)
        return
    _run(connection)


def _render_item(type_: str, obj: object, autogen_context: object) -> str | bool:
    """Write our UTC timestamp type as a plain DateTime so migrations never import model code."""
    from db.base import UTCDateTime, Uuid

    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    if type_ == "type" and isinstance(obj, Uuid):
        return "sa.Uuid()"
    return False


def _run(connection: object) -> None:
    context.configure(
        render_item=_render_item,
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline SQL generation is not supported; migrate a database instead")
run_migrations_online()
