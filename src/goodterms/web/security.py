"""Security headers and cross-site request refusal for every response and every state change."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

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


async def security_middleware(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    """Refuse cross-site state changes and add the security headers."""
    why = cross_site(request)
    if why is not None:
        response: Response = PlainTextResponse(f"cross-site request refused: {why}", status_code=403)
    else:
        response = await call_next(request)
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response
