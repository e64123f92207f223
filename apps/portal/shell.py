"""The store app's shell: the static files its service worker keeps, and their version.

The version is a hash of the files' contents, so a deploy that changes any of them makes browsers
install the new service worker and drop the old cache; an unchanged deploy costs them nothing.
"""

from __future__ import annotations

import hashlib

from django.contrib.staticfiles import finders

SHELL_STATIC = (
    "css/portal.css",
    "css/incidents.css",
    "css/store.css",
    "django_htmx/htmx-2.min.js",
    "django_htmx/ext/hx-ws-2.min.js",
    "js/texts.js",
    "js/live.js",
    "js/incidents.js",
    "js/report-queue.js",
    "js/store-app.js",
    "store/manifest.webmanifest",
    "store/icon-192.png",
    "store/icon-512.png",
)
# Pages kept for a visit without signal: the store home and the report form (refreshed on each visit).
SHELL_PAGES = ("/store/", "/incidents/new/")


def _version() -> str:
    digest = hashlib.sha256()
    for name in SHELL_STATIC:
        path = finders.find(name)
        digest.update(name.encode())
        if isinstance(path, str):
            with open(path, "rb") as handle:
                digest.update(handle.read())
    return digest.hexdigest()[:12]


SHELL_VERSION = _version()
