#!/usr/bin/env bash
# Quick start: set up (first time) and launch the desktop app. Arguments go to the app, e.g. --demo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/krukhor "$@"  # without a display it says how to run (xvfb-run or offscreen)
