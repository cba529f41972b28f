from __future__ import annotations

from goodterms.assess.config import AssessSettings
from goodterms.assess.findings import Finding, Severity
from goodterms.assess.health import score
from goodterms.assess.verdict import advice, verdict

SETTINGS = AssessSettings()


def found(code: str, severity: Severity) -> Finding:
    return Finding(code=code, severity=severity, summary="", measures={}, threshold={})


def test_health_is_100_minus_weight_times_severity_points_per_finding() -> None:
    health, scored = score([found("over_contact", "high"), found("after_hours", "low")], SETTINGS)
    assert [f.contribution for f in scored] == [-18.0, -5.0]
    assert health == 100 - 18 - 5


def test_health_never_goes_below_zero() -> None:
    health, _ = score([found(code, "high") for code in SETTINGS.weights], SETTINGS)
    assert health == 0


def test_verdict_rules_from_keep_to_let_go() -> None:
    assert verdict(100, [], SETTINGS) == "keep"
    assert verdict(95, [found("after_hours", "low")], SETTINGS) == "keep"
    assert verdict(90, [found("after_hours", "medium")], SETTINGS) == "set_boundaries"
    assert verdict(86, [], SETTINGS) == "set_boundaries"
    assert verdict(86, [found("thin_margin", "medium")], SETTINGS) == "renegotiate"
    assert verdict(60, [], SETTINGS) == "renegotiate"
    assert verdict(40, [], SETTINGS) == "let_go"
    highs = [found("over_contact", "high"), found("hostile_tone", "high"), found("staff_strain", "high")]
    assert verdict(90, highs, SETTINGS) == "let_go"


def test_advice_has_stable_keys_and_speaks_the_business_language() -> None:
    findings = [found("late_payment_trend", "medium")]
    keys = [a["key"] for a in advice("renegotiate", findings, "et")]
    assert keys == [
        "payment_date_in_contract",
        "polite_reminder_then_pause",
        "review_price_scope",
        "be_firm_time_price",
    ]
    assert "maksepäev" in advice("renegotiate", findings, "et")[0]["text"]
    assert "สัญญา" in advice("renegotiate", findings, "th")[0]["text"]
    parting = [a["key"] for a in advice("let_go", [], "en")]
    assert parting == ["courteous_parting", "final_report_handover", "keep_call_log"]
