"""The layer graph view: builds the items for a network and renders one trace step.

``set_network`` lays the graph out; ``show_step(steps, index)`` makes it show exactly
what step ``index`` of the trace means (values so far, highlights, animated arrows).
"""

from __future__ import annotations

from PySide6.QtCore import QEasingCurve, QPointF, QRectF, Qt, QVariantAnimation, Signal
from PySide6.QtGui import QBrush, QPainter
from PySide6.QtWidgets import QGraphicsScene, QGraphicsView

from bpviz.gui import style
from bpviz.gui.graph.items import ArrowItem, EdgeItem, EdgeLabel, LossItem, NodeItem
from bpviz.gui.graph.layout import edge_ends, graph_layout
from bpviz.gui.graph.legend import GraphLegend
from bpviz.gui.graph.state import view_state
from bpviz.nn.notation import LOSS_NODE, edge_id, loss_edge_id, node_id, sym


class GraphView(QGraphicsView):
    """Pans by dragging, zooms with the wheel, and refits itself when resized."""

    elementClicked = Signal(str)  # a node or edge id
    elementDoubleClicked = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setMinimumSize(420, 300)
        self.nodes: dict[str, NodeItem] = {}
        self.edges: dict[str, EdgeItem] = {}
        self.arrows: list[ArrowItem] = []
        self._positions: dict[str, tuple[float, float]] = {}
        self._params: dict = {}
        self._inputs: list[float] = []
        self._user_zoomed = False
        self.pulse = QVariantAnimation(self)
        self.pulse.setStartValue(0.0)
        self.pulse.setEndValue(1.0)
        self.pulse.setDuration(450)
        self.pulse.setEasingCurve(QEasingCurve.Type.InOutQuad)
        self.pulse.valueChanged.connect(self._on_pulse)
        # Off until the page shows it; then fit() gives it a strip and the graph the rest.
        self.legend = GraphLegend(self)
        self.legend.changed.connect(lambda: self._place_legend() if self._user_zoomed else self.fit())
        style.follow(self, self._apply_look)

    def _apply_look(self) -> None:
        """Repaint in the theme's colours (labels are cached pictures: renew them too)."""
        self.setBackgroundBrush(QBrush(style.BACKGROUND))
        for item in self.scene().items():
            item.update()

    # --- building -------------------------------------------------------------------
    def set_network(self, layer_sizes, params: dict, feature_names=(), inputs=()) -> None:
        """Lay out units, the loss node and every weight for a network."""
        scene = self.scene()
        self.pulse.stop()
        scene.clear()
        self.nodes, self.edges, self.arrows = {}, {}, []
        plan = graph_layout(tuple(int(n) for n in layer_sizes))
        self._positions = plan.positions
        self._params = {k: v.copy() for k, v in params.items()}
        L = len(layer_sizes) - 1
        for l, n in enumerate(layer_sizes):
            for j in range(1, n + 1):
                symbol = sym("x", None, j) if l == 0 else sym("a", l, j)
                subtitle = feature_names[j - 1] if l == 0 and j - 1 < len(feature_names) else ""
                self._add_node(NodeItem(node_id(l, j), symbol.text, subtitle, symbol.latex))
        self._add_node(LossItem(LOSS_NODE, "J"))
        for l in range(1, L + 1):
            for j in range(1, layer_sizes[l] + 1):
                for k in range(1, layer_sizes[l - 1] + 1):
                    eid, symbol = edge_id(l, j, k), sym("w", l, j, k)
                    self._add_edge(EdgeItem(eid, symbol.text, *self._ends(node_id(l - 1, k), node_id(l, j)),
                                            plan.label_at[eid], symbol.latex))
        for j in range(1, layer_sizes[L] + 1):
            self._add_edge(EdgeItem(loss_edge_id(j), f"J ← a[{L}]_{j}", *self._ends(node_id(L, j), LOSS_NODE)))
        for item in self.edges.values():
            item.label_always = plan.labels_fit
        self.set_inputs(inputs)
        b = plan.bounds
        scene.setSceneRect(QRectF(b.left, b.top, b.right - b.left, b.bottom - b.top))
        self._user_zoomed = False
        self.fit()

    def _add_node(self, item: NodeItem) -> None:
        x, y = self._positions[item.node_id]
        item.setPos(x, y)
        item.setToolTip(item.tooltip_text())
        self.scene().addItem(item)
        self.nodes[item.node_id] = item

    def _ends(self, start: str, end: str) -> tuple[QPointF, QPointF]:
        p, q = edge_ends(self._positions[start], self._positions[end])
        return QPointF(*p), QPointF(*q)

    def _add_edge(self, item: EdgeItem) -> None:
        self.scene().addItem(item)
        self.scene().addItem(item.label)
        self.edges[item.edge_id] = item

    def set_inputs(self, inputs) -> None:
        self._inputs = [float(v) for v in inputs]

    # --- rendering a step -----------------------------------------------------------
    def show_step(self, steps, index: int, animate: bool = True) -> None:
        """Show step ``index``: every value produced so far, its highlights and arrows."""
        state = view_state(steps, index)
        color = style.phase_color(state.phase)
        for nid, item in self.nodes.items():
            values = dict(state.nodes.get(nid, {}))
            if nid.startswith("n0.") and self._inputs:
                values["x"] = self._inputs[int(nid.split(".")[1]) - 1]
            role = "current" if nid in state.current_nodes else "read" if nid in state.read_nodes else ""
            item.set_state(values, role, color, nid in state.reused_nodes)
            item.setToolTip(item.tooltip_text())
        scale = max((abs(float(v)) for k, v in self._params.items() if k.startswith("W") for v in v.ravel()),
                    default=1.0) or 1.0
        for eid, item in self.edges.items():
            weight = self._weight(eid)
            role = "current" if eid in state.current_edges else ""
            item.set_state(weight, scale, state.edges.get(eid, {}), role, color)
            item.setToolTip(item.tooltip_text())
        self._show_arrows(state, animate)

    def set_marks(self, checks: dict[str, bool], flagged: set[str]) -> None:
        """Gradient-check marks beside each edge's dw (True passes), and the weights
        ("w1.2.1") and units' biases ("n1.2") where the user's code disagrees."""
        for eid, item in self.edges.items():
            item.set_marks(checks.get(eid), eid in flagged)
        for nid, item in self.nodes.items():
            item.set_flagged(nid in flagged)

    def _weight(self, eid: str):
        if not eid.startswith("w"):
            return None
        l, j, k = (int(part) for part in eid[1:].split("."))
        return float(self._params[f"W{l}"][j - 1, k - 1])

    def _show_arrows(self, state, animate: bool) -> None:
        for arrow in self.arrows:
            self.scene().removeItem(arrow)
        self.arrows = []
        if state.direction not in ("forward", "backward"):
            return
        for eid in state.current_edges:
            edge = self.edges.get(eid)
            if edge is None:
                continue
            tail, head = edge.line.p1(), edge.line.p2()
            if state.direction == "backward":
                tail, head = head, tail
            arrow = ArrowItem(tail, head, state.direction)
            self.scene().addItem(arrow)
            self.arrows.append(arrow)
        self.pulse.stop()
        if animate and self.arrows:
            self.pulse.start()
        else:
            self._on_pulse(1.0)

    def _on_pulse(self, value) -> None:
        for arrow in self.arrows:
            arrow.set_progress(float(value))

    def set_pulse_duration(self, ms: int) -> None:
        self.pulse.setDuration(int(ms))

    # --- view -----------------------------------------------------------------------
    def fit(self) -> None:
        """The whole graph in the viewport, which leaves the legend its strip (and on that
        side all that a unit or a label may draw: their boxes reach past the scene's edge)."""
        self._place_legend()
        rect = self.scene().sceneRect()
        if not rect.isEmpty():
            drawn = [item.sceneBoundingRect() for item in self.nodes.values()]
            drawn += [edge.label.sceneBoundingRect() for edge in self.edges.values()]
            target = self.legend.clear_of(rect, drawn)
            self.setSceneRect(target if target != rect else QRectF())  # else Qt centres the scene's own
            self.fitInView(target, Qt.AspectRatioMode.KeepAspectRatio)

    def _place_legend(self) -> None:
        """The legend's strip on the side that costs the graph least, chosen on the whole
        area (a scroll bar that comes and goes cannot flip it); the viewport gets the rest."""
        margins = self.legend.choose(self.contentsRect().size(), self.scene().sceneRect().size())
        if margins != self.viewportMargins():
            self.setViewportMargins(margins)
        self.legend.set_strip(self.viewport().geometry().marginsAdded(margins))

    def reset_zoom(self) -> None:
        self._user_zoomed = False
        self.fit()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._place_legend() if self._user_zoomed else self.fit()

    def wheelEvent(self, event) -> None:
        factor = 1.15 if event.angleDelta().y() > 0 else 1 / 1.15
        self.scale(factor, factor)
        self._user_zoomed = True

    def mouseReleaseEvent(self, event) -> None:
        super().mouseReleaseEvent(event)
        item = self.itemAt(event.position().toPoint())
        if isinstance(item, EdgeLabel):
            item = item.edge
        if isinstance(item, (NodeItem, EdgeItem)) and event.button() == Qt.MouseButton.LeftButton:
            self.elementClicked.emit(item.node_id if isinstance(item, NodeItem) else item.edge_id)

    def mouseDoubleClickEvent(self, event) -> None:
        item = self.itemAt(event.position().toPoint())
        if isinstance(item, EdgeLabel):
            item = item.edge
        if isinstance(item, (NodeItem, EdgeItem)) and event.button() == Qt.MouseButton.LeftButton:
            self.elementDoubleClicked.emit(item.node_id if isinstance(item, NodeItem) else item.edge_id)
            return
        super().mouseDoubleClickEvent(event)

    def scene_rect_of(self, element: str) -> QRectF:
        item = self.nodes.get(element) or self.edges.get(element)
        return item.sceneBoundingRect() if item else QRectF()
