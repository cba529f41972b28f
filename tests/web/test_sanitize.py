"""An XSS payload table against the e-mail HTML sanitiser, and the sandboxed iframe around it."""

from __future__ import annotations

import pytest

from goodterms.web.sanitize import clean_html, sandboxed_iframe

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<iframe src="https://evil.example"></iframe>',
    '<object data="x.swf"></object>',
    '<embed src="x.swf">',
    '<form action="https://evil.example"><input name=p></form>',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<style>body{background:url("javascript:alert(1)")}</style>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<p onclick="alert(1)">x</p>',
    "<body onload=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<base href="https://evil.example/">',
    '<link rel=stylesheet href="https://evil.example/x.css">',
    "<!--<script>alert(1)</script>-->",
    "<details open ontoggle=alert(1)>",
    '<video><source onerror="alert(1)"></video>',
]
FORBIDDEN = (
    "<script",
    "onerror",
    "onload",
    "onclick",
    "ontoggle",
    "javascript:",
    "<iframe",
    "<object",
    "<embed",
    "<form",
    "<meta",
    "<style",
    "style=",
    "<base",
    "<link",
    "data:text",
    "<svg",
    "<img",
)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_is_neutralised(payload: str) -> None:
    cleaned = clean_html(payload).lower()
    for bad in FORBIDDEN:
        assert bad not in cleaned, (payload, cleaned)


def test_ordinary_mail_survives() -> None:
    mail = '<p>สวัสดีครับ <b>Tere</b>, see <a href="https://example.com/x">the draft</a></p>'
    cleaned = clean_html(mail)
    assert "สวัสดีครับ" in cleaned
    assert "<b>Tere</b>" in cleaned
    assert 'href="https://example.com/x"' in cleaned
    assert 'rel="noopener noreferrer nofollow"' in cleaned


def test_iframe_is_sandboxed_without_permissions_and_escapes_its_document() -> None:
    frame = sandboxed_iframe("<p>hi</p><script>alert(1)</script>", lang="th", title='Mail "1"')
    assert frame.startswith('<iframe sandbox="" ')
    assert "<script" not in frame
    assert 'srcdoc="&lt;!doctype html&gt;&lt;html lang=&quot;th&quot;' in frame
    assert 'title="Mail &quot;1&quot;"' in frame
