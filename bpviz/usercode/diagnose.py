"""Judge one run of the user's function: every notation-named quantity it wrote, in the
order a pass computes them, each on the user's own inputs; for the wrong elements, the
line that last wrote them and the cause, found by testing hypotheses on the numbers."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product

import numpy as np

from bpviz.nn.gradcheck import THRESHOLD, relative_error
from bpviz.usercode import report
from bpviz.usercode.reference import SIGN, VARIANTS, NotApplicable, Spec, applies, compute, describe, kind_of
from bpviz.usercode.report import Cause, Wrong
from bpviz.usercode.streams import Stream, streams, target_head

#: Two numbers are "the same" for a hypothesis when they agree to this relative tolerance.
RTOL = 1e-6
#: The most (wrong element, other element) pairs a swapped index or a wrong operand is
#: looked for among: element-wise code is written for small networks.
PAIRS = 200_000


@dataclass(frozen=True)
class RunFinding:
    line: int
    quantity: str
    cause: Cause
    wrong: tuple[Wrong, ...]


def _merged(found: list[RunFinding]) -> list[RunFinding]:
    """One finding per line: a line blamed for several quantities (the dZ behind dW and db)
    lists all the elements it made wrong."""
    by_line: dict[int, RunFinding] = {}
    for finding in found:
        first = by_line.get(finding.line)
        by_line[finding.line] = finding if first is None else RunFinding(
            first.line, first.quantity, first.cause, first.wrong + finding.wrong)
    return list(by_line.values())


def _proportional(a: np.ndarray, b: np.ndarray) -> bool:
    """a is b, or half or twice b (the 2 of a square is often kept apart)."""
    scale = max(float(np.max(np.abs(b), initial=0.0)), 1e-300)
    return any(np.allclose(a, c * b, rtol=RTOL, atol=1e-12 * scale) for c in (1.0, 0.5, 2.0))


def user_index(layout: str, key: str, index: tuple[int, int]) -> str:
    name = key[1:] if key.startswith("d") else key
    i, j = (index[1], index[0]) if layout == "notebook" and name[:1] == "W" else index
    return f"{key}[{i}][{j}]"


class Judge:
    """Everything one run needs to judge its quantities."""

    def __init__(self, spec: Spec, kind: str, layout: str, params0: dict, X, Y, lr: float,
                 record: dict, threshold: float = THRESHOLD):
        self.spec, self.kind, self.layout = spec, kind, layout
        self.params0 = {k: np.asarray(v, dtype=np.float64) for k, v in params0.items()}
        self.X, self.Y, self.lr = np.asarray(X, np.float64), np.asarray(Y, np.float64), float(lr)
        self.m = self.X.shape[1]
        self.record = record
        self.threshold = threshold
        self.update = kind == "update"
        self.streams = streams(spec, kind, self.params0, record, self.m)
        self.order = spec.order(self.update)

    # --- the judging ----------------------------------------------------------------
    def findings(self) -> list[RunFinding]:
        given: dict[str, np.ndarray] = {}
        found: list[RunFinding] = []
        for name in self.spec.order(self.update):
            stream = self.streams.get(name)
            if stream is None or stream.value is None:
                continue
            right = compute(self.spec, self.params0, self.X, self.Y, self.lr, given=given, upto=name)[name]
            user = stream.value
            if user.shape != right.shape:
                if user.size == right.size:
                    user = user.reshape(right.shape)
                elif name not in self.record["out"]:
                    continue  # a local that only shares the name (dz1 of one unit, in a loop)
                else:
                    found.extend(self._shape_finding(name, stream, right, given))
                    continue
            wrong = self._wrong(name, user, right)
            if wrong.any() and name not in self.record["out"]:
                held = next((v.reshape(right.shape) for v in stream.history
                             if v.size == right.size and not self._wrong(name, v.reshape(right.shape), right).any()),
                            None)
                if held is not None:  # it was right once; a later write through an alias is not its line
                    given[name] = held
                    continue
            if wrong.any():
                found.extend(self._diagnose(name, stream, user, right, wrong, given))
            given[name] = user
        return _merged(found)

    def _wrong(self, name: str, user: np.ndarray, right: np.ndarray) -> np.ndarray:
        if self.update and name[:1] in "Wb":
            old = self.params0[name]
            return relative_error((old - right) / self.lr, (old - user) / self.lr) > self.threshold
        return relative_error(right, user) > self.threshold

    def _close(self, name: str, user, candidate) -> bool:
        """Every element of ``user`` the same as ``candidate`` (arrays of the group's elements)."""
        user, candidate = np.asarray(user, np.float64), np.asarray(candidate, np.float64)
        if user.shape != candidate.shape or not np.all(np.isfinite(candidate)):
            return False
        scale = max(float(np.max(np.abs(candidate), initial=0.0)), 1e-300)
        return bool(np.all(np.abs(user - candidate) <= RTOL * np.maximum(np.abs(user), np.abs(candidate))
                           + 1e-12 * scale))

    def _same(self, name: str, cells, user_values, candidate_values) -> bool:
        if self.update and name[:1] in "Wb":
            old = self.params0[name][cells]
            step_u, step_c = user_values - old, candidate_values - old
            return bool(np.all(np.isfinite(step_c)) and np.all(
                np.abs(step_u - step_c) <= RTOL * np.maximum(np.abs(step_u), np.abs(step_c))
                + 1e-13 * (1 + np.abs(old))))
        return self._close(name, user_values, candidate_values)

    # --- hypotheses -----------------------------------------------------------------
    def _pre_line_params(self, stream: Stream, line: int) -> dict | None:
        """The parameters as they were when ``line`` ran (None: the same as handed in)."""
        if not self.update:
            return None
        at = stream.line_events.get(line) if stream.line_events else None
        if at is None:
            return None
        state = {k: v.copy() for k, v in self.params0.items()}
        changed = False
        for index, (_, target, value) in enumerate(self.record["events"][:at]):
            if target[0] == "param" and target[1] in state and value.shape == state[target[1]].shape:
                if not np.array_equal(state[target[1]], value):
                    state[target[1]] = value
                    changed = True
        return state if changed else None

    def _lines_that_wrote(self, key: str, before: int) -> tuple[int, ...]:
        lines = []
        last = self.params0[key]
        for index, (line, target, value) in enumerate(self.record["events"][:before]):
            if target == ("param", key) and value.shape == last.shape and not np.array_equal(value, last):
                if line not in lines:
                    lines.append(line)
                last = value
        return tuple(sorted(lines))

    def _candidates(self, name: str, given: dict, stale_state: dict | None):
        """(stale, mistake, env) for each hypothesis: stale is None or (key, the weights read);
        mistake is None or a tuple of (quantity, Variant), several when a loop makes the same
        mistake in every layer; env holds every quantity under it."""
        upstream = [p for p in self.order[:self.order.index(name) + 1] if p == name or p not in given]
        mistakes = []
        for v in VARIANTS:
            places = [p for p in upstream if applies(v, p, self.spec, self.update)]
            mistakes += [((p, v),) for p in places]
            layers = [p for p in places if kind_of(p)[0] == "dZ" and p != name]
            if len(layers) > 1:
                mistakes.append(tuple((p, v) for p in layers))
        mistakes.append(((name, SIGN),))
        mistakes += [((p, SIGN),) for p in upstream if p != name and kind_of(p)[0] in ("dA", "dZ")]
        stale_options = [None]
        if stale_state is not None:
            stale_options += [(k, {**self.params0, k: stale_state[k]}) for k in stale_state
                              if k[0] == "W" and not np.array_equal(stale_state[k], self.params0[k])]
        for stale, mistake in product(stale_options, [None] + mistakes):
            if stale is None and mistake is None:
                continue
            try:
                env = compute(self.spec, self.params0, self.X, self.Y, self.lr, given=given, upto=name,
                              variant=mistake, stale=None if stale is None else stale[1])
            except (NotApplicable, ValueError):
                continue
            yield stale, mistake, env

    def _diagnose(self, name, stream, user, right, wrong, given) -> list[RunFinding]:
        writers = np.where(wrong, stream.writer, -1)
        out = []
        for line in sorted(set(writers[wrong].tolist())):
            cells = np.nonzero(writers == line)
            cause, maker = self._cause(name, stream, line, cells, user, right, given)
            if line == 0:
                line = self.record.get("return_line") or 0
            out.append(RunFinding(maker or line, name if maker is None else self._made(cause), cause,
                                  self._wrongs(name, cells, user, right)))
        return out

    @staticmethod
    def _made(cause: Cause) -> str:
        return cause.other or "?"

    def _upstream_line(self, mistake, env, given, before: int) -> int | None:
        """When the mistake sits upstream, in a quantity the code keeps under a name of its
        own (dZ in a loop, err, delta): the line that wrote it. Only when the mistake holds for
        every value returned (none of them right where it would make them wrong), and the
        line wrote the mistaken value (or half or twice it), never the right one."""
        first = min(self.order.index(p) for p, _ in mistake)
        before_p = {q: v for q, v in given.items() if self.order.index(q) < first}
        try:
            wrong_all = compute(self.spec, self.params0, self.X, self.Y, self.lr, given=before_p, variant=mistake)
        except (NotApplicable, ValueError):
            return None
        right_all = compute(self.spec, self.params0, self.X, self.Y, self.lr, given=before_p)
        for key, value in self.record["out"].items():
            stream = self.streams.get(key)
            if stream is None or stream.value is None or key not in right_all or \
                    stream.value.size != right_all[key].size:
                continue
            user = stream.value.reshape(right_all[key].shape)
            changed = self._wrong(key, wrong_all[key], right_all[key]).any()
            if changed and not self._wrong(key, user, right_all[key]).any():
                return None  # it returns this right, which the mistake would have made wrong
        for p, _ in sorted(mistake, key=lambda pv: -self.order.index(pv[0])):
            value, right = np.asarray(env.get(p, wrong_all[p])), np.asarray(right_all[p])
            if not np.any(value) or value.shape != right.shape:
                continue
            hits = [(line, target, written) for line, target, written in reversed(self.record["events"][:before])
                    if written.size == value.size and _proportional(written.reshape(value.shape), value)
                    and not _proportional(written.reshape(value.shape), right)]
            # The same numbers under several names (dA_prev, then dZ = dA_prev; dz, then
            # db = dz): the one named for the quantity made the mistake; and of the same
            # numbers to the last bit under that name (a helper's dZ, returned into the
            # caller's dZ), the first.
            named = [h for h in hits if target_head(h[1]) == kind_of(p)[0]] or hits
            if named:
                line, _, latest = named[0]
                return next(line for line, _, written in reversed(named) if np.array_equal(written, latest))
        return None

    def _wrongs(self, name, cells, user, right) -> tuple[Wrong, ...]:
        return tuple(Wrong(name, (int(i), int(j)), user_index(self.layout, name, (int(i), int(j))),
                           float(user[i, j]), float(right[i, j])) for i, j in zip(*cells))

    def _cause(self, name, stream, line, cells, user, right, given) -> Cause:
        if line == 0:
            return Cause(report.DIFFERS, "no line changes it: it is returned as it was handed in"), None
        u = user[cells]
        stale_state = self._pre_line_params(stream, line)
        single = []  # cost-1 hypotheses, in order of preference
        double = []
        late = []  # a transpose that explains some elements only: said after a plain swap
        upstream = []  # (cause, line): the mistake made upstream, by an earlier line
        # One write of the whole array is a transpose; a loop's writes, element by element, a swap.
        whole = bool((stream.writer == line).all()) and (stream.line_counts or {}).get(line, 0) <= 1
        first_event = stream.line_events.get(line, len(self.record["events"])) if stream.line_events else \
            len(self.record["events"])
        for stale, mistake, env in self._candidates(name, given, stale_state):
            candidate = env[name]
            if candidate.shape != right.shape:
                continue
            cost = (stale is not None) + (mistake is not None)
            if self._same(name, cells, u, candidate[cells]):
                cause = self._say(name, stale, mistake, line, whole)
                if cost == 1 and mistake is not None and all(p != name and p not in self.streams for p, _ in mistake):
                    maker = self._upstream_line(mistake, env, given, first_event)
                    if maker is not None:
                        upstream.append((cause, maker))
                partial = cost == 1 and mistake is not None and mistake[0][1].cause == report.TRANSPOSED \
                    and cause.kind == report.SWAPPED
                (late if partial else single if cost == 1 else double).append(cause)
            elif cost == 1 and stale is not None:
                swap = self._swapped(name, cells, u, candidate)
                if swap:
                    double.append(self._join(self._say(name, stale, None, line, whole), swap))
        if upstream:
            return upstream[0]
        if single:
            return self._prefer(single, line), None
        found = self._swapped(name, cells, u, right) or self._operand(name, cells, u, right, stale_state) or (
            late[0] if late else double[0] if double else self._differs(name, cells, u, right))
        return found, None

    def _prefer(self, causes: list[Cause], line: int) -> Cause:
        """The first cause that fits; but a derivative dropped and one taken at A give the same
        numbers for ReLU (A ≥ 0 everywhere): then a call on A from this line decides."""
        first = causes[0]
        at_a = next((c for c in causes if c.kind == report.DERIVATIVE_AT_A), None)
        if first.kind == report.MISSING_FACTOR and first.other.startswith("dZ") and at_a is not None:
            layer_A = "A" + first.other[2:]
            called = any(l == line and layer_A in passed for l, _, passed in self.record.get("calls", ()))
            both = (f"{first.text}, or {at_a.text} (the two give the same numbers here; {layer_A} is "
                    f"{'passed to a function on this line' if called else 'not passed to a function here'})")
            return Cause(at_a.kind if called else first.kind, both, first.lines, first.other)
        return first

    def _say(self, name, stale, mistake, line, whole=True) -> Cause:
        parts = []
        lines: tuple[int, ...] = ()
        kind = None
        if stale is not None:
            key = stale[0]
            at = self.streams[name].line_events.get(line, len(self.record["events"]))
            lines = self._lines_that_wrote(key, at)
            where = f"line {lines[0]}" if len(lines) == 1 else f"lines {', '.join(map(str, lines))}"
            parts.append(f"reads {key} after {where} updated it; the gradient needs {key} from before the update")
            kind = report.STALE_READ
        if mistake is not None:
            quantity, v = mistake[0]
            what = describe(v, quantity, self.spec)
            phrase = {report.MISSING_FACTOR: f"{what} is missing", report.EXTRA_FACTOR: f"{what} is extra",
                      report.SIGN: "the sign is flipped", report.NOT_SUMMED: f"{what} is missing"}.get(
                v.cause, what)
            if len(mistake) > 1:
                phrase += f" (in {', '.join(p for p, _ in mistake)}: every layer)"
            elif quantity != name:
                phrase += f" (in {quantity})"
            cause = v.cause
            if cause == report.TRANSPOSED and not whole:
                cause = report.SWAPPED  # a line that writes some elements: indices swapped, not a transpose
                phrase += " (swapped indices)"
            parts.append(phrase)
            kind = kind or cause
        other = stale[0] if stale is not None else mistake[0][0] if mistake is not None else ""
        return Cause(kind, "; ".join(parts), lines, other)

    @staticmethod
    def _join(first: Cause, second: Cause) -> Cause:
        return Cause(first.kind, f"{first.text}; and {second.text}", first.lines + second.lines,
                     first.other or second.other, (*first.also, *second.kinds))

    def _swapped(self, name, cells, u, candidate) -> Cause | None:
        flat = candidate.reshape(-1)
        if len(u) * flat.size > PAIRS:
            return None  # a big array's swap is a transpose, which compute's variants test whole
        others = []
        for value, (i, j) in zip(u, zip(*cells)):
            own = i * candidate.shape[1] + j
            match = [f for f in range(flat.size) if f != own and self._same_one(name, (i, j), value, flat[f])]
            if not match:
                return None
            others.append(divmod(match[0], candidate.shape[1]))
        names = ", ".join(user_index(self.layout, name, o) for o in others)
        own_names = ", ".join(user_index(self.layout, name, (int(i), int(j))) for i, j in zip(*cells))
        if candidate.shape[0] == candidate.shape[1] and len(others) == candidate.size and all(
                o == (j, i) for o, (i, j) in zip(others, zip(*cells))):
            return Cause(report.TRANSPOSED, f"{name} is transposed: each element holds the right value of "
                                            f"its mirror", other=name)
        return Cause(report.SWAPPED, f"{own_names} holds the right value of {names} (swapped index)", other=names)

    def _same_one(self, name, cell, value, candidate) -> bool:
        cells = (np.array([cell[0]]), np.array([cell[1]]))
        return self._same(name, cells, np.array([value]), np.array([candidate]))

    def _operand(self, name, cells, u, right, stale_state) -> Cause | None:
        """An update computed from another parameter where its own belongs: θ_q - lr dθ.
        Every parameter that fits is named (with the notebook's equal weights, several do)."""
        if not (self.update and name[:1] in "Wb") or len(u) * sum(
                p.size for p in self.params0.values()) > PAIRS:
            return None
        old = self.params0[name]
        fits = None
        for value, (i, j) in zip(u, zip(*cells)):
            step = right[i, j] - old[i, j]
            here = []
            for state, updated in ((stale_state, True), (self.params0, False)):
                if state is None:
                    continue
                for key, array in state.items():
                    for (a, b), base in np.ndenumerate(array):
                        if (key, (a, b)) == (name, (i, j)) or (key, (a, b), False) in here:
                            continue
                        if abs(value - (base + step)) <= RTOL * max(abs(step), 1e-300) + 1e-13 * (1 + abs(base)):
                            here.append((key, (a, b), updated and not np.array_equal(
                                array[a, b], self.params0[key][a, b])))
            if not here:
                return None
            fits = here if fits is None else [f for f in fits if f in here] or here
        names = [user_index(self.layout, key, index) for key, index, _ in fits]
        updated = all(f[2] for f in fits)
        own = user_index(self.layout, name, (int(cells[0][0]), int(cells[1][0])))
        other = " or ".join(names)
        if len(names) > 1:
            tail = " (equal on this row" + (", all already updated)" if updated else ")")
        else:
            tail = " (already updated)" if updated else ""
        return Cause(report.WRONG_OPERAND, f"{own} is computed from {other}{tail} where {own} belongs",
                     other=other)

    def _differs(self, name, cells, u, right) -> Cause:
        r = right[cells]
        if self.update and name[:1] in "Wb":
            old = self.params0[name][cells]
            u, r = u - old, r - old
            what = "its step"
        else:
            what = "it"
        i = int(np.argmax(np.abs(u - r)))
        ratio = u[i] / r[i] if r[i] != 0 else np.nan
        digits = 6 if abs(ratio - 1) < 0.01 else 3
        ratio = f", {ratio:.{digits}g} times the right value" if np.isfinite(ratio) and abs(ratio) >= 1e-3 else ""
        return Cause(report.DIFFERS, f"{what} is {u[i]:.6g} where backprop gives {r[i]:.6g}{ratio}")

    def _shape_finding(self, name, stream, right, given) -> list[RunFinding]:
        user = stream.value
        line = int(stream.writer.reshape(-1)[-1]) if stream.writer is not None else 0
        if name[:2] == "db" and user.shape == (right.shape[0], self.m):
            for v in VARIANTS:
                if v.cause == report.NOT_SUMMED and applies(v, name, self.spec, self.update):
                    try:
                        env = compute(self.spec, self.params0, self.X, self.Y, self.lr, given=given, upto=name,
                                      variant=(name, v))
                    except NotApplicable:
                        continue
                    if env[name].shape == user.shape and self._close(name, user, env[name]):
                        what = describe(v, name, self.spec)
                        return [RunFinding(line, name, Cause(report.NOT_SUMMED, f"{what} is missing: it has shape "
                                                             f"{user.shape}, one column per example; expected "
                                                             f"{right.shape}"), ())]
        if user.shape == right.shape[::-1] and self._close(name, user.T, right):
            return [RunFinding(line, name, Cause(report.TRANSPOSED, f"{name} is transposed: shape {user.shape}; "
                                                                    f"expected {right.shape}"), ())]
        return [RunFinding(line, name, Cause(report.DIFFERS, f"{name} has shape {user.shape}; expected "
                                                             f"{right.shape}"), ())]
