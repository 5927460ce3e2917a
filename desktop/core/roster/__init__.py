"""Roster import from the Ministry of Interior's Excel lists: read, map, normalise, preview, apply, undo."""
