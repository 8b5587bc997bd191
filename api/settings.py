"""Service settings from the environment (prefix ``PARTNER_SEARCH_``) and an optional ``.env``.

Nothing here reads the environment at import time: ``Settings()`` does, when the server starts
(:func:`api.app.serve`) or a test builds one explicitly.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


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

    # ---- access ---------------------------------------------------------------------------
    read_requires_key: bool = False
    bootstrap_key: SecretStr | None = Field(
        None, description="a curator key, stored hashed on start-up if not yet known"
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)

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

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        """``PARTNER_SEARCH_CORS_ORIGINS=https://a.eu,https://b.eu`` or a JSON list."""
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                import json

                return json.loads(text)
            return [v.strip() for v in text.split(",") if v.strip()]
        return value
