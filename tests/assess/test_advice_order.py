"""Advice answers the worst finding first: one case per flag, the parting step for let go, nothing pushy for keep."""

from __future__ import annotations

import pytest

from goodterms.assess.config import AssessSettings
from goodterms.assess.findings import Finding, Severity
from goodterms.assess.health import score
from goodterms.assess.verdict import FLAG_ADVICE, advice_keys, verdict

SETTINGS = AssessSettings()

#: The first steps the issue asks for, per flag (written out, not read from FLAG_ADVICE).
FIRST_STEPS: dict[str, list[str]] = {
    "over_contact": ["state_office_hours", "state_response_times"],
    "after_hours": ["state_office_hours"],
    "rush_demands": ["be_firm_time_price"],  # firm time and a rush fee
    "unpaid_time": ["be_firm_time_price"],
    "concession_pressure": ["review_price_scope"],
    "hostile_tone": ["keep_call_log"],
    "staff_strain": ["keep_call_log"],
    "unresponsive": ["ask_timely_feedback"],
    "controlling": ["limit_revisions"],  # a revision limit
    "late_payment_trend": ["payment_date_in_contract", "polite_reminder_then_pause"],  # date, then the ladder
    "thin_margin": ["review_price_scope"],
    "slow_response": ["answer_faster"],
}


def found(code: str, severity: Severity) -> Finding:
    return Finding(code=code, severity=severity, summary="", measures={}, threshold={})


def test_every_flag_has_a_case() -> None:
    assert set(FIRST_STEPS) == set(FLAG_ADVICE)


@pytest.mark.parametrize("code", sorted(FIRST_STEPS))
def test_the_worst_finding_is_answered_first(code: str) -> None:
    # The flag under test is high; a lesser finding of another kind comes first in the list given.
    other = "after_hours" if code not in ("after_hours", "over_contact") else "thin_margin"
    _, findings = score([found(other, "low"), found(code, "high")], SETTINGS)
    for chosen in ("set_boundaries", "renegotiate"):
        keys = advice_keys(chosen, findings)
        assert keys[: len(FIRST_STEPS[code])] == FIRST_STEPS[code], (code, chosen, keys)
        assert len(keys) == len(set(keys))


def test_equal_severity_goes_by_health_points_lost() -> None:
    # over_contact weighs more than after_hours, so at the same severity it is worse.
    _, findings = score([found("unresponsive", "medium"), found("over_contact", "medium")], SETTINGS)
    lost = {f.code: f.contribution for f in findings}
    assert lost["over_contact"] < lost["unresponsive"]
    assert advice_keys("set_boundaries", findings)[0] == "state_office_hours"


def test_a_client_to_let_go_gets_the_parting_step_first() -> None:
    _, findings = score([found("late_payment_trend", "high"), found("hostile_tone", "high")], SETTINGS)
    keys = advice_keys("let_go", findings)
    assert keys[0] == "courteous_parting"
    assert "payment_date_in_contract" in keys  # the findings are still answered, after parting


def test_a_client_to_keep_gets_no_renegotiation_and_no_boundary_notice() -> None:
    health, findings = score([found("after_hours", "low")], SETTINGS)
    assert verdict(health, findings, SETTINGS) == "keep"
    keys = advice_keys("keep", findings)
    assert keys == ["keep_up"]
    pushy = {"state_office_hours", "state_response_times", "review_price_scope", "be_firm_time_price"}
    assert not pushy & set(advice_keys("keep", [found(c, "low") for c in FLAG_ADVICE]))
