"""The desktop application: core use cases, reports, Qt UI and the CLI."""
