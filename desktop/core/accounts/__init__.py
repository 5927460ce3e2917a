"""Staff accounts, roles, signing in and the one permission check that core operations call."""
