"""Where each node of a layer graph goes: layers left to right, units centred vertically."""

from __future__ import annotations

from bpviz.nn.notation import LOSS_NODE, node_id

LAYER_GAP = 300.0
UNIT_GAP = 190.0
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
    positions[LOSS_NODE] = (last * LAYER_GAP + LAYER_GAP * 0.8, (tallest - 1) * UNIT_GAP / 2)
    return positions
