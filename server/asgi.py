"""An importable app for uvicorn workers (settings from KRUKHOR_SERVER_* in the environment)."""

from server.app import create_app

app = create_app()
