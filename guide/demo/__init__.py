"""The demo show, "All Of Us Are Dead": its records and the loader that keeps them in sync.

`guide.demo.data` holds the records as plain Python (no Django imports);
`guide.demo.loader` writes them to the database idempotently and needs Django set up, so
it is not imported here. `manage.py load_demo` runs the loader.
"""

from guide.demo.data import SHOW_SLUG

__all__ = ["SHOW_SLUG"]
