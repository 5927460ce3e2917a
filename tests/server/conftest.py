"""Server and sync fixtures (see tests/fixtures/sync_harness.py)."""

from tests.fixtures.sync_harness import _pg_reason, desktops, server, server_db_url  # noqa: F401
