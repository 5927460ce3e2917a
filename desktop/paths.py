"""Where the app keeps its data: the user's local app-data folder unless --db says otherwise."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir

APP_NAME = "krukhor"


def data_dir() -> Path:
    override = os.environ.get("KRUKHOR_DATA_DIR")
    if override:
        return Path(override)
    # roaming=False: the database must stay on this PC (%LOCALAPPDATA% on Windows), not follow a profile.
    return Path(user_data_dir(APP_NAME, appauthor=False, roaming=False))


def default_db_path() -> Path:
    return data_dir() / "krukhor.sqlite"
