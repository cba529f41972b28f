"""Client-facing templates in th/et/en: the built-in text and the owner's override, saved as files.

Overrides are plain files in the folders the desk and the follow-ups already read
(``[desk] template_dir`` and ``[followup] template_dir``), so an override saved here is what the
desk, the follow-ups and the parting letter send. When goodterms.toml names no folder, the web
app uses ``<output_dir>/templates/<family>`` for this process (the settings page says so).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from jinja2 import Environment, TemplateSyntaxError

from goodterms.app import Goodterms
from goodterms.handling.courtesy import find_scolding
from goodterms.handling.notices import TEMPLATES

LANGS = ("th", "et", "en")
REPLY_TEMPLATES = ("reply_answer", "reply_need_info", "reply_done")


@dataclass(frozen=True)
class Family:
    """A group of templates that share one override folder."""

    name: str
    sources: dict[str, tuple[str, str]]  # template → (package, folder)
    subject_line: bool  # the first line must be "Subject: ..."


def _families() -> dict[str, Family]:
    desk = {t: ("goodterms.desk", "templates") for t in ("ack", "repeat_ack")}
    desk.update({t: ("goodterms.web", "replies") for t in REPLY_TEMPLATES})
    followup = {t: ("goodterms.handling", "templates") for t in TEMPLATES}
    return {"desk": Family("desk", desk, False), "followup": Family("followup", followup, True)}


FAMILIES = _families()


class TemplateError(ValueError):
    """The override cannot be saved (unknown template, bad syntax, scolding wording)."""


def ensure_folders(gt: Goodterms, root: Path) -> None:
    """Give each family an override folder: goodterms.toml's, else one under ``root`` (this process)."""
    if gt.settings.desk.template_dir is None:
        gt.settings.desk.template_dir = str(root / "desk")
    if gt.settings.followup.template_dir is None:
        gt.settings.followup.template_dir = str(root / "followup")


def folder(gt: Goodterms, family: str) -> Path | None:
    """Return the override folder of a family (None when none is set)."""
    found = gt.settings.desk.template_dir if family == "desk" else gt.settings.followup.template_dir
    return Path(found) if found else None


def builtin(family: str, template: str, lang: str) -> str:
    """Return the built-in text of a template."""
    package, base = FAMILIES[family].sources[template]
    return resources.files(package).joinpath(base, lang, f"{template}.txt.j2").read_text(encoding="utf-8")


def override(gt: Goodterms, family: str, template: str, lang: str) -> str | None:
    """Return the owner's override of a template, or None."""
    where = folder(gt, family)
    path = where / lang / f"{template}.txt.j2" if where else None
    return path.read_text(encoding="utf-8") if path and path.is_file() else None


def catalog(gt: Goodterms) -> list[dict[str, object]]:
    """Return every template in every language with its built-in text and override."""
    return [
        {
            "family": fam.name,
            "template": template,
            "lang": lang,
            "builtin": builtin(fam.name, template, lang),
            "override": override(gt, fam.name, template, lang),
        }
        for fam in FAMILIES.values()
        for template in fam.sources
        for lang in LANGS
    ]


def _known(family: str, template: str, lang: str) -> Family:
    fam = FAMILIES.get(family)
    if fam is None or template not in fam.sources or lang not in LANGS:
        raise TemplateError("no such template")
    return fam


def check(*, family: str, template: str, lang: str, text: str) -> None:
    """Refuse an override that is unknown, not valid Jinja2, lacks its subject line, or scolds."""
    fam = _known(family, template, lang)
    try:
        Environment().parse(text)
    except TemplateSyntaxError as exc:
        raise TemplateError(f"line {exc.lineno}: {exc.message}") from None
    if fam.subject_line and not text.startswith("Subject:"):
        raise TemplateError("the first line must be 'Subject: ...'")
    scolding = find_scolding(text)
    if scolding:
        raise TemplateError("this wording blames or scolds: " + ", ".join(s.phrase for s in scolding))


def save(*, gt: Goodterms, family: str, template: str, lang: str, text: str) -> str:
    """Save (or, for empty text, remove) an override; return "saved" or "removed"."""
    text = text.replace("\r\n", "\n")
    where = folder(gt, family)
    if where is None:
        raise TemplateError("no template folder is set")
    path = where / lang / f"{template}.txt.j2"
    if not text.strip():
        _known(family, template, lang)
        path.unlink(missing_ok=True)
        outcome = "removed"
    else:
        check(family=family, template=template, lang=lang, text=text)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
        tmp.replace(path)
        outcome = "saved"
    _forget_loaded_templates()
    return outcome


def _forget_loaded_templates() -> None:
    # The desk and the notices cache their Jinja2 environments; a new override file is only seen
    # after the cached environment (which already loaded the built-in text) is dropped.
    from goodterms.desk import letters
    from goodterms.handling import notices

    letters._environment.cache_clear()
    notices._environment.cache_clear()
