"""The ``[assess]`` section of goodterms.toml: thresholds, weights and verdict rules, with defaults."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Levels(BaseModel):
    """Thresholds at which a measure becomes a low, medium or high severity finding."""

    model_config = ConfigDict(extra="forbid")
    low: float = Field(description="Value at which the flag is raised with low severity.")
    medium: float = Field(description="Value at which the severity becomes medium.")
    high: float = Field(description="Value at which the severity becomes high.")


def _levels(low: float, medium: float, high: float) -> Levels:
    return Levels(low=low, medium=medium, high=high)


class AssessSettings(BaseModel):
    """How goodterms assesses clients: every threshold, weight and verdict rule."""

    model_config = ConfigDict(extra="forbid")

    engine: Literal["auto", "duckdb", "database"] = Field(
        "auto",
        description="What aggregates a whole-portfolio assessment of a SQLite ledger file: duckdb = DuckDB reads "
        "the file (several times faster on big ledgers, same results), database = SQLite itself, auto = DuckDB "
        "from duckdb_from_mb on. PostgreSQL always aggregates in the database.",
    )
    duckdb_from_mb: float = Field(
        64.0, description="With engine = auto, the SQLite file size (MB) from which DuckDB aggregates."
    )
    # Portfolio-relative ratios share these levels unless a flag has its own.
    ratio_levels: Levels = Field(
        default_factory=lambda: _levels(2.0, 3.0, 5.0),
        description="Multiples of the median client at which over_contact and controlling "
        "become low, medium and high.",
    )
    over_contact_min_per_week: float = Field(
        3.0, description="over_contact needs at least this many inbound contacts per active week."
    )
    median_floor_per_week: float = Field(
        1.0,
        description="The portfolio median of contacts per week is taken as at least this (no zero medians).",
    )
    contact_channels: list[str] = Field(
        default_factory=lambda: ["call", "email", "sms", "voicemail", "chat"],
        description="Inbound channels that count as contacts for over_contact and after_hours.",
    )
    after_hours_share: Levels = Field(
        default_factory=lambda: _levels(0.2, 0.35, 0.5),
        description="Share of inbound contacts outside office hours (late night weighted) per severity.",
    )
    after_hours_min_count: int = Field(5, description="after_hours needs at least this many such contacts.")
    after_hours_vs_median: float = Field(
        2.0, description="after_hours also needs the share to be this multiple of the portfolio median."
    )
    late_night_weight: float = Field(2.0, description="A late-night contact counts this many times.")
    late_night_start: int = Field(22, description="Hour (business time) at which late night begins.")
    late_night_end: int = Field(6, description="Hour (business time) at which late night ends.")
    turnaround_hours: dict[str, float] = Field(
        default_factory=lambda: {"general": 24.0},
        description="Normal turnaround per kind of work, in business hours; a deadline shorter is a rush.",
    )
    default_turnaround_hours: float = Field(
        24.0, description="Turnaround for kinds of work not listed in turnaround_hours."
    )
    rush_share: Levels = Field(
        default_factory=lambda: _levels(0.25, 0.4, 0.6),
        description="Share of the client's requests that are rushes, per severity.",
    )
    rush_min_count: int = Field(3, description="rush_demands needs at least this many rushes.")
    handling_minutes: dict[str, float] = Field(
        default_factory=lambda: {"email": 5.0, "sms": 2.0, "chat": 3.0, "voicemail": 3.0},
        description="Minutes of staff time a message takes to handle (calls and meetings use their length).",
    )
    unpaid_share: Levels = Field(
        default_factory=lambda: _levels(0.3, 0.45, 0.6),
        description="Share of all time spent that is not paid (non-billable work plus contact handling).",
    )
    unpaid_vs_median: float = Field(
        1.5, description="unpaid_time also needs the share to be this multiple of the portfolio median."
    )
    min_hours: float = Field(
        5.0, description="unpaid_time and thin_margin need this many hours of time spent."
    )
    concession_asks: Levels = Field(
        default_factory=lambda: _levels(2, 3, 5), description="Concessions asked for, per severity."
    )
    concession_value_share: Levels = Field(
        default_factory=lambda: _levels(0.05, 0.1, 0.25),
        description="Value given away as a share of revenue, per severity.",
    )
    hostile_share: Levels = Field(
        default_factory=lambda: _levels(0.1, 0.2, 0.35),
        description="Share of the client's inbound messages of known tone that are hostile (not frustrated).",
    )
    hostile_min_count: int = Field(2, description="hostile_tone needs at least this many hostile messages.")
    recent_days: int = Field(90, description="Window in days for the recent part of a trend.")
    missed_call_share: Levels = Field(
        default_factory=lambda: _levels(0.25, 0.4, 0.6),
        description="Share of the client's inbound calls missed or avoided by staff, per severity.",
    )
    long_call_minutes: float = Field(
        20.0, description="A call taken from the client this long or longer counts toward staff_strain."
    )
    strained_calls: Levels = Field(
        default_factory=lambda: _levels(4, 8, 15),
        description="Hard calls staff took (long or hostile; one outside office hours counts twice), per "
        "severity of staff_strain.",
    )
    missed_call_min_count: int = Field(
        3, description="Missed calls count toward staff_strain from this many."
    )
    negative_notes: Levels = Field(
        default_factory=lambda: _levels(2, 3, 5), description="Negative staff notes, per severity."
    )
    feedback_grace_days: float = Field(
        3.0, description="Days a client has to answer an approval or feedback ask before it is their delay."
    )
    delay_days: Levels = Field(
        default_factory=lambda: _levels(10, 20, 45),
        description="Days of delay the client caused by answering late or not at all, per severity.",
    )
    controlling_min_rounds: int = Field(
        4, description="controlling needs at least this many approval rounds."
    )
    late_slope_days: Levels = Field(
        default_factory=lambda: _levels(2.0, 4.0, 8.0),
        description="Theil-Sen slope of days late per billing cycle, per severity.",
    )
    late_min_cycles: int = Field(3, description="late_payment_trend needs at least this many invoices due.")
    late_max_cycles: int = Field(
        12, description="Only the client's latest invoices due are used for the trend."
    )
    overdue_days: Levels = Field(
        default_factory=lambda: _levels(7, 30, 60),
        description="Days the oldest unpaid invoice is overdue (disputed ones excluded), per severity.",
    )
    margin_ratio: Levels = Field(
        default_factory=lambda: _levels(0.8, 0.6, 0.4),
        description="Effective hourly rate as a share of the reference (target, else portfolio median): "
        "at or below these the flag is low, medium, high.",
    )
    weights: dict[str, float] = Field(
        default_factory=lambda: {
            "over_contact": 6.0,
            "after_hours": 5.0,
            "rush_demands": 5.0,
            "unpaid_time": 6.0,
            "concession_pressure": 6.0,
            "hostile_tone": 8.0,
            "staff_strain": 7.0,
            "unresponsive": 5.0,
            "controlling": 5.0,
            "late_payment_trend": 7.0,
            "thin_margin": 7.0,
        },
        description="Points per severity step for each flag: a finding costs weight x 1, 2 or 3 (low, medium, "
        "high) of the 100 health points.",
    )
    let_go_below: float = Field(45.0, description="Health below this: verdict let_go.")
    renegotiate_below: float = Field(
        70.0,
        description="Health below this, lost mostly through money flags (or a money flag at medium): "
        "renegotiate; lost mostly through behaviour: set_boundaries.",
    )
    boundaries_below: float = Field(
        90.0, description="Health below this (or a behaviour flag): set_boundaries."
    )
    money_flags: list[str] = Field(
        default_factory=lambda: [
            "thin_margin",
            "concession_pressure",
            "unpaid_time",
            "late_payment_trend",
        ],
        description="Flags that, at medium severity or more, make the verdict at least renegotiate.",
    )
    behaviour_flags: list[str] = Field(
        default_factory=lambda: [
            "over_contact",
            "after_hours",
            "rush_demands",
            "hostile_tone",
            "staff_strain",
            "unresponsive",
            "controlling",
        ],
        description="Flags that, at medium severity or more, make the verdict at least set_boundaries.",
    )
    let_go_high_flags: int = Field(
        3, description="This many high-severity findings make the verdict let_go whatever the health."
    )
    evidence_cap: int = Field(
        50, description="Evidence records listed per finding (the total is in measures)."
    )
    trend_months: int = Field(6, description="Month ends in a client's health trend.")
    portfolio_cache_hours: float = Field(
        24.0, description="How long the portfolio medians of the last full assessment serve one-client runs."
    )
