"""The partner-search HTTP service: a thin FastAPI layer over :mod:`engine`.

``create_app(settings)`` in :mod:`api.app` builds the application and :mod:`api.serve` runs
it; nothing is built at import time. The database (:mod:`api.store`) is the source of truth;
the engine's index is derived from it at start-up and kept in step on every acknowledged
write (:mod:`api.live`).
"""

from __future__ import annotations
