"""Numbers as people type them, checked at the boundary: the CLI's flags and the forms'
fields share these parsers. Only ASCII digits count ('²', '٣', '１' pass str.isdigit and
float() but are not numbers here), each value is checked against its range, and a
message names the field, says what was expected and describes, not echoes, a long text."""

from __future__ import annotations

import math
import re

from bpviz.errors import ConfigError

WHOLE = re.compile(r"[+-]?[0-9]+(?:_[0-9]+)*")
#: 11,272 as the forms show counts (groups of three); a comma elsewhere is a list's.
GROUPED = re.compile(r"[+-]?[0-9]{1,3}(?:,[0-9]{3})+")
DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:_[0-9]+)*(?:\.(?:[0-9]+(?:_[0-9]+)*)?)?|\.[0-9]+(?:_[0-9]+)*)"
                     r"(?:[eE][+-]?[0-9]+)?")
#: A decimal as files write them (a CSV cell): no _ between the digits.
PLAIN_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
#: What float() also takes, spelt out, that is not a finite number.
NOT_FINITE = re.compile(r"[+-]?(?:nan|inf|infinity)", re.IGNORECASE)
#: How much of a typed text a message repeats.
ECHO = 40


class NumberError(ConfigError):
    """A typed number that is not one, or out of its range. ``detail`` is the message
    without the field's name (argparse puts "argument --flag: " in front of it)."""

    def __init__(self, field: str, detail: str):
        super().__init__(f"{field}: {detail}")
        self.field, self.detail = field, detail


def shown(text, limit: int = ECHO) -> str:
    """``text`` for a message: quoted (control characters escaped) when short; a long
    number is said by its number of digits, a long text by its length."""
    text = str(text).strip()
    if len(text) <= limit:
        return repr(text)
    if WHOLE.fullmatch(text) or DECIMAL.fullmatch(text):
        digits = sum(c in "0123456789" for c in text)
        sign = "a negative number" if text.startswith("-") else "a number"
        return f"{sign} of {digits:,} digits"
    return f"a text of {len(text):,} characters ({text[:limit // 2]!r}…)"


def _range(low: int, high: int) -> str:
    return f"a whole number from {low:,} to {high:,}"


def whole(text, field: str, low: int, high: int, *, words: tuple[str, ...] = (),
          grouping: bool = False, expected: str | None = None, echo: int = ECHO) -> int | str:
    """The whole number typed in ``text`` (ASCII digits, optionally 1_000, or 11,272 when
    ``grouping``), from ``low`` to ``high``; one of ``words`` (any case) is returned
    lower-cased. Else NumberError naming ``field`` and saying what was ``expected`` (by
    default the range)."""
    expected = expected or _range(low, high) + "".join(f" or {word!r}" for word in words)
    raw = text if isinstance(text, str) else str(text)
    typed = raw.strip()
    if typed.lower() in words:
        return typed.lower()
    if grouping and GROUPED.fullmatch(typed):
        typed = typed.replace(",", "")
    if not WHOLE.fullmatch(typed):
        raise NumberError(field, f"expected {expected}, got {shown(raw, echo)}")
    digits = typed.lstrip("+-").replace("_", "").lstrip("0") or "0"
    # Far out of range is known by its length: int() refuses 4,301 digits and more.
    value = int(typed.replace("_", "")) if len(digits) <= len(str(max(abs(low), abs(high)))) else None
    if value is None or not low <= value <= high:
        got = typed.lstrip("+") if len(typed) <= min(echo, 24) else shown(raw, echo)
        raise NumberError(field, f"expected {expected}, got {got}")
    return value


def unit_counts(text, field: str, high: int, most: int, example: str, *, layers: str = "layers",
                echo: int = ECHO) -> tuple[int, ...]:
    """Layer sizes typed as "196" or "392,196,98" (commas or spaces between them), each
    from 1 to ``high``, at most ``most`` of them; () for a blank text (the caller says
    whether that means no hidden layer), but an empty place between commas (",", "3,,2",
    "196,") is refused. ``layers`` names what is counted ("hidden layers")."""
    raw = text if isinstance(text, str) else str(text)
    parts = re.split(r"\s*,\s*|\s+", raw.strip()) if raw.strip() else []
    if "" in parts:  # "," or "3,,2" or "196,": a comma with no number on one side
        raise NumberError(field, f"expected whole numbers separated by commas, such as {example}; "
                                 f"got {shown(raw, echo)}, a comma with no number before or after it")
    if not all(WHOLE.fullmatch(part) for part in parts):
        raise NumberError(field, f"expected whole numbers separated by commas, such as {example}; "
                                 f"got {shown(raw, echo)}")
    if len(parts) > most:
        raise NumberError(field, f"expected at most {most} {layers}, got {len(parts):,}")
    sizes = []
    for part in parts:
        digits = part.lstrip("+-").replace("_", "").lstrip("0")
        value = int(part.replace("_", "")) if len(digits) <= len(str(high)) else None
        if value is None or not 1 <= value <= high:
            raise NumberError(field, f"expected 1 to {high} units per layer, got {shown(raw, echo)}")
        sizes.append(value)
    return tuple(sizes)


def decimal(text, field: str, *, low: float | None = None, high: float | None = None,
            above: bool = False, example: str = "0.1", echo: int = ECHO, underscores: bool = True) -> float:
    """The finite decimal typed in ``text`` (ASCII digits: 0.1, .5, 1e-3, -2, and 1_000
    unless ``underscores`` is False, as in a file), at least ``low`` (greater than it when
    ``above``) and at most ``high``. Else NumberError naming ``field`` (and ``example``,
    unless it is ""); nan, inf and 1e400 (too large to hold) are refused as not finite."""
    if low == 0 and above and high is None:
        kind = "positive number"
    elif low is not None:
        kind = f"number {'greater than' if above else 'of at least'} {low:g}" if high is None \
            else f"number from {low:g} to {high:g}" + (f" (not {low:g})" if above else "")
    else:
        kind = "number" if high is None else f"number of at most {high:g}"
    expected = f"a {kind}" + (f" such as {example}" if example else "")
    raw = text if isinstance(text, str) else str(text)
    typed = raw.strip()
    if NOT_FINITE.fullmatch(typed):
        raise NumberError(field, f"expected a finite {kind}, got {shown(raw, echo)}")
    if not (DECIMAL if underscores else PLAIN_DECIMAL).fullmatch(typed):
        if any(c.isdigit() and c not in "0123456789" for c in typed):  # '٣', '１', '²'
            expected += " written in the digits 0 to 9"
        elif DECIMAL.fullmatch(typed):
            expected += " written without _ between its digits"
        raise NumberError(field, f"expected {expected}, got {shown(raw, echo)}")
    value = float(typed)
    if not math.isfinite(value):
        raise NumberError(field, f"expected a finite {kind}, got {shown(raw, echo)}{_unheld(typed, value)}")
    too_low = low is not None and (value <= low if above else value < low)
    if too_low or (high is not None and value > high):
        raise NumberError(field, f"expected {expected}, got {shown(raw, echo)}")
    return value


def positive(text, field: str, example: str = "a positive number such as 0.1", echo: int = ECHO) -> float:
    """A finite number greater than 0 (a learning rate, a threshold); ``example`` says
    what the field takes when the text is not a number at all."""
    raw = text if isinstance(text, str) else str(text)
    typed = raw.strip()
    if not (DECIMAL.fullmatch(typed) or NOT_FINITE.fullmatch(typed)):
        raise NumberError(field, f"expected {example}, got {shown(raw, echo)}")
    value = float(typed)
    if not math.isfinite(value) or value <= 0:
        raise NumberError(field, f"expected a finite number greater than 0, got {shown(raw, echo)}"
                                 f"{_unheld(typed, value)}")
    return value


def _unheld(typed: str, value: float) -> str:
    """Why a number typed in digits became inf or 0: it is beyond what a float holds."""
    if not DECIMAL.fullmatch(typed):
        return ""
    if not math.isfinite(value):
        return ", too large to hold"
    mantissa = typed.split("e")[0].split("E")[0]
    return ", too small to hold" if value == 0 and any(c in "123456789" for c in mantissa) else ""


#: Minus signs people paste or a keyboard layout types: the typographic minus (U+2212),
#: the en dash, the small and the full-width hyphen-minus. An answer reads each as "-".
MINUS_SIGNS = "\u2212\u2013\ufe63\uff0d"


def answer(text, field: str = "Your answer") -> float:
    """A number typed as the answer to a step: -0.736, −0.736 (any minus sign), +.5,
    1e-3, 1E3, and 0,736 with a decimal comma (a comma, no point: read as the point;
    thousands are not grouped in an answer, so 1,000 is 1.000). Else NumberError naming
    ``field`` with an example (never a step's answer: -4.2), never a traceback: nothing typed, words, two commas,
    1,000.5 (a comma and a point), nan, inf, and 1e999 or 1e-400 (a float
    would read them as inf or 0)."""
    raw = text if isinstance(text, str) else str(text)
    typed = raw.strip().translate({ord(sign): "-" for sign in MINUS_SIGNS})
    if not typed:
        raise NumberError(field, "expected a number such as -4.2, got nothing")
    if NOT_FINITE.fullmatch(typed):
        raise NumberError(field, f"expected a finite number such as -4.2, got {shown(raw)}")
    if "," in typed and "." in typed:
        raise NumberError(field, f"expected one decimal mark (-4.2 or -4,2), got both a comma and a point "
                                 f"in {shown(raw)}")
    if typed.count(",") == 1:
        typed = typed.replace(",", ".")
    if not PLAIN_DECIMAL.fullmatch(typed):
        raise NumberError(field, f"expected a number such as -4.2, 3e-5 or -4,2, got {shown(raw)}")
    value = float(typed)
    if not math.isfinite(value) or _unheld(typed, value):  # 1e999 is inf, 1e-400 is 0: neither was typed
        raise NumberError(field, f"expected a number a float holds, got {shown(raw)}{_unheld(typed, value)}")
    return value


def agrees(answer_value: float, value: float, figures: int = 3) -> bool:
    """Whether ``answer_value`` is ``value`` to ``figures`` significant figures: within half
    a unit of the last of those figures of ``value`` (-0.736 and -0.7364 are -0.73645 to 3;
    -0.74 and -0.737 are not). A value of 0 is answered by 0."""
    value, answer_value = float(value), float(answer_value)
    if not (math.isfinite(value) and math.isfinite(answer_value)):
        return False
    if value == 0:
        return answer_value == 0
    unit = 10.0 ** (math.floor(math.log10(abs(value))) - figures + 1)
    return abs(answer_value - value) <= 0.5 * unit * (1 + 1e-9)
