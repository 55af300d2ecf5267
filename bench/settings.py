"""The production settings, unchanged except that static files are collected into the
bench's own folder (config/settings.py takes STATIC_ROOT from no variable)."""

import os

from config.settings import *  # noqa: F403

STATIC_ROOT = os.environ["BENCH_STATIC_ROOT"]
