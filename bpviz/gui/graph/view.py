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
from bpviz.gui.graph.layout import edge_ends, free_spots, graph_layout, place_labels
from bpviz.gui.graph.legend import GraphLegend
from bpviz.gui.graph.state import element_of, view_state
from bpviz.nn.notation import LOSS_NODE, edge_id, loss_edge_id, node_id, sym


class GraphView(QGraphicsView):
    """Pans by dragging, zooms with the wheel, and refits itself when resized."""

    elementClicked = Signal(str)  # a node or edge id
    hiddenClicked = Signal(str)  # quiz mode: the element whose "?" was clicked (then elementClicked)
    elementDoubleClicked = Signal(str)
    #: The chain element under the mouse, or being walked ("" when none): the equation
    #: lights its factor.
    linkedElement = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setMinimumSize(420, 300)
        self.setMouseTracking(True)  # hovering a chain element lights its factor in the equation
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
        # A backward step's chain walked from J to its target, one factor at a time.
        self.walk = QVariantAnimation(self)
        self.walk.valueChanged.connect(self._on_walk)
        self.walk.finished.connect(self._end_walk)
        self._state = None
        self._walked = -1
        self._hovered = ""
        self._spots: dict = {}
        self._base: dict = {}
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
        self._spots = free_spots(tuple(int(n) for n in layer_sizes), plan.positions)
        self._base = dict(plan.label_at)
        interrupted = self.walking()
        self._state, self._walked, self._hovered = None, -1, ""
        self.walk.stop()
        if interrupted:  # the factor the walk had reached is no longer lit in the equation
            self.linkedElement.emit("")
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
    def show_step(self, steps, index: int, animate: bool = True, walk_ms: float = 0, hidden: bool = False) -> None:
        """Show step ``index``: every value produced so far, its highlights and arrows. A
        backward step lights its whole chain-rule path from J; with ``walk_ms`` (playing)
        it first walks the path, one factor every ``walk_ms``, then shows the result.
        ``hidden`` (quiz mode): the step's own value shows as "?" until it is revealed."""
        state = view_state(steps, index, hidden)
        interrupted = self.walking()
        self.walk.stop()
        self._state = state
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
        if walk_ms > 0 and animate and len(state.walk) > 1:
            self._walked = -1
            self._clear_arrows()
            self._hide_result(steps[index])
            self._light_chain(0)
            self.walk.setStartValue(0)
            self.walk.setEndValue(len(state.walk))
            self.walk.setDuration(int(walk_ms * len(state.walk)))
            self.walk.start()
        else:
            self._light_chain(len(state.walk))
            self._show_arrows(state, animate)
            if interrupted:  # the equation lit the factor walked: now only what is hovered
                self.linkedElement.emit(self._hovered if self._hovered in state.chain else "")

    def show_values_only(self) -> None:
        """The values of the step shown without its highlights, arrows or chain (a picture
        for paper, where "computed now" means nothing)."""
        self.walk.stop()
        for item in self.nodes.values():
            item.set_state(item.values, "", item.color, False)
            item.set_chain(False)
        for item in self.edges.values():
            item.set_state(item.weight, item.scale, item.values, "", item.color)
            item.set_chain(False)
        self._clear_arrows()
        self._place_labels()

    def walking(self) -> bool:
        return self.walk.state() == QVariantAnimation.State.Running

    def _hide_result(self, step) -> None:
        """While the chain is walked, the step's own new value waits for the walk's end."""
        where = element_of(step.quantity)
        if where and where[0] == "node":
            item = self.nodes.get(where[1])
            key = {"da": "da", "dz": "dz", "g'": "g'", "db": "db"}.get(step.quantity[0])
            if item is not None and key in item.values:
                values = {k: v for k, v in item.values.items() if k != key}
                item.set_state(values, item.role, item.color, item.reused)
        elif where:
            edge = self.edges.get(where[1])
            if edge is not None and "dw" in edge.values:
                edge.set_state(edge.weight, edge.scale, {k: v for k, v in edge.values.items() if k != "dw"},
                               edge.role, edge.color)

    def _on_walk(self, value) -> None:
        reached = min(int(value), len(self._state.walk) - 1) if self._state and self._state.walk else -1
        if reached != self._walked:
            self._walked = reached
            self._light_chain(reached + 1)
            self.linkedElement.emit(self._state.walk[reached] if reached >= 0 else "")

    def _end_walk(self) -> None:
        """The walk done: the result appears, the whole path stays lit."""
        state = self._state
        if state is None:
            return
        for nid, item in self.nodes.items():
            values = dict(state.nodes.get(nid, {}))
            if nid.startswith("n0.") and self._inputs:
                values["x"] = self._inputs[int(nid.split(".")[1]) - 1]
            item.set_state(values, item.role, item.color, item.reused)
        for eid, item in self.edges.items():
            item.set_state(item.weight, item.scale, state.edges.get(eid, {}), item.role, item.color)
        self._light_chain(len(state.walk))
        self._show_arrows(state, True)
        self.linkedElement.emit(self._hovered)

    def _light_chain(self, count: int) -> None:
        """Light the first ``count`` elements of the chain (all: the whole path), place the
        labels clear of what is lit, and draw the arrows of what is lit so far."""
        state = self._state
        walked = state.walk[:count] if state else ()
        lit = set(walked)
        for nid, item in self.nodes.items():
            on = nid in lit and nid in state.chain_nodes
            item.set_chain(on, state.chain_nodes.get(nid) if on else None, self._shade(nid))
            item.setToolTip(item.tooltip_text())
        for eid, item in self.edges.items():
            item.set_chain(eid in lit, self._shade(eid))
            item.setToolTip(item.tooltip_text())
        self._place_labels()
        if self.walking():
            self._show_chain_arrows(walked)

    def _shade(self, element: str):
        """An element on one path only of several: that path's shade; else None (the red)."""
        index = self._state.shades.get(element) if self._state else None
        return None if index is None else style.path_shade(index)

    def _place_labels(self) -> None:
        """Every label shown clear of the lit edges (a backward step's chain, its own edge
        among them): a label that would cover one moves along its edge, or steps aside for
        this step. (A forward step's arrows run under the labels, as they always have.) The
        whole path counts from the start of a walk, so that no label jumps half-way."""
        path = set(self._state.chain) if self._state else set()
        lit = {eid: (item.line.p1().toTuple(), item.line.p2().toTuple()) for eid, item in self.edges.items()
               if item.chain or eid in path}
        weights = [eid for eid in self.edges if eid.startswith("w")]
        wanted = [eid for eid in weights if self.edges[eid].wants_label()]
        wanted.sort(key=lambda eid: eid not in lit)  # the lit path's labels first (a stable sort)
        where = place_labels(self._spots, self._base, wanted, lit)
        for eid in weights:
            at = where.get(eid, self._base.get(eid, 0.5))
            self.edges[eid].place_label(self._base.get(eid, 0.5) if at is None else at, hidden=at is None)

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

    def _clear_arrows(self) -> None:
        for arrow in self.arrows:
            self.scene().removeItem(arrow)
        self.arrows = []

    def _arrow(self, eid: str, direction: str) -> None:
        edge = self.edges.get(eid)
        if edge is None:
            return
        tail, head = edge.line.p1(), edge.line.p2()
        if direction == "backward":
            tail, head = head, tail
        arrow = ArrowItem(tail, head, direction, self._shade(eid) if direction == "backward" else None)
        self.scene().addItem(arrow)
        self.arrows.append(arrow)

    def _show_arrows(self, state, animate: bool) -> None:
        """The step's arrows: along its own edges, and for a backward step along every edge
        of its chain, from J back to the quantity computed."""
        self._clear_arrows()
        if state.direction not in ("forward", "backward"):
            return
        edges = list(state.chain_edges) if state.direction == "backward" else []
        edges += [eid for eid in state.current_edges if eid not in edges]
        for eid in edges:
            self._arrow(eid, state.direction)
        self.pulse.stop()
        if animate and self.arrows:
            self.pulse.start()
        else:
            self._on_pulse(1.0)

    def _show_chain_arrows(self, elements) -> None:
        """During a walk: arrows on the path's edges walked so far, the newest pulsing."""
        edges = [e for e in elements if e in self.edges]
        if len(edges) == len(self.arrows):
            return
        self._clear_arrows()
        for eid in edges:
            self._arrow(eid, "backward")
        for arrow in self.arrows[:-1]:
            arrow.set_progress(1.0)
        self.pulse.stop()
        self.pulse.start()

    def _on_pulse(self, value) -> None:
        moving = self.arrows[-1:] if self.walking() else self.arrows
        for arrow in moving:
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

    def element_at(self, point) -> NodeItem | EdgeItem | None:
        """The unit or weight under ``point`` (viewport coordinates), beneath any arrow drawn over it."""
        for item in self.items(point):
            if isinstance(item, EdgeLabel):
                return item.edge
            if isinstance(item, (NodeItem, EdgeItem)):
                return item
        return None

    def hidden_at(self, point) -> str:
        """Quiz mode: the element whose hidden value's "?" is under ``point`` (viewport
        coordinates): beside a unit, or the line of a weight's label that shows it; "" for none."""
        scene_point = self.mapToScene(point)
        for item in self.items(point):
            if isinstance(item, EdgeLabel):
                rect = item.hidden_rect()
                return item.edge.edge_id if rect is not None and rect.contains(item.mapFromScene(scene_point)) else ""
            if isinstance(item, NodeItem):
                return item.node_id if item.hidden_shape().contains(item.mapFromScene(scene_point)) else ""
        return ""

    def mouseReleaseEvent(self, event) -> None:
        super().mouseReleaseEvent(event)
        point = event.position().toPoint()
        item = self.element_at(point)
        if item is not None and event.button() == Qt.MouseButton.LeftButton:
            hidden = self.hidden_at(point)
            if hidden:
                self.hiddenClicked.emit(hidden)
            self.elementClicked.emit(item.node_id if isinstance(item, NodeItem) else item.edge_id)

    def mouseMoveEvent(self, event) -> None:
        super().mouseMoveEvent(event)
        item = self.element_at(event.position().toPoint())
        element = item.node_id if isinstance(item, NodeItem) else item.edge_id if isinstance(item, EdgeItem) else ""
        if self._state is None or element not in self._state.chain:
            element = ""
        if element != self._hovered:
            self._hovered = element
            self.set_linked(element)
            self.linkedElement.emit(element)

    def leaveEvent(self, event) -> None:
        super().leaveEvent(event)
        if self._hovered:
            self._hovered = ""
            self.set_linked("")
            self.linkedElement.emit("")

    def set_linked(self, elements) -> None:
        """Emphasise ``elements``: an element id (a factor hovered in the equation, or under
        the mouse), or several (a whole path, its product hovered); "" for none."""
        chosen = {elements} if isinstance(elements, str) else set(elements)
        for nid, item in self.nodes.items():
            item.set_hovered_link(nid in chosen)
        for eid, item in self.edges.items():
            item.set_hovered_link(eid in chosen)

    def mouseDoubleClickEvent(self, event) -> None:
        item = self.element_at(event.position().toPoint())
        if item is not None and event.button() == Qt.MouseButton.LeftButton:
            self.elementDoubleClicked.emit(item.node_id if isinstance(item, NodeItem) else item.edge_id)
            return
        super().mouseDoubleClickEvent(event)

    def scene_rect_of(self, element: str) -> QRectF:
        item = self.nodes.get(element) or self.edges.get(element)
        return item.sceneBoundingRect() if item else QRectF()
