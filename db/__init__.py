"""Data layer shared by the desktop app and the central server: models, rules, migrations, sync. No Qt."""
