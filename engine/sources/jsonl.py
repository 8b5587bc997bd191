"""Our own JSON Lines formats: one profile (or partner request) per line.

A profile line is :meth:`engine.profiles.Profile.to_dict` output (``id`` and ``name``
required); a request line is a :class:`engine.profiles.PartnerRequest` dict plus an ``id``.
Blank lines and lines starting with ``//`` are skipped. Errors name the file, line and field.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from engine.errors import ValidationError
from engine.profiles import PartnerRequest, Profile


def read_objects(path: Path) -> list[tuple[str, dict[str, Any]]]:
    """(``file:line``, object) of each line of a JSON Lines file; a bad line names itself."""
    out: list[tuple[str, dict[str, Any]]] = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            text = line.strip()
            if not text or text.startswith("//"):
                continue
            source = f"{path}:{number}"
            try:
                data = json.loads(text)
            except json.JSONDecodeError as exc:
                raise ValidationError(f"invalid JSON ({exc.msg})", source=source) from None
            if not isinstance(data, dict):
                raise ValidationError("each line must be a JSON object", source=source)
            out.append((source, data))
    return out


def _relabel(exc: ValidationError, source: str) -> ValidationError:
    return ValidationError(exc.message, field=exc.field, source=source)


def load_profiles(path: Path) -> list[Profile]:
    """Profiles from a JSONL file; duplicate ids are an error."""
    profiles: list[Profile] = []
    seen: dict[str, str] = {}
    for source, data in read_objects(path):
        try:
            profile = Profile.from_dict(data)
        except ValidationError as exc:
            raise _relabel(exc, source) from None
        if profile.id in seen:
            raise ValidationError(
                f"profile id {profile.id!r} already defined at {seen[profile.id]}",
                field="id",
                source=source,
            )
        seen[profile.id] = source
        profiles.append(profile)
    return profiles


def load_requests(path: Path) -> list[tuple[str, PartnerRequest]]:
    """``(id, request)`` pairs from a JSONL file of partner requests."""
    requests: list[tuple[str, PartnerRequest]] = []
    for source, data in read_objects(path):
        data = dict(data)
        request_id = str(data.pop("id", "")).strip()
        if not request_id:
            raise ValidationError("id is missing", field="id", source=source)
        try:
            requests.append((request_id, PartnerRequest.from_dict(data)))
        except ValidationError as exc:
            raise _relabel(exc, source) from None
    return requests


def write_profiles(path: Path, profiles: list[Profile]) -> None:
    """Write profiles as JSONL (UTF-8, one object per line)."""
    with open(path, "w", encoding="utf-8") as handle:
        for profile in profiles:
            handle.write(json.dumps(profile.to_dict(), ensure_ascii=False) + "\n")
