"""Signing in, the first admin, passwords, the idle lock and the accounts list of the settings page."""
