"""Where everything of a layer graph goes, in scene units: units in layers left to right,
centred vertically, and each weight's label at a point of its edge where it covers no
other label and no unit's values.

Pure geometry (no Qt), so the promise "labels never cover each other" is tested for
every graph size the step page accepts.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from bpviz.nn.notation import LOSS_NODE, edge_id, node_id

LAYER_GAP = 300.0
UNIT_GAP = 205.0
NODE_RADIUS = 40.0
#: A unit on the chain rule's path wears a ring this far out (past the reused one's).
CHAIN_RING = NODE_RADIUS + 10
#: Beside an input unit, on its left, clear of its rings: the feature's name (left, top,
#: right, bottom).
NAME_BOX = (-CHAIN_RING - 116, -13.0, -CHAIN_RING - 4, 13.0)
#: Above a unit, z; below it, da, ∂a/∂z (g′) and dz, GRADIENT_LINE high each.
Z_BOX = (-66.0, -NODE_RADIUS - 32, 66.0, -NODE_RADIUS + 2)
GRADIENT_LINE = 25.0
GRADIENT_BOX = (-66.0, NODE_RADIUS - 2, 66.0, NODE_RADIUS + 2 + 3 * GRADIENT_LINE)
#: The largest label a weight gets: two lines, "w[l]jk = value" and "dw = value".
LABEL_WIDTH, LABEL_HEIGHT = 140.0, 50.0
#: Where along an edge a label may sit (0 at the input end), most preferred first.
LABEL_SPOTS = (0.5, 0.4, 0.6, 0.32, 0.68, 0.25, 0.75, 0.18, 0.82)


@dataclass(frozen=True)
class Rect:
    left: float
    top: float
    right: float
    bottom: float

    def overlap(self, other: "Rect") -> float:
        """The area the two rectangles share (0 when they only touch)."""
        if isinstance(other, Circle):
            return other.overlap(self)
        w = min(self.right, other.right) - max(self.left, other.left)
        h = min(self.bottom, other.bottom) - max(self.top, other.top)
        return w * h if w > 0 and h > 0 else 0.0

    def united(self, other: "Rect") -> "Rect":
        return Rect(min(self.left, other.left), min(self.top, other.top),
                    max(self.right, other.right), max(self.bottom, other.bottom))


@dataclass(frozen=True)
class Circle:
    x: float
    y: float
    r: float

    def overlap(self, rect: Rect) -> float:
        """How deep the rectangle reaches into the circle (0 when it stays outside)."""
        dx = max(rect.left - self.x, 0.0, self.x - rect.right)
        dy = max(rect.top - self.y, 0.0, self.y - rect.bottom)
        depth = self.r - (dx * dx + dy * dy) ** 0.5
        return depth * depth if depth > 0 else 0.0


def node_positions(layer_sizes: list[int], gap: float = LAYER_GAP) -> dict[str, tuple[float, float]]:
    """Scene coordinates of every unit ("n{l}.{j}") and of the loss node "J", layers
    ``gap`` apart."""
    tallest = max(layer_sizes)
    positions = {}
    for l, n in enumerate(layer_sizes):
        top = (tallest - n) * UNIT_GAP / 2
        for j in range(1, n + 1):
            positions[node_id(l, j)] = (l * gap, top + (j - 1) * UNIT_GAP)
    last = len(layer_sizes) - 1
    positions[LOSS_NODE] = (last * gap + LAYER_GAP * 0.45, (tallest - 1) * UNIT_GAP / 2)
    return positions


def node_parts(nid: str, x: float, y: float) -> list:
    """The room a unit takes: its circle (with its rings), and its texts: the feature's
    name for an input, z above and the gradients below for a computed unit."""
    boxes = [NAME_BOX] if nid.startswith("n0.") else [] if nid == LOSS_NODE else [Z_BOX, GRADIENT_BOX]
    return [Circle(x, y, CHAIN_RING + 2)] + [Rect(x + a, y + b, x + c, y + d) for a, b, c, d in boxes]


def label_rect(x: float, y: float) -> Rect:
    return Rect(x - LABEL_WIDTH / 2, y - LABEL_HEIGHT / 2, x + LABEL_WIDTH / 2, y + LABEL_HEIGHT / 2)


def edge_ends(p: tuple[float, float], q: tuple[float, float]) -> tuple[tuple[float, float], tuple[float, float]]:
    """The visible part of the edge p → q: from rim to rim of the two units."""
    dx, dy = q[0] - p[0], q[1] - p[1]
    length = (dx * dx + dy * dy) ** 0.5 or 1.0
    ux, uy = dx / length * NODE_RADIUS, dy / length * NODE_RADIUS
    return (p[0] + ux, p[1] + uy), (q[0] - ux, q[1] - uy)


@dataclass(frozen=True)
class LabelPlan:
    at: dict[str, float]  # edge id -> fraction along its visible line
    clear: bool  # every label fits without covering another or a unit's values
    rects: tuple[Rect, ...] = ()  # where the labels go, when clear


def label_plan(layer_sizes: list[int], positions: dict[str, tuple[float, float]] | None = None,
               budget: int = 1500) -> LabelPlan:
    """Choose each weight label's spot so that no label covers another label or a unit's
    values, preferring spots near the middle of the edge.

    A depth-first search, the most constrained label first, finds a clear plan when there
    is one within ``budget`` tries (instant for the toy networks); otherwise each label
    takes its most central spot that covers no unit, and the plan says it is not clear."""
    positions = positions or node_positions(layer_sizes)
    fixed = [part for nid, xy in positions.items() for part in node_parts(nid, *xy)]
    free: dict[str, list[tuple[float, Rect]]] = {}
    for eid, (x0, y0), (x1, y1) in _edges(layer_sizes, positions):
        rects = [(t, label_rect(x0 + (x1 - x0) * t, y0 + (y1 - y0) * t)) for t in LABEL_SPOTS]
        free[eid] = [(t, r) for t, r in rects if not any(p.overlap(r) for p in fixed)]
    order = sorted(free, key=lambda eid: len(free[eid]))
    chosen: dict[str, tuple[float, Rect]] = {}
    tries = 0

    def place(i: int) -> bool:
        nonlocal tries
        if i == len(order):
            return True
        eid = order[i]
        for t, rect in free[eid]:
            tries += 1
            if tries > budget:
                return False
            if not any(rect.overlap(other) for _, other in chosen.values()):
                chosen[eid] = (t, rect)
                if place(i + 1):
                    return True
                del chosen[eid]
        return False

    if all(free.values()) and place(0):
        return LabelPlan({eid: chosen[eid][0] for eid in free}, True, tuple(r for _, r in chosen.values()))
    return LabelPlan({eid: (spots[0][0] if spots else LABEL_SPOTS[0]) for eid, spots in free.items()}, False)


def scene_bounds(positions: dict[str, tuple[float, float]], labels: list[Rect], margin: float = 14.0) -> Rect:
    """The rectangle that holds every unit with its texts, and every label."""
    rects = list(labels)
    for nid, (x, y) in positions.items():
        for part in node_parts(nid, x, y):
            rects.append(Rect(x - part.r, y - part.r, x + part.r, y + part.r) if isinstance(part, Circle) else part)
    out = rects[0]
    for rect in rects[1:]:
        out = out.united(rect)
    return Rect(out.left - margin, out.top - margin, out.right + margin, out.bottom + margin)


#: Layer gaps tried, narrowest first, until every label fits.
GAPS = (LAYER_GAP, 340.0, 380.0, 420.0, 480.0, 540.0, 600.0)
#: Above this many weights, labels are shown for the current step only, whatever the room.
DENSE_EDGES = 40


@dataclass(frozen=True)
class GraphLayout:
    positions: dict[str, tuple[float, float]]
    label_at: dict[str, float]
    labels_fit: bool  # False: show weight labels for the current step only
    bounds: Rect


@lru_cache(maxsize=64)
def graph_layout(layer_sizes: tuple[int, ...]) -> GraphLayout:
    """The layout of a graph: the narrowest layer gap at which every weight's label fits."""
    sizes = list(layer_sizes)
    n_edges = sum(a * b for a, b in zip(sizes, sizes[1:]))
    for gap in GAPS if n_edges <= DENSE_EDGES else ():
        positions = node_positions(sizes, gap)
        plan = label_plan(sizes, positions)
        if plan.clear:
            return GraphLayout(positions, plan.at, True, scene_bounds(positions, list(plan.rects)))
    positions = node_positions(sizes)
    at = {eid: LABEL_SPOTS[0] for eid, _, _ in _edges(sizes, positions)}
    return GraphLayout(positions, at, False, scene_bounds(positions, []))


def _edges(sizes: list[int], positions):
    """Every weight's edge id with the two ends of its visible line."""
    for l in range(1, len(sizes)):
        for j in range(1, sizes[l] + 1):
            for k in range(1, sizes[l - 1] + 1):
                yield (edge_id(l, j, k), *edge_ends(positions[node_id(l - 1, k)], positions[node_id(l, j)]))


def free_spots(layer_sizes: tuple[int, ...], positions) -> dict[str, list[tuple[float, Rect]]]:
    """Each weight's label spots (fraction along its edge, rectangle) that cover no unit
    nor its texts, most preferred first."""
    fixed = [part for nid, xy in positions.items() for part in node_parts(nid, *xy)]
    spots = {}
    for eid, (x0, y0), (x1, y1) in _edges(list(layer_sizes), positions):
        rects = [(t, label_rect(x0 + (x1 - x0) * t, y0 + (y1 - y0) * t)) for t in LABEL_SPOTS]
        spots[eid] = [(t, r) for t, r in rects if not any(p.overlap(r) for p in fixed)]
    return spots


def segment_hits(rect: Rect, p: tuple[float, float], q: tuple[float, float], margin: float = 6.0) -> bool:
    """Whether the segment p-q passes within ``margin`` of ``rect`` (Liang-Barsky clipping)."""
    left, top, right, bottom = rect.left - margin, rect.top - margin, rect.right + margin, rect.bottom + margin
    (x0, y0), (x1, y1) = p, q
    dx, dy = x1 - x0, y1 - y0
    low, high = 0.0, 1.0
    for edge_p, edge_q in ((-dx, x0 - left), (dx, right - x0), (-dy, y0 - top), (dy, bottom - y0)):
        if edge_p == 0:
            if edge_q < 0:
                return False
            continue
        t = edge_q / edge_p
        if edge_p < 0:
            low = max(low, t)
        else:
            high = min(high, t)
        if low > high:
            return False
    return True


def place_labels(spots: dict[str, list[tuple[float, Rect]]], base: dict[str, float], wanted: list[str],
                 lit: dict[str, tuple[tuple[float, float], tuple[float, float]]]) -> dict[str, float | None]:
    """Where each ``wanted`` label goes at a step whose lit edges are ``lit`` (edge id ->
    its visible segment): a label covers no lit edge but its own, no other label and no
    unit (``spots`` holds only spots clear of the units). ``wanted`` comes most important
    first (the lit edges' own labels); a label keeps its ``base`` spot when that is clear,
    else takes the most preferred clear one, else None: it steps aside (hidden) for this step.
    """
    def clear(eid: str, rect: Rect, placed: list[Rect]) -> bool:
        return (not any(segment_hits(rect, *segment) for other, segment in lit.items() if other != eid)
                and not any(rect.overlap(other) for other in placed))

    where: dict[str, float | None] = {}
    placed: list[Rect] = []
    first = [eid for eid in wanted if eid in lit]
    rest = [eid for eid in wanted if eid not in lit]
    # The lit labels first, each where it is clear; then the others keep their spots where
    # they can (a settled picture), and only those that cannot move.
    for eid in first:
        choice = next(((t, r) for t, r in sorted(spots.get(eid, ()), key=lambda s: s[0] != base.get(eid))
                       if clear(eid, r, placed)), None)
        where[eid] = choice[0] if choice else None
        if choice:
            placed.append(choice[1])
    movers = []
    for eid in rest:
        home = next((r for t, r in spots.get(eid, ()) if t == base.get(eid)), None)
        if home is not None and clear(eid, home, placed):
            where[eid] = base[eid]
            placed.append(home)
        else:
            movers.append(eid)
    for eid in movers:
        choice = next(((t, r) for t, r in spots.get(eid, ()) if clear(eid, r, placed)), None)
        where[eid] = choice[0] if choice else None
        if choice:
            placed.append(choice[1])
    return where
