"""gunicorn's settings for Next Season, read from the project folder.

`gunicorn config.wsgi -c gunicorn.conf.py` (gunicorn also reads this file by itself when
started here). Bind address and workers stay on the command line.
"""

import gunicorn.http.wsgi

# gunicorn writes "Server: gunicorn" on every response, ahead of the application's own
# headers, and has no setting for it: it reads this module-level name each time. Name
# no software, so a scanner learns nothing to match against known flaws.
gunicorn.http.wsgi.SERVER = "Next Season"
