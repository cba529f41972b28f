"""Client text is never marked safe: only our own rendered charts may bypass autoescaping."""

from __future__ import annotations

import re
from importlib import resources

from jinja2 import Environment

from goodterms.web.context import make_env

SAFE_ALLOWED = {"chart"}


def _templates() -> dict[str, str]:
    folder = resources.files("goodterms.web").joinpath("templates")
    return {e.name: e.read_text(encoding="utf-8") for e in folder.iterdir() if e.name.endswith(".html")}


def test_no_template_marks_anything_but_charts_safe() -> None:
    for name, text in _templates().items():
        for expr in re.findall(r"\{\{\s*([^}]*?)\|\s*safe", text):
            assert expr.strip() in SAFE_ALLOWED, f"{name}: {expr} is marked safe"
        assert "autoescape false" not in text, name
        assert "Markup(" not in text, name


def test_web_code_never_builds_markup_from_data() -> None:
    package = resources.files("goodterms.web")
    for entry in package.iterdir():
        if entry.name.endswith(".py"):
            text = entry.read_text(encoding="utf-8")
            assert "Markup(" not in text, entry.name
            assert "autoescape=False" not in text, entry.name


def test_environment_autoescapes_everything() -> None:
    env: Environment = make_env()
    assert env.from_string("{{ x }}").render(x="<b>") == "&lt;b&gt;"
    assert env.get_template("error.html") is not None
