"""What one run of the user's function wrote, quantity by quantity: every value a notation
name took (W1, dZ2, grads["dW1"], the returned dW1), in order, and which line last changed
each element; a value copied under the same quantity's name is credited to its maker."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bpviz.usercode.reference import Spec, kind_of


@dataclass
class Stream:
    """Every value one quantity took, in order, and which line last changed each element."""

    name: str
    value: np.ndarray | None = None
    writer: np.ndarray | None = None  # line per element (0: never written)
    first_event: int | None = None    # index of the first event writing it
    line_events: dict = None          # line -> index of its first event
    history: list = None              # every value it held, in order
    line_counts: dict = None          # line -> how many of its writes (a loop writes many)

    def add(self, index: int, line: int, value: np.ndarray) -> None:
        if self.line_events is None:
            self.line_events = {}
            self.history = []
        if self.line_counts is None:
            self.line_counts = {}
        self.line_events.setdefault(line, index)
        self.line_counts[line] = self.line_counts.get(line, 0) + 1
        if self.first_event is None:
            self.first_event = index
        if self.value is not None and self.value.size == value.size and self.value.shape != value.shape:
            value = value.reshape(self.value.shape)
        if self.value is None or self.value.shape != value.shape:
            self.writer = np.full(value.shape, line, dtype=np.int64)
        else:
            changed = ~((self.value == value) | (np.isnan(self.value) & np.isnan(value)))
            self.writer = np.where(changed, line, self.writer)
        self.value = value
        self.history.append(value)


def _name(spec: Spec, raw: str) -> str:
    return {"AL": f"A{spec.L}", "dAL": f"dA{spec.L}", "dZL": f"dZ{spec.L}"}.get(raw, raw)


def expected_size(spec: Spec, name: str, m: int) -> int:
    """How many numbers the quantity holds: W2 n_2 × n_1, b2 n_2, Z2 / A2 / dZ2 / dA2 n_2 × m."""
    head, l = kind_of(name)
    n = spec.sizes[l]
    if head in ("W", "dW"):
        return n * spec.sizes[l - 1]
    return n if head in ("b", "db") else n * m


def streams(spec: Spec, kind: str, params0: dict, record: dict, m: int) -> dict[str, Stream]:
    """The quantities the run wrote, with the returned values as their last word. A value
    of another size only shares the name (w1 for one weight, dz1 for one unit in a loop)."""
    found: dict[str, Stream] = {}
    update = kind == "update"
    if update:
        for key, value in params0.items():
            stream = found[key] = Stream(key)
            stream.value = np.array(value, dtype=np.float64)
            stream.writer = np.zeros(value.shape, dtype=np.int64)
            stream.line_events, stream.history = {}, [stream.value]
    for index, (line, target, value) in enumerate(record["events"]):
        name = _name(spec, target[-1])
        if target[0] == "other" or (target[0] == "param" and not update):
            continue  # other arrays are only makers; a gradients file's own params do not count
        if kind_of(name)[1] > spec.L or (name[:1] in "Wb" and not update):
            continue
        if value.size != expected_size(spec, name, m):
            continue
        if target[0] != "param":  # a value copied from where it was made (a helper's dW) is that line's
            line = writer_of(record, value, index, kind_of(name)[0]) or line
        found.setdefault(name, Stream(name)).add(index, line, value)
    for key, value in record["out"].items():
        stream = found.setdefault(key, Stream(key))
        if stream.value is None or stream.value.shape != value.shape or not np.array_equal(
                stream.value, value, equal_nan=True):
            line = writer_of(record, value, head=kind_of(key)[0]) or record.get("return_line") or 0
            stream.add(len(record["events"]), line, value)
    return found


def writer_of(record: dict, value: np.ndarray, before: int | None = None, head: str | None = None) -> int | None:
    """The line that made this very array: the first to write it under a name for the same
    quantity (``head``: "dW" for a helper's dW, then grads["dW2"]), since the same numbers
    to the last bit written again later are a copy. Under a name for another quantity they
    are not (dZ1 = dA1 is where σ′ went missing)."""
    if not np.any(value):
        return None  # zeros are made everywhere; they say nothing of where these came from
    first = _first_writes(record).get((head, value.shape, hash(value.tobytes())))
    if first is None or (before is not None and first[0] >= before):
        return None
    index, line = first
    return line if np.array_equal(record["events"][index][2], value, equal_nan=True) else None


def _first_writes(record: dict) -> dict:
    """(head or None, shape, hash of the bytes) -> (index, line) of the first event that wrote
    those numbers, built once per run: a lookup, not a scan of every event per value."""
    index = record.get("_first_writes")
    if index is None:
        index = record["_first_writes"] = {}
        for i, (line, target, written) in enumerate(record["events"]):
            key = (written.shape, hash(written.tobytes()))
            index.setdefault((None, *key), (i, line))
            index.setdefault((target_head(target), *key), (i, line))
    return index


def target_head(target) -> str:
    if target[0] == "other":
        return _head(target[-1])
    return kind_of(target[-1].replace("AL", "A0").replace("dZL", "dZ0").replace("dAL", "dA0"))[0] \
        if target[-1][-1:].isdigit() or target[-1] in ("AL", "dAL", "dZL") else ""


def _head(name: str) -> str:
    """What a name of the user's stands for: dZ, dz1, delta, delta2 -> "dZ"; dA_prev -> "dA"."""
    base = str(name).lower().rstrip("0123456789_").split("_")[0].rstrip("0123456789")
    return {"dz": "dZ", "delta": "dZ", "dzl": "dZ", "da": "dA", "dal": "dA", "dw": "dW", "db": "db",
            "err": "dZ", "error": "dZ"}.get(base, "")


