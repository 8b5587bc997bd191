"""Request bodies are UTF-8 JSON (RFC 8259), checked before any route reads them, so that a
client learns what is wrong with the bytes it sent rather than a field error about them:

- a body that is not sent as ``application/json`` (or ``application/*+json``), or that
  declares a ``charset`` other than UTF-8: **415**;
- a body that is not UTF-8 (UTF-16 or UTF-32, with or without a byte order mark; Latin-1):
  **415**, naming the first offending byte;
- a UTF-8 byte order mark: **400** (RFC 8259 8.1: senders must not add one);
- malformed JSON, or ``NaN``/``Infinity`` (not JSON values): **400** ``bad-request`` saying
  where, e.g. "the body is not valid JSON: Expecting ',' delimiter at line 1 column 9".

Starlette would otherwise decode UTF-16/32 and a BOM silently (``json.loads`` on bytes guesses
the encoding) and FastAPI would answer malformed JSON with a 422 whose ``field`` is a character
offset. The body is parsed twice (here and by FastAPI); it is at most ``MAX_BODY_BYTES``
(64 KiB), which parses in well under a millisecond.
"""

from __future__ import annotations

import codecs
import json
from email.message import Message as MimeMessage

from starlette.datastructures import Headers
from starlette.types import Message, Receive, Scope, Send

from api.asgi import HttpMiddleware
from api.errors import problem_response

#: status and detail of a refused body
Refusal = tuple[int, str]


def _no_constant(name: str) -> object:
    raise ValueError(f"{name} is not a JSON value")


def media_type_refusal(content_type: str | None) -> Refusal | None:
    """Why a body with this ``Content-Type`` is refused, or None if it is UTF-8 JSON."""
    if not content_type:
        return 415, "the body has no Content-Type; send it as application/json"
    parsed = MimeMessage()
    parsed["content-type"] = content_type
    subtype = parsed.get_content_subtype()
    if parsed.get_content_maintype() != "application" or not (
        subtype == "json" or subtype.endswith("+json")
    ):
        return 415, f"the body is {parsed.get_content_type()}; send it as application/json"
    charset = parsed.get_param("charset")
    if isinstance(charset, str) and charset.lower().replace("_", "-") not in ("utf-8", "utf8"):
        return 415, f"the body is declared as {charset}; send JSON encoded as UTF-8"
    return None


def body_refusal(body: bytes) -> Refusal | None:
    """Why these bytes are refused as a JSON body, or None if they are UTF-8 JSON."""
    if body.startswith(codecs.BOM_UTF8):
        return 400, "the body starts with a byte order mark (U+FEFF); send UTF-8 JSON without one"
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        byte = body[exc.start]
        return 415, (
            f"the body is not UTF-8 (byte 0x{byte:02x} at offset {exc.start}); "
            "send JSON encoded as UTF-8"
        )
    if "\x00" in text:
        return 415, "the body has NUL bytes (UTF-16 or UTF-32?); send JSON encoded as UTF-8"
    try:
        json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        return 400, (
            f"the body is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        )
    except ValueError as exc:
        return 400, f"the body is not valid JSON: {exc}"
    except RecursionError:
        return 400, "the body is nested too deeply to be read"
    return None


def _has_body(headers: Headers) -> bool:
    return "transfer-encoding" in headers or headers.get("content-length", "0").strip() != "0"


class JsonBodyMiddleware(HttpMiddleware):
    """Refuses a request body that is not UTF-8 JSON (see the module docstring); passes the
    checked body on unchanged."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = Headers(scope=scope)
        if not _has_body(headers):
            await self.app(scope, receive, send)
            return
        refusal = media_type_refusal(headers.get("content-type"))
        body = b""
        if refusal is None:
            chunks: list[bytes] = []
            more = True
            while more:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return  # the client has gone: nobody to answer
                chunks.append(message.get("body", b""))
                more = message.get("more_body", False)
            body = b"".join(chunks)
            refusal = body_refusal(body) if body else None
        if refusal is not None:
            scope["partner_search.rejected"] = "(bad body)"
            status, detail = refusal
            await problem_response(status, detail)(scope, receive, send)
            return
        await self.app(scope, _replay(body, receive), send)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that gives ``body`` once, then the client's own messages (disconnect)."""
    given = False

    async def replay() -> Message:
        nonlocal given
        if given:
            return await receive()
        given = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay
