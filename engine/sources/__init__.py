"""Loaders that turn source data into :class:`engine.profiles.Profile` objects."""
