"""Use cases with no Qt: they take plain values and return plain rows."""
