"""Registrations made in the ministry's app: imported from its export, counted per ครู ข."""
