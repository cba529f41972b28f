"""The verdict (keep, set_boundaries, renegotiate, let_go) and the advice that comes with it.

Rules, in order: let_go when health is below ``let_go_below`` or ``let_go_high_flags`` findings are
high; renegotiate when a money flag is at least medium, or when health is below ``renegotiate_below``
and money findings cost at least as many health points as behaviour findings; set_boundaries when
health is below ``boundaries_below`` or a behaviour flag is at least medium; else keep. A client whose
health fell mostly through behaviour (the over-communicator: contact volume, late calls) needs
boundaries first, not a new price. Advice keys are stable; the step that answers the worst finding
comes first (``advice_keys``); texts are written in a language given, and read again in the reader's.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from goodterms.assess import messages as msg
from goodterms.assess.config import AssessSettings
from goodterms.assess.findings import SEVERITY_POINTS, Finding
from goodterms.assess.health import contribution

Verdict = Literal["keep", "set_boundaries", "renegotiate", "let_go"]

VERDICT_ADVICE: dict[str, tuple[str, ...]] = {
    "keep": ("keep_up",),
    "set_boundaries": ("state_office_hours", "state_response_times"),
    "renegotiate": ("review_price_scope", "be_firm_time_price"),
    "let_go": ("courteous_parting", "final_report_handover", "keep_call_log"),
}

FLAG_ADVICE: dict[str, tuple[str, ...]] = {
    "over_contact": ("state_office_hours", "state_response_times"),
    "after_hours": ("state_office_hours",),
    "rush_demands": ("be_firm_time_price",),
    "unpaid_time": ("be_firm_time_price",),
    "concession_pressure": ("review_price_scope",),
    "hostile_tone": ("keep_call_log",),
    "staff_strain": ("keep_call_log",),
    "unresponsive": ("ask_timely_feedback",),
    "controlling": ("limit_revisions",),
    "late_payment_trend": ("payment_date_in_contract", "polite_reminder_then_pause"),
    "thin_margin": ("review_price_scope",),
    "slow_response": ("answer_faster",),
}

#: Advice a client to keep never gets: renegotiation and boundary notices.
NOT_FOR_KEEP = frozenset(VERDICT_ADVICE["renegotiate"] + VERDICT_ADVICE["set_boundaries"])


def _at_least_medium(findings: Sequence[Finding], codes: Sequence[str]) -> bool:
    return any(f.code in codes and f.severity != "low" for f in findings)


def _points(findings: Sequence[Finding], codes: Sequence[str], settings: AssessSettings) -> float:
    return -sum(contribution(f, settings) for f in findings if f.code in codes)


def verdict(health: int, findings: Sequence[Finding], settings: AssessSettings) -> Verdict:
    """Return the verdict for a client's health and findings."""
    highs = sum(1 for f in findings if f.severity == "high")
    if health < settings.let_go_below or highs >= settings.let_go_high_flags:
        return "let_go"
    mostly_money = _points(findings, settings.money_flags, settings) >= _points(
        findings, settings.behaviour_flags, settings
    )
    if (health < settings.renegotiate_below and mostly_money) or _at_least_medium(
        findings, settings.money_flags
    ):
        return "renegotiate"
    if health < settings.boundaries_below or _at_least_medium(findings, settings.behaviour_flags):
        return "set_boundaries"
    return "keep"


def worst_first(findings: Sequence[Finding]) -> list[Finding]:
    """Return findings worst first: highest severity, then most health points lost, then by code."""
    return sorted(findings, key=lambda f: (-SEVERITY_POINTS[f.severity], f.contribution, f.code))


def advice_keys(chosen: Verdict, findings: Sequence[Finding]) -> list[str]:
    """Return the advice keys for a verdict and its findings, the step that answers the worst first.

    A client to let go gets the parting steps first; any other client gets the advice for its worst
    finding first, then for the others, then the verdict's own. A client to keep gets no renegotiation
    advice and no boundary notice: only what keeps working and what answers a finding otherwise.
    """
    answers = [k for f in worst_first(findings) for k in FLAG_ADVICE.get(f.code, ())]
    if chosen == "let_go":
        ordered = [*VERDICT_ADVICE["let_go"], *answers]
    elif chosen == "keep":
        ordered = [*VERDICT_ADVICE["keep"], *(k for k in answers if k not in NOT_FOR_KEEP)]
    else:
        ordered = [*answers, *VERDICT_ADVICE[chosen]]
    return list(dict.fromkeys(ordered))


def advice(chosen: Verdict, findings: Sequence[Finding], lang: str) -> list[dict[str, str]]:
    """Return the advice for a verdict and its findings: stable keys, texts in ``lang``, no repeats."""
    return [{"key": key, "text": msg.advice(key, lang)} for key in advice_keys(chosen, findings)]
