"""Partner search: semantic recommendation of collaboration partners for European clusters.

The front object is :class:`engine.recommender.Recommender`; everything else is plain modules
of data types and pure functions that it composes.
"""

from __future__ import annotations

__all__ = ["__version__"]
__version__ = "0.1.0"
