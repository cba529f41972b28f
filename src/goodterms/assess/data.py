"""Plain data the flags read: one client's aggregates (ClientFacts) and the portfolio's medians."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from decimal import Decimal
from statistics import median
from typing import Any

from goodterms.assess.config import AssessSettings
from goodterms.assess.findings import Evidence

WEEK_S = 7 * 86400


@dataclass(frozen=True)
class InvoiceFact:
    """One invoice due by the as-of date, and how late it was (or is) paid."""

    id: str
    due: date
    amount: Decimal
    days_late: float
    paid: bool
    disputed: bool = False


@dataclass(frozen=True)
class LateRequest:
    """A request we answered after our promised time (or have not answered, and the promise passed)."""

    id: str
    at: datetime
    promised: datetime
    hours_late: float
    answered: bool
    chases: int


@dataclass(frozen=True)
class ClientFacts:
    """Everything the flags need about one client as of one moment: counts, sums and evidence."""

    id: str
    name: str
    first_s: int = 0  # epoch seconds of the client's first and last record
    last_s: int = 0
    inbound: int = 0  # inbound contacts on counted channels, chases excluded
    chases: int = 0  # inbound contacts that chased a request we had not answered
    after_hours: int = 0  # outside office hours, not late night (chases excluded)
    late_night: int = 0  # outside office hours and late at night (chases excluded)
    requests: int = 0
    rushes: int = 0
    work_min: float = 0.0
    nonbillable_min: float = 0.0
    handling_min: float = 0.0  # staff time on contacts (calls, meetings, messages), chases excluded
    inbound_calls: int = 0
    missed_calls: int = 0
    long_calls: int = 0  # inbound calls taken of long_call_minutes or more
    late_calls: int = 0  # of the hard calls, those taken outside office hours
    hostile_calls: int = 0  # inbound calls taken that were hostile (read or marked)
    strained_calls: int = 0  # hard calls: inbound calls taken that were long or hostile (each once)
    notes: int = 0
    negative_notes: int = 0
    concession_asks: int = 0
    asks_after_grant: int = 0
    grants: int = 0
    granted_value: Decimal = Decimal(0)
    revenue: Decimal = Decimal(0)  # in the business's currency when an exchange rate is known
    revenue_known: bool = True  # False: invoiced in a currency with no exchange rate set
    toned: int = 0
    hostile: int = 0
    toned_recent: int = 0
    hostile_recent: int = 0
    threats: int = 0  # hostile messages that threaten (reviews, lawyers, public shaming, payment held back)
    asks: int = 0
    unanswered: int = 0
    median_wait_days: float = 0.0
    longest_wait_days: float = 0.0
    delay_days: float = 0.0
    deliveries: int = 0
    approval_rounds: int = 0
    change_requests: int = 0
    invoices: tuple[InvoiceFact, ...] = ()
    late_requests: tuple[LateRequest, ...] = ()
    evidence: Mapping[str, tuple[Evidence, ...]] = field(default_factory=dict)
    evidence_totals: Mapping[str, int] = field(default_factory=dict)

    @property
    def weeks(self) -> float:
        """Active weeks: the span from first to last record, at least one."""
        return max(1.0, (self.last_s - self.first_s) / WEEK_S)

    @property
    def active(self) -> bool:
        return self.inbound + self.chases > 0 or self.work_min > 0 or self.revenue > 0

    @property
    def per_week(self) -> float:
        return self.inbound / self.weeks

    @property
    def per_1000_revenue(self) -> float:
        """Inbound contacts per 1,000 of revenue (infinite when there is no revenue)."""
        if self.revenue <= 0:
            return float("inf") if self.inbound else 0.0
        return self.inbound * 1000 / float(self.revenue)

    @property
    def total_min(self) -> float:
        return self.work_min + self.handling_min

    @property
    def unpaid_share(self) -> float:
        total = self.total_min
        return (self.nonbillable_min + self.handling_min) / total if total else 0.0

    @property
    def effective_rate(self) -> float | None:
        """Revenue per hour of all time spent (None without time spent)."""
        return float(self.revenue) / (self.total_min / 60) if self.total_min else None

    @property
    def changes_per_delivery(self) -> float:
        return (self.approval_rounds + self.change_requests) / max(1, self.deliveries)

    def with_evidence(
        self, evidence: Mapping[str, tuple[Evidence, ...]], totals: Mapping[str, int]
    ) -> ClientFacts:
        """Return a copy with evidence records added (merged over what is there)."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values["evidence"] = {**self.evidence, **evidence}
        values["evidence_totals"] = {**self.evidence_totals, **totals}
        return ClientFacts(**values)


def _median(values: Iterable[float], floor: float = 0.0) -> float:
    finite = [v for v in values if v == v and v != float("inf")]
    return max(floor, median(finite)) if finite else floor


@dataclass(frozen=True)
class PortfolioStats:
    """Medians over the business's active clients: the yardstick for relative thresholds."""

    clients: int = 0
    per_week: float = 1.0
    per_1000_revenue: float = 0.0
    after_hours_share: float = 0.0
    rush_share: float = 0.0
    unpaid_share: float = 0.0
    median_wait_days: float = 0.0
    changes_per_delivery: float = 0.0
    effective_rate: float = 0.0

    @classmethod
    def from_clients(cls, facts: Iterable[ClientFacts], settings: AssessSettings) -> PortfolioStats:
        """Compute the medians over the active clients among ``facts``."""
        active = [f for f in facts if f.active]
        contacted = [f for f in active if f.inbound]
        paying = [f for f in active if f.revenue > 0 and f.revenue_known]
        rates = [
            r for f in active if f.revenue_known and (r := f.effective_rate) is not None and f.total_min >= 60
        ]
        return cls(
            clients=len(active),
            per_week=_median((f.per_week for f in contacted), settings.median_floor_per_week),
            per_1000_revenue=_median(f.per_1000_revenue for f in paying if f.inbound),
            after_hours_share=_median(after_hours_share(f, settings) for f in contacted),
            rush_share=_median(f.rushes / f.requests for f in active if f.requests),
            unpaid_share=_median(f.unpaid_share for f in active if f.total_min),
            median_wait_days=_median(f.median_wait_days for f in active if f.asks),
            changes_per_delivery=_median(f.changes_per_delivery for f in active if f.deliveries),
            effective_rate=_median(rates),
        )

    def to_json(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PortfolioStats:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


def after_hours_share(facts: ClientFacts, settings: AssessSettings) -> float:
    """Share of inbound contacts outside office hours, late-night ones weighted."""
    total = facts.inbound
    if not total:
        return 0.0
    weighted = facts.after_hours + settings.late_night_weight * facts.late_night
    return min(1.0, weighted / total)


@dataclass(frozen=True)
class Context:
    """What every flag may read besides the client: settings, portfolio and business terms."""

    settings: AssessSettings
    portfolio: PortfolioStats
    as_of: datetime
    language: str = "en"
    currency: str = "EUR"
    target_hourly_rate: Decimal | None = None
