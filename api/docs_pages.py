"""The API reference pages, served from this server with no CDN (they work behind a firewall):
``/docs`` (Swagger UI) and ``/redoc`` (ReDoc). Their scripts and styles are those shipped by
the ``fastapi-offline`` package, served at ``/docs/static/`` with our own ``swagger-init.js``
(``api/docs_assets/``).

Both pages allow scripts from this server only, like the UI (:mod:`api.headers`). Swagger UI's
page is our own HTML (FastAPI's has an inline script); ReDoc's is FastAPI's, which has none.
ReDoc styles itself by injecting ``<style>`` elements and builds its search worker from a
``blob:`` URL, so its page allows inline styles and ``blob:`` workers, nothing more.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from api.headers import content_security_policy

ASSETS = Path(__file__).parent / "docs_assets"
#: every URL is relative to the page (``/docs``, ``/redoc``), so a path prefix set by a
#: reverse proxy (ASGI ``root_path``) needs nothing here
STATIC = "docs/static"
SWAGGER_PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{title}</title>
  <link rel="icon" href="ui/favicon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="{static}/swagger-ui.css">
  <script src="{static}/swagger-ui-bundle.js" defer></script>
  <script src="{static}/swagger-init.js" defer></script>
</head>
<body>
  <div id="swagger-ui" data-openapi-url="openapi.json"></div>
</body>
</html>
"""


def install_docs(app: FastAPI, frame_ancestors: Sequence[str]) -> None:
    """Add ``/docs``, ``/redoc`` and their assets to ``app`` (created with ``docs_url=None,
    redoc_url=None``)."""
    redoc_policy = content_security_policy(
        frame_ancestors, style_src="'self' 'unsafe-inline'", worker_src="'self' blob:"
    )
    title = html.escape(app.title)
    # the service's own CSP (api.headers) fits the Swagger page as it is
    swagger_page = SWAGGER_PAGE.format(title=f"{title} · API reference", static=STATIC)

    def swagger() -> HTMLResponse:
        return HTMLResponse(swagger_page)

    def redoc() -> HTMLResponse:
        response = get_redoc_html(
            openapi_url="openapi.json",
            title=f"{title} · API reference (ReDoc)",
            redoc_js_url=f"{STATIC}/redoc.standalone.js",
            redoc_favicon_url="ui/favicon.svg",
            with_google_fonts=False,
        )
        response.headers["Content-Security-Policy"] = redoc_policy
        return response

    app.add_api_route("/docs", swagger, include_in_schema=False, methods=["GET"])
    app.add_api_route("/redoc", redoc, include_in_schema=False, methods=["GET"])
    app.mount(
        f"/{STATIC}",
        StaticFiles(directory=ASSETS, packages=[("fastapi_offline", "static")]),
        name="docs-static",
    )
