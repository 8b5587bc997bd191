"""Feedback on a shown result: what a client sends and what is stored."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field, StrictInt

from api.schemas.common import Input, RefId, Text
from api.store.feedback import FeedbackRecord


class FeedbackCreate(Input):
    profile_id: RefId
    label: Literal["relevant", "not_relevant", "contacted"]
    request_id: RefId | None = Field(None, description="a stored request, or ...")
    request_text: Text | None = Field(None, description="... the text that was searched")
    rank: StrictInt | None = Field(None, ge=1, le=1000, description="where the profile was shown")


class FeedbackPublic(BaseModel):
    id: int
    profile_id: str
    label: str
    request_id: str | None
    query_hash: str
    rank: int | None
    created_at: datetime

    @classmethod
    def of(cls, record: FeedbackRecord) -> FeedbackPublic:
        return cls(**vars(record))
