"""Service settings from the environment (prefix ``PARTNER_SEARCH_``) and an optional ``.env``.

Nothing here reads the environment at import time: ``Settings()`` does, when the server starts
(:func:`api.serve.serve`) or a test builds one explicitly.
"""

from __future__ import annotations

import ipaddress
import json
import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

#: an origin for CSP ``frame-ancestors``: scheme, host (``*.`` allowed first), optional port
_FRAME_SOURCE = re.compile(r"https?://(\*\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*(:(\d{1,5}|\*))?")


class Settings(BaseSettings):
    """Everything the service can be configured with; see ``docs/api.md``."""

    model_config = SettingsConfigDict(
        env_prefix="PARTNER_SEARCH_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    # ---- storage and engine --------------------------------------------------------------
    database_url: str = "sqlite:///models/partner_search.db"
    index_dir: Path = Path("models/index")
    cache_dir: Path = Path("models/cache")
    data_dir: Path = Path("data")
    model_path: Path | None = None
    fusion_path: Path | None = Field(
        Path("models/fusion.json"), description="learned fusion weights for a rebuilt index"
    )
    encoder: Literal["sentence", "hash"] = "sentence"
    #: with the sentence encoder, also embed with the multilingual model (requests and
    #: profiles in any EU language); the hash encoder of the tests has no multilingual twin
    multilingual: bool = True
    hash_dim: int = Field(64, ge=8, le=4096)
    save_index_on_shutdown: bool = True
    engine_threads: int | None = Field(
        1,
        ge=1,
        le=256,
        description="BLAS/OpenMP threads per ranking, process-wide (None: the libraries' "
        "default); concurrency comes from serving requests in parallel",
    )
    query_cache_size: int = Field(4096, ge=0, description="request embeddings kept in memory")
    result_cache_size: int = Field(
        1024, ge=0, description="ranked result lists kept for the current index version (0: off)"
    )
    result_cache_refresh: int = Field(
        32, ge=0, description="most recently used result lists recomputed by each write"
    )
    result_cache_refresh_wait: float = Field(
        1.0, ge=0, description="seconds into a write during which hot result lists are still "
        "ranked before readers switch to it (the rest are ranked in the background)"
    )
    change_poll_interval: float = Field(
        0.2, gt=0, le=60, description="seconds between two reads of the change table, through "
        "which each process applies the writes of the others on the same database"
    )
    ranking_slots: int = Field(
        2, ge=1, le=256, description="rankings run at once (one while a write is applied); "
        "more wait their turn, so that a write is not starved of the interpreter lock"
    )

    # ---- access ---------------------------------------------------------------------------
    read_requires_key: bool = False
    bootstrap_key: SecretStr | None = Field(
        None, description="a curator key, stored hashed on start-up if not yet known"
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    #: reverse proxies (IPs or networks) whose ``X-Forwarded-For``/``-Proto`` are believed;
    #: none by default: the TCP peer is the client (the per-IP rate limit keys on it)
    trusted_proxies: Annotated[list[str], NoDecode] = Field(default_factory=list)
    #: ``Host`` values answered (others get 400); ``*`` answers any
    allowed_hosts: Annotated[list[str], NoDecode] = Field(default_factory=lambda: ["*"])
    #: CSP ``frame-ancestors``: who may show the UI in a frame (``'self'``, ``'none'``, origins)
    frame_ancestors: Annotated[list[str], NoDecode] = Field(default_factory=lambda: ["'self'"])

    # ---- limits ---------------------------------------------------------------------------
    max_body_bytes: int = Field(64 * 1024, ge=1024)
    rate_limit_enabled: bool = True
    rate_per_ip: float = Field(20.0, gt=0, description="sustained requests per second per IP")
    burst_per_ip: int = Field(60, ge=1)
    rate_per_key: float = Field(50.0, gt=0, description="sustained requests per second per key")
    burst_per_key: int = Field(150, ge=1)
    request_expiry_days: int = Field(365, ge=1, le=3650)

    # ---- server ---------------------------------------------------------------------------
    log_level: Literal["critical", "error", "warning", "info", "debug"] = "info"

    @field_validator(
        "cors_origins", "trusted_proxies", "allowed_hosts", "frame_ancestors", mode="before"
    )
    @classmethod
    def _split_list(cls, value: object) -> object:
        """``PARTNER_SEARCH_CORS_ORIGINS=https://a.eu,https://b.eu`` (commas or spaces) or a
        JSON list."""
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [v for v in re.split(r"[,\s]+", text) if v]
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _check_proxies(cls, value: list[str]) -> list[str]:
        """Each an IP address or network (``10.0.0.0/8``); never ``*``, which would let any
        client choose the address it is rate limited by."""
        for proxy in value:
            try:
                ipaddress.ip_network(proxy, strict=False)
            except ValueError:
                raise ValueError(f"not an IP address or network: {proxy!r}") from None
        return value

    @field_validator("frame_ancestors")
    @classmethod
    def _check_ancestors(cls, value: list[str]) -> list[str]:
        """CSP source expressions: ``'self'`` or ``'none'`` (quotes optional) or an origin such
        as ``https://cluster.example.org`` or ``https://*.example.org``."""
        sources = [f"'{v}'" if v in ("self", "none") else v for v in value]
        for source in sources:
            if source not in ("'self'", "'none'") and not _FRAME_SOURCE.fullmatch(source):
                raise ValueError(f"not a frame-ancestors source: {source!r}")
        if "'none'" in sources and len(sources) > 1:
            raise ValueError("'none' cannot be combined with other frame-ancestors sources")
        return sources or ["'none'"]
