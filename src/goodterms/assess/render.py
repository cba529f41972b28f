"""Renderers over one assessment result: a rich table and Markdown (JSON is ``AssessResult.to_json``).

Both speak the reader's language: summaries, advice, the words for verdicts, flags and severities, and
the date (the Buddhist era in Thai); codes are only in the JSON.
"""

from __future__ import annotations

from rich.table import Table

from goodterms.assess import messages as msg
from goodterms.assess.service import AssessResult


def table(result: AssessResult, lang: str = "en", tz: str = "UTC") -> Table:
    """Return one row per client: health, verdict, flags and the first step, in ``lang``."""
    out = Table(
        msg.label("client", lang),
        msg.label("health", lang),
        msg.label("verdict", lang),
        msg.label("flags", lang),
        msg.label("first_step", lang),
        title=msg.label("as_of", lang, when=msg.moment(result.as_of, lang, tz)),
    )
    for client in result.clients:
        flags = ", ".join(
            f"{msg.name(f.code, lang)} ({msg.name(f.severity, lang)}, {f.contribution:+g})"
            for f in client.flags
        )
        out.add_row(
            f"{client.name} [{client.id}]",
            str(client.health),
            msg.name(client.verdict, lang),
            flags or "–",
            msg.advice(client.advice[0]["key"], lang) if client.advice else "",
        )
    for found in result.business:
        out.add_row(
            f"{msg.label('us', lang)} [{found.client}]",
            "",
            "",
            f"{msg.name(found.code, lang)} ({msg.name(found.severity, lang)})",
            found.summary_in(lang),
        )
    return out


def markdown(result: AssessResult, lang: str = "en", tz: str = "UTC") -> str:
    """Return the assessment as a Markdown report: per client the findings, evidence counts and advice."""
    lines = [f"# {msg.label('report', lang, when=msg.moment(result.as_of, lang, tz))}", ""]
    for client in result.clients:
        lines += [
            f"## {client.name} ({client.id}): {msg.label('health', lang)} {client.health}, "
            f"{msg.name(client.verdict, lang)}",
            "",
        ]
        if client.trend:
            trend = ", ".join(f"{p['month']} {p['health']}" for p in client.trend)
            lines += [f"{msg.label('trend', lang)}: {trend}", ""]
        for found in client.flags:
            total = found.measures.get("evidence_total", len(found.evidence))
            lines.append(
                f"- **{msg.name(found.code, lang)}** ({msg.name(found.severity, lang)}, {found.contribution:+g}): "
                f"{found.summary_in(lang)} {msg.label('evidence', lang, count=total)}"
                + (": " + ", ".join(f"{e.type} {e.id}" for e in found.evidence[:5]) if found.evidence else "")
                + ("…" if len(found.evidence) > 5 else "")
            )
        if client.flags:
            lines.append("")
        lines += [f"- {msg.advice(item['key'], lang)}" for item in client.advice] + [""]
    if result.business:
        lines += [f"## {msg.label('ours', lang)}", ""]
        lines += [
            f"- **{msg.name(f.code, lang)}** ({f.client}): {f.summary_in(lang)}" for f in result.business
        ]
        lines += [""]
    return "\n".join(lines)
