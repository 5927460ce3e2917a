"""Protocol and synced-schema versions both ends compare before any data moves."""

from __future__ import annotations

# Bumped when the shape of the messages changes; the server refuses clients older than MIN_CLIENT_PROTOCOL.
PROTOCOL_VERSION = 1
MIN_CLIENT_PROTOCOL = 1
# Bumped when a synced table gains or loses a column; a client newer than the server is refused.
SCHEMA_VERSION = 1

PROTOCOL_HEADER = "X-Krukhor-Protocol"
SCHEMA_HEADER = "X-Krukhor-Schema"
CLIENT_TIME_HEADER = "X-Krukhor-Client-Time"

# A clock further off than this is reported to the officer (sync never orders by client clocks).
CLOCK_SKEW_WARN_SECONDS = 300
