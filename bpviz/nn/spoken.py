"""A step as a spoken sentence, for screen readers: the notation's text read aloud.

"da[1]_1 = w[2]_11·dz[2]_1" is said "d a one of layer one equals w one one of layer two
times d z one of layer two"; numbers stay digits ("minus 0.736"), the reader says those.
"""

from __future__ import annotations

import re

from bpviz.nn.notation import result
from bpviz.nn.trace_records import PHASE_TITLES, Step

_SMALL = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
          "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
          "nineteen", "twenty")
_NUMBER = r"\d+(?:\.\d+)?(?:e[+-]?\d+)?"
#: The tokens of a formula's text, first match wins: a number in parentheses (a negative
#: factor, "(-7.36)"), a number, a symbol (name, [layer], _subscript), a function, a sign.
_TOKEN = re.compile(
    rf"(?P<paren_number>\((?P<inner>-?{_NUMBER})\))"
    rf"|(?P<number>{_NUMBER})"
    r"|(?P<function>σ|tanh|max|log|exp)(?![A-Za-z])"
    r"|(?P<sum>Σ_(?P<over>\w+))"
    r"|(?P<power>\^(?P<exponent>-?)(?=\S))"
    r"|(?P<symbol>(?P<name>da|dz|dw|db|[azwbyJg])(?:\[(?P<layer>\d+)\])?(?:_(?P<sub>[\dA-Za-z,]+))?)(?![A-Za-z])"
    r"|(?P<word>if|else|columns)(?![A-Za-z])"
    r"|(?P<sign>[·+\-−/²=←>(),\[\]½∂α⊙→])"
    r"|(?P<space>\s+)"
    r"|(?P<other>.)"
)
_SIGNS = {"·": "times", "+": "plus", "-": "minus", "−": "minus", "/": "over", "²": "squared",
          "=": "equals", "←": "becomes", ">": "is greater than", ",": ",", "½": "one half",
          "∂": "partial", "α": "alpha", "⊙": "times elementwise", "→": "gives"}
_FUNCTIONS = {"σ": "sigma", "tanh": "tanh", "max": "the larger of", "log": "log", "exp": "exp"}


def digit_words(text: str) -> str:
    """A subscript or layer said as words: "11" is "one one", "10,2" is "ten two", "k" is "k"."""
    parts = text.split(",") if "," in text else list(text) if text.isdigit() else [text]
    return " ".join(_SMALL[int(p)] if p.isdigit() and int(p) < len(_SMALL) else p for p in parts)


def spoken_number(text: str) -> str:
    """"-0.736" is "minus 0.736"; "1.2e-05" is "1.2 times 10 to the minus 5"."""
    sign = "minus " if text.startswith(("-", "−")) else ""
    text = text.lstrip("-−")
    mantissa, _, exponent = text.partition("e")
    if not exponent:
        return sign + mantissa
    power = int(exponent)
    return f"{sign}{mantissa} times 10 to the {'minus ' if power < 0 else ''}{abs(power)}"


def spoken_symbol(name: str, layer: str | None, sub: str | None) -> str:
    """"w", "2", "11" is "w one one of layer two"; "da" is said "d a"."""
    words = [" ".join(name) if name.startswith("d") and len(name) == 2 else name]
    if sub:
        words.append(digit_words(sub))
    if layer is not None:
        words.append(f"of layer {digit_words(layer)}")
    return " ".join(words)


def speak(text: str) -> str:
    """A formula's text (``Formula.text``) read aloud. Brackets are said, except around a
    lone number ("0.1·(-7.36)": "0.1 times minus 7.36"; not before a square) and a function's argument
    ("σ(z[1]_1)": "sigma of z one of layer one"); a product written without a sign
    ("2(a - y)") says "times"."""
    words: list[str] = []
    closing: list[str] = []  # what each open bracket's closing one says
    after_value = after_function = False
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup if match.group("paren_number") is None else "paren_number"
        token = match.group(0)
        if kind == "space":
            continue
        starts_value = kind in ("paren_number", "number", "symbol", "function", "sum") or token in ("(", "[")
        if after_value and starts_value and not after_function:
            words.append("times")
        after_function = False
        if kind == "paren_number" and text.startswith("²", match.end()):  # (-0.05)² is not -(0.05²)
            words += ["open bracket", spoken_number(match.group("inner")), "close bracket"]
        elif kind == "paren_number":
            words.append(spoken_number(match.group("inner")))
        elif kind == "number":
            words.append(spoken_number(token))
        elif kind == "symbol":
            words.append(spoken_symbol(match.group("name"), match.group("layer"), match.group("sub")))
        elif kind == "function":
            words.append(_FUNCTIONS[token] + " of")
            after_function = True
        elif kind == "sum":
            words.append(f"the sum over {match.group('over')} of")
            after_function = True
        elif kind == "power":
            words.append("to the minus" if match.group("exponent") else "to the")
            after_function = True
        elif token in ("(", "["):
            quiet = bool(words) and words[-1].endswith(" of")
            closing.append("" if quiet else "close bracket")
            if not quiet:
                words.append("open bracket")
        elif token in (")", "]"):
            said = closing.pop() if closing else "close bracket"
            if said:
                words.append(said)
        elif kind == "word":
            words.append({"columns": "the columns"}.get(token, token))
        elif kind == "sign":
            words.append(_SIGNS[token])
        else:
            words.append(token)
        after_value = kind in ("paren_number", "number", "symbol") or token in (")", "]", "²")
    return _tidy(" ".join(w for w in words if w))


def _tidy(text: str) -> str:
    text = re.sub(r" ,", ",", text)
    return re.sub(r"\s+", " ", text).strip()


def sentence(step: Step, total: int, hidden: bool = False) -> str:
    """What a screen reader says when ``step`` (of ``total``) is shown: "Backward pass,
    step 14 of 32: d a one of layer one equals w one one of layer two times d z one of
    layer two, that is 0.1 times minus 7.36, equals minus 0.736". ``hidden`` (quiz mode)
    keeps the result back: "…, equals what?". Numbers are said only where they add to
    the formula (not "1, that is 1"), and the result only where it is not the numbers."""
    head = f"{PHASE_TITLES[step.phase]}, step {step.number} of {total}: "
    verb = " becomes " if step.phase == "update" else " equals "
    said = speak(step.symbol.text) + verb + speak(step.formula.text)
    if step.value is None:  # a trace by shapes: no numbers
        return head + said
    value = result(step.value).text
    if step.numbers.text.strip() != step.formula.text.strip():
        said += ", that is " + speak(step.numbers.text)
    if hidden:
        return head + said + ", equals what?"
    if step.numbers.text.strip() not in (value, f"({value})"):
        said += ", equals " + speak(value)
    return head + said
