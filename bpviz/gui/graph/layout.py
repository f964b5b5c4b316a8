"""Where each node of a layer graph goes: layers left to right, units centred vertically."""

from __future__ import annotations

from bpviz.nn.notation import LOSS_NODE, node_id

LAYER_GAP = 330.0
UNIT_GAP = 240.0
NODE_RADIUS = 36.0


def node_positions(layer_sizes: list[int]) -> dict[str, tuple[float, float]]:
    """Scene coordinates of every unit ("n{l}.{j}") and of the loss node "J"."""
    tallest = max(layer_sizes)
    positions = {}
    for l, n in enumerate(layer_sizes):
        top = (tallest - n) * UNIT_GAP / 2
        for j in range(1, n + 1):
            positions[node_id(l, j)] = (l * LAYER_GAP, top + (j - 1) * UNIT_GAP)
    last = len(layer_sizes) - 1
    positions[LOSS_NODE] = (last * LAYER_GAP + LAYER_GAP * 0.6, (tallest - 1) * UNIT_GAP / 2)
    return positions


def label_position(j: int, k: int, n_out: int, n_in: int) -> float:
    """Where along edge k → j its label sits (0 at k, 1 at j): level edges in the middle,
    rising and falling ones a little either side of it, so that crossing labels stay
    apart and clear of the units' own values."""
    return min(0.66, max(0.34, 0.5 + 0.32 * (k - j) / max(n_out, n_in, 2)))
