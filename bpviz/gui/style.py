"""The app's colours and sizes in one place: forward blue, backward red (also dashed, so
the two read apart in greyscale and for colour-blind viewers), update green."""

from __future__ import annotations

from PySide6.QtGui import QColor

FORWARD = QColor("#1f5fbf")
BACKWARD = QColor("#c8321e")
UPDATE = QColor("#1e7a46")
INK = QColor("#1d232b")
MUTED = QColor("#6b7480")
EDGE_POSITIVE = QColor("#4a5564")
EDGE_NEGATIVE = QColor("#9a6b2e")
NODE_FILL = QColor("#ffffff")
NODE_READ = QColor("#fff4cc")
REUSED = QColor("#7b3fb5")
#: A parameter where the user's hand-written code disagrees with backprop: orange, with a
#: double outline, so it reads apart from backward red in greyscale too.
WARNING = QColor("#d97706")
BACKGROUND = QColor("#f7f8fa")
LABEL_FILL = QColor(255, 255, 255, 238)
LABEL_BORDER = QColor("#c8cdd4")

PHASE_COLORS = {"forward": FORWARD, "loss": FORWARD, "backward": BACKWARD, "update": UPDATE}


def phase_color(phase: str) -> QColor:
    return PHASE_COLORS.get(phase, INK)
