"""The central sync server: FastAPI app, accounts, push/pull over db.sync, the national progress page."""
