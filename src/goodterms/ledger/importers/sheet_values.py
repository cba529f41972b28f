"""Read one spreadsheet cell as money, a date, a moment or a yes/no (pure).

Cells come from xlsx (numbers, real Excel dates, text) or CSV (always text). The rules, also in
docs/connect-sheets.md:

- Money: "1234.56", "1,234.56", "1.234,56", "1 234,56", "1'234.56", "฿1,234.56", "1234,5 €" all
  read as 1234.56 / 1234.50. With no ``decimal`` set, a separator followed by exactly three digits
  groups thousands (money has at most two decimal places, so it cannot be the decimal point); when
  both appear, the last one is the decimal point. ``decimal = ","`` or ``"."`` makes it strict.
- Dates: real Excel dates; ISO 8601 (2026-03-25); day-first 25/03/2026, 25.03.2026, 25-03-26
  (``dates = "dmy"``, the default), month-first 03/25/2026 (``"mdy"``) or year-first. A year of
  2400 or more is a Buddhist-era year (Thai spreadsheets) and is reduced by 543: 25/03/2569 is
  25 March 2026. Two-digit years are 20xx. Thai digits (๐-๙) read as digits. Month names in
  English, Estonian and Thai (full or short: "25 มี.ค. 2569", "25. märts 2026", "Mar 25, 2026").
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from decimal import Decimal, InvalidOperation

Cell = str | int | float | bool | date | datetime | time | None

BUDDHIST_ERA_OFFSET = 543
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_EXCEL_EPOCH = date(1899, 12, 30)
_CENT = Decimal("0.01")
_NOISE = re.compile(r"[\s\u00a0\u202f'’`]|(?<![A-Za-z])[A-Za-z]{3}(?![A-Za-z])|[฿€$£¥₭₫₹]|บาท")
_DATE = re.compile(
    r"^(\d{1,4})[./\-](\d{1,2})[./\-](\d{1,4})"
    r"(?:[ T,]+(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?)?\s*$"
)
_TRUE = {"true", "yes", "y", "1", "x", "✓", "jah", "ja", "ใช่", "disputed", "vaidlustatud", "โต้แย้ง"}
_FALSE = {"", "false", "no", "n", "0", "ei", "ไม่", "-"}


def text_of(cell: Cell) -> str:
    """Return a cell as text: whole numbers without ".0", text stripped, empty for nothing."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime | date | time):
        return cell.isoformat()
    return str(cell).strip()


#: Largest amount read (the ledger stores hundredths in a 64-bit integer).
MAX_AMOUNT = Decimal(10) ** 15


def parse_amount(cell: Cell, decimal: str | None = None) -> Decimal:
    """Read money from a number or text in either convention; raise ValueError saying why not."""
    value = _amount(cell, decimal)
    if not value.is_finite() or abs(value) >= MAX_AMOUNT:
        raise ValueError(f"{text_of(cell)!r} is too large for an amount")
    return value


def _amount(cell: Cell, decimal: str | None) -> Decimal:
    if isinstance(cell, bool | date | time):
        raise ValueError("is not an amount")
    if isinstance(cell, int):
        return Decimal(cell)
    if isinstance(cell, float):
        if not abs(cell) < float(MAX_AMOUNT):  # also inf and nan
            raise ValueError(f"{cell!r} is too large for an amount")
        value = Decimal(repr(cell))
        rounded = value.quantize(_CENT)
        # A float that is a cent amount up to binary noise (0.1 + 0.2) is that amount.
        return rounded if abs(value - rounded) < Decimal("0.000001") else value
    raw = text_of(cell)
    if not raw:
        raise ValueError("the cell is empty")
    text = raw.translate(_THAI_DIGITS)
    negative = text.startswith(("-", "−")) or (text.startswith("(") and text.endswith(")"))
    text = _NOISE.sub("", text.strip("()-−+"))
    if not text or not re.fullmatch(r"[0-9.,]+", text) or not text[0].isdigit():
        raise ValueError(f"{raw!r} is not an amount")
    number = _split_separators(text, decimal, raw)
    try:
        value = Decimal(number)
    except InvalidOperation:
        raise ValueError(f"{raw!r} is not an amount") from None
    return -value if negative else value


def _split_separators(text: str, decimal: str | None, raw: str) -> str:
    if decimal is None:
        if "." in text and "," in text:
            decimal = "." if text.rfind(".") > text.rfind(",") else ","
        else:
            sep = "." if "." in text else "," if "," in text else None
            if sep is None:
                return text
            tail = text.rsplit(sep, 1)[1]
            decimal = sep if text.count(sep) == 1 and len(tail) != 3 else ("," if sep == "." else ".")
    thousands = "," if decimal == "." else "."
    whole, _, fraction = text.partition(decimal)
    if decimal in fraction or thousands in fraction:
        raise ValueError(f"{raw!r} is not an amount (decimal separator {decimal!r})")
    if thousands in whole and not re.fullmatch(rf"\d{{1,3}}(\{thousands}\d{{3}})+", whole):
        raise ValueError(f"{raw!r} is not an amount: {thousands!r} does not group thousands here")
    whole = whole.replace(thousands, "")
    return f"{whole}.{fraction}" if fraction else whole


def _months() -> dict[str, int]:
    names = {
        "en": "january february march april may june july august september october november december",
        "et": "jaanuar veebruar märts aprill mai juuni juuli august september oktoober november detsember",
        "th": "มกราคม กุมภาพันธ์ มีนาคม เมษายน พฤษภาคม มิถุนายน กรกฎาคม สิงหาคม กันยายน ตุลาคม พฤศจิกายน ธันวาคม",
        "th-short": "ม.ค. ก.พ. มี.ค. เม.ย. พ.ค. มิ.ย. ก.ค. ส.ค. ก.ย. ต.ค. พ.ย. ธ.ค.",
    }
    months: dict[str, int] = {"sept": 9, "jaan": 1, "veebr": 2, "dets": 12}
    for language, spelled in names.items():
        for number, name in enumerate(spelled.split(), start=1):
            months[name] = number
            months[name.replace(".", "")] = number
            if not language.startswith("th"):
                months.setdefault(name[:3], number)
    return months


_MONTHS = _months()
_NAMED = re.compile(r"^(\d{1,2})\.?\s*([^\d\s,]+)\s*,?\s*(\d{2,4})$|^([^\d\s,]+)\s*(\d{1,2}),?\s*(\d{2,4})$")


def _named(text: str) -> str | None:
    """Rewrite "25 มี.ค. 2569", "25. märts 2026", "25 Mar 2026" or "Mar 25, 2026" as 25/03/2026 digits."""
    found = _NAMED.match(" ".join(text.split()))
    if found is None:
        return None
    d, name, y = found.group(1, 2, 3) if found.group(1) else found.group(5, 4, 6)
    key = name.casefold()
    month = _MONTHS.get(key) or _MONTHS.get(key.replace(".", ""))
    if month is None:
        return None
    if len(y) == 2 and "\u0e00" <= name[0] <= "\u0e7f":
        y = str(2500 + int(y))  # a Thai month with a short year counts Buddhist years: ก.พ. 69 is 2569
    return f"{d}/{month}/{y}"


def _year(value: int) -> int:
    if value < 100:
        return 2000 + value
    if value >= 2400:
        return value - BUDDHIST_ERA_OFFSET
    return value


def _from_serial(cell: float) -> datetime:
    if not 1 <= cell < 2_958_466:
        raise ValueError(f"{cell!r} is not a date")
    return datetime.combine(_EXCEL_EPOCH, time()) + timedelta(days=cell)


def _parts(cell: Cell, order: str) -> tuple[date, time | None, tzinfo | None]:
    """Split a cell into its date, its time of day (if any) and its UTC offset (if any)."""
    if isinstance(cell, datetime):
        return cell.date(), cell.time() if cell.time() != time() else None, cell.tzinfo
    if isinstance(cell, date):
        return cell, None, None
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        moment = _from_serial(float(cell))
        return moment.date(), moment.time() if moment.time() != time() else None, None
    raw = text_of(cell)
    text = raw.translate(_THAI_DIGITS)
    if not text:
        raise ValueError("the cell is empty")
    if re.match(r"^\d{4}-\d{2}-\d{2}[T ]\d", text):
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            pass
        else:
            if moment.year < 2400:
                return moment.date(), moment.time(), moment.tzinfo
    found = _DATE.match(text)
    if found is None:
        named = _named(text)
        if named is None:
            raise ValueError(f"{raw!r} is not a date")
        found = _DATE.match(named)
        if found is None:
            raise ValueError(f"{raw!r} is not a date")
        order = "dmy"
    a, b, c, hh, mm, ss = found.groups()
    if len(a) >= 3:
        y, mo, d = int(a), int(b), int(c)
    elif len(c) not in (2, 4):
        raise ValueError(f"{raw!r} is not a date")
    elif order == "mdy":
        mo, d, y = int(a), int(b), int(c)
    else:
        d, mo, y = int(a), int(b), int(c)
    try:
        day = date(_year(y), mo, d)
    except ValueError as exc:
        hint = ' (for month-first dates set dates = "mdy" in the map)' if mo > 12 and order != "mdy" else ""
        raise ValueError(f"{raw!r} is not a date: {exc}{hint}") from None
    clock = None
    if hh is not None:
        try:
            clock = time(int(hh), int(mm), int(ss or 0))
        except ValueError as exc:
            raise ValueError(f"{raw!r} has a bad time of day: {exc}") from None
    return day, clock, None


def parse_date(cell: Cell, order: str = "dmy") -> date:
    """Read a calendar date (see the module's rules); raise ValueError saying why not."""
    return _parts(cell, order)[0]


def parse_moment(cell: Cell, order: str, zone: tzinfo) -> datetime:
    """Read a date or date and time as an aware moment; a bare date is noon in ``zone``.

    Noon, not midnight, so that the day stays the same in every timezone a report may use.
    """
    day, clock, offset = _parts(cell, order)
    moment = datetime.combine(day, clock or time(12, 0))
    if offset is not None:
        return moment.replace(tzinfo=offset)
    return moment.replace(tzinfo=zone or UTC)


def parse_flag(cell: Cell) -> bool:
    """Read yes/no in English, Estonian or Thai (true/yes/x/jah/ใช่, false/no/ei/ไม่, empty)."""
    if isinstance(cell, bool):
        return cell
    text = text_of(cell).casefold()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"{text_of(cell)!r} is neither yes nor no")
