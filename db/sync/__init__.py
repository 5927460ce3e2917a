"""The sync protocol shared by client and server."""
