"""Security headers and cross-site request refusal for every response and every state change."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "font-src 'self'; frame-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def cross_site(request: Request) -> str | None:
    """Return why an unsafe request looks cross-site, or None when it is same-origin.

    Browsers send Sec-Fetch-Site and Origin on every POST; a cookie-authenticated request that
    carries neither is refused too, so only bearer-token clients may omit them.
    """
    if request.method in SAFE_METHODS:
        return None
    site = request.headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        return f"Sec-Fetch-Site is {site}"
    origin = request.headers.get("origin")
    if origin is not None:
        expected = f"{request.url.scheme}://{request.headers.get('host', request.url.netloc)}"
        if origin != expected:
            return "Origin does not match"
        return None
    if site is None and not request.headers.get("authorization", "").startswith("Bearer "):
        return "no Origin or Sec-Fetch-Site header"
    return None


class SecurityMiddleware:
    """Refuse cross-site state changes and add the security headers to every response.

    Plain ASGI (not Starlette's ``BaseHTTPMiddleware``, which runs each request's app in a task of
    its own and streams its body through a queue): only the response's start message is touched.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        why = cross_site(Request(scope))
        if why is not None:
            refused = PlainTextResponse(f"cross-site request refused: {why}", status_code=403)
            await refused(scope, receive, self._with_headers(send))
            return
        await self.app(scope, receive, self._with_headers(send))

    @staticmethod
    def _with_headers(send: Send) -> Send:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        return send_with_headers
