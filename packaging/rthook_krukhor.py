"""Runtime hook of the bundle: pythainlp may not write ~/pythainlp-data or download anything."""

import os

# The bundle carries the word list it needs; an office PC is often offline and its home folder is not ours.
os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")
os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
