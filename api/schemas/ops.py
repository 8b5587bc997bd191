"""Operations: liveness (``/health``) and readiness (``/ready``)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class Health(BaseModel):
    status: Literal["ok"] = "ok"


class Ready(BaseModel):
    status: Literal["ready"] = "ready"
    profiles: int
    vectors: int
    index_version: int
    model: str
    sync: str = Field(description="how the index met the database: verified/repaired/rebuilt")
