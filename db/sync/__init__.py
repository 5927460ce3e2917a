"""The sync protocol shared by client and server: versions, registry, row codec, messages, merge rules."""
