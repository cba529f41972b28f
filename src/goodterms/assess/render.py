"""Renderers over one assessment result: a rich table and Markdown (JSON is ``AssessResult.to_json``)."""

from __future__ import annotations

from rich.table import Table

from goodterms.assess.service import AssessResult

VERDICT_TITLES = {
    "keep": "keep",
    "set_boundaries": "set boundaries",
    "renegotiate": "renegotiate",
    "let_go": "let go",
}


def table(result: AssessResult) -> Table:
    """Return one row per client: health, verdict, flags and the first advice."""
    out = Table(
        "client", "health", "verdict", "flags", "advice", title=f"as of {result.as_of:%Y-%m-%d %H:%M %Z}"
    )
    for client in result.clients:
        flags = ", ".join(f"{f.code} ({f.severity}, {f.contribution:+g})" for f in client.flags)
        out.add_row(
            f"{client.name} [{client.id}]",
            str(client.health),
            VERDICT_TITLES[client.verdict],
            flags or "–",
            client.advice[0]["text"] if client.advice else "",
        )
    for found in result.business:
        out.add_row(f"(us) [{found.client}]", "", "", f"{found.code} ({found.severity})", found.summary)
    return out


def markdown(result: AssessResult) -> str:
    """Return the assessment as a Markdown report: per client the findings, evidence counts and advice."""
    lines = [f"# Client assessment as of {result.as_of.isoformat()}", ""]
    for client in result.clients:
        lines += [
            f"## {client.name} ({client.id}): health {client.health}, {VERDICT_TITLES[client.verdict]}",
            "",
        ]
        if client.trend:
            lines += ["Trend: " + ", ".join(f"{p['month']} {p['health']}" for p in client.trend), ""]
        for found in client.flags:
            total = found.measures.get("evidence_total", len(found.evidence))
            lines.append(
                f"- **{found.code}** ({found.severity}, {found.contribution:+g}): {found.summary} "
                f"Evidence: {total} records"
                + (": " + ", ".join(f"{e.type} {e.id}" for e in found.evidence[:5]) if found.evidence else "")
                + ("…" if len(found.evidence) > 5 else "")
            )
        if client.flags:
            lines.append("")
        lines += [f"- {item['text']}" for item in client.advice] + [""]
    if result.business:
        lines += ["## Our own findings", ""]
        lines += [f"- **{f.code}** ({f.client}): {f.summary}" for f in result.business] + [""]
    return "\n".join(lines)
