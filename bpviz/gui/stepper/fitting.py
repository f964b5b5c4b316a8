"""The step page's arrangement and its fit under a UI scale and a mode.

``PageLayout(page)`` places the page's views (the form and its plots at the left, the graph
with the transport and the equation panel in the centre, the steps, the gradient check and
the pinned values at the right) and keeps them fitted: the equation panel and the
transport at the UI scale or as near as fits, the equation never above EQUATION_SHARE of the
height, focus and presenter mode, and the split the user dragged. The page itself (page.py)
holds the session and routes signals; it asks this for its layout.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGroupBox, QScrollArea, QSizePolicy, QSplitter, QTabWidget, QVBoxLayout, QWidget

from bpviz.gui import style
from bpviz.gui.stepper.equation import EQUATION_SHARE, largest_fitting

#: The form's column is at most this wide at 100 % (it grows with the side panels' text).
SIDE_WIDTH = 330
#: The graph's least drawing scale the equation panel gives way for (down to its own least
#: scale): at 0.95 a unit's value reads 18 px and a weight's label 14 px.
GRAPH_LEGIBLE = 0.95
#: The right column's width while it shows the steps and the gradient table, and its share
#: of the page while it shows the user's code; the graph's column keeps 700 px.
STEPS_WIDTH, TABLE_WIDTH, CODE_SHARE = 210, 470, 0.42


def boxed(title: str, widget: QWidget) -> QGroupBox:
    box = QGroupBox(title)
    layout = QVBoxLayout(box)
    layout.setContentsMargins(4, 4, 4, 4)
    layout.addWidget(widget)
    return box


class PageLayout:
    """Builds ``page``'s arrangement (setting page.center, page.tabs, page.side_panels,
    page.columns_splitter, page.form_column and page.plot_boxes) and fits it."""

    def __init__(self, page):
        self.page = page
        self.focus = self.presenting = False
        self.ui_scale = 1.0
        self._fitted = None  # what the scale was last fitted to
        self._user_equation: int | None = None  # the equation's height as the user dragged it
        self._build()
        page.center.splitterMoved.connect(self._on_splitter_moved)
        page.tabs.currentChanged.connect(self._on_tab_changed)
        # The panel's plan follows its width (which settles after the page's own resize).
        page.equation.plannedHeightChanged.connect(lambda _: self.fit(), Qt.ConnectionType.QueuedConnection)

    def _build(self) -> None:
        page = self.page
        column = QWidget()
        left_layout = QVBoxLayout(column)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(page.controls)
        page.plot_boxes = (boxed("Loss per epoch", page.loss_panel), page.boundary_box)
        for box in page.plot_boxes:  # the room left, not the room the plots would like
            box.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Ignored)
            left_layout.addWidget(box, 1)
        self._hold_plot_heights()
        # The form and its plots scroll when the window is short, rather than make it
        # taller than its screen (a classifier's boundary plot on a 1280×800 projector).
        left = QScrollArea()
        left.setWidget(column)
        left.setWidgetResizable(True)
        left.setFrameShape(QFrame.Shape.NoFrame)
        left.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        left.setMaximumWidth(SIDE_WIDTH)
        page.form_column = column
        self._hold_form_width(left)
        center = QSplitter(Qt.Orientation.Vertical)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(page.graph, 1)
        top_layout.addWidget(page.transport)
        top_layout.addWidget(page.quiz_bar)  # shown in quiz mode
        center.addWidget(top)
        center.addWidget(page.equation)
        center.setStretchFactor(0, 1)
        center.setStretchFactor(1, 0)
        center.setChildrenCollapsible(False)
        page.center = center
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        page.tabs = QTabWidget()
        page.tabs.addTab(page.timeline, "Steps")
        page.tabs.addTab(page.debug, "Gradient check")
        page.tabs.addTab(page.code, "Your code")
        # Three tabs in a narrow column, padded less (as the training page's), which the column
        # is made wide enough to show whole (see steps_width); only a window too narrow for
        # that shortens them (with …) rather than scroll.
        page.tabs.tabBar().setProperty("compact", True)
        page.tabs.setUsesScrollButtons(False)
        page.tabs.setElideMode(Qt.TextElideMode.ElideRight)
        right_layout.addWidget(page.tabs, 3)
        self.pinned_box = boxed("Pinned values", page.inspector)
        right_layout.addWidget(self.pinned_box, 1)
        self.right_layout = right_layout
        page.side_panels = (left, right)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        for widget, stretch in ((left, 0), (center, 1), (right, 0)):
            splitter.addWidget(widget)
            splitter.setStretchFactor(splitter.count() - 1, stretch)
        splitter.setSizes([250, 820, self.steps_width()])
        page.columns_splitter = splitter
        layout = QVBoxLayout(page)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(splitter)

    def _hold_plot_heights(self) -> None:
        """Each plot's box at least as tall as its plot needs (the column scrolls when the
        window is shorter), but asking for no more: its wish would make the column scroll."""
        for box in self.page.plot_boxes:
            box.setMinimumHeight(0)
            box.setMinimumHeight(box.minimumSizeHint().height())

    def _hold_form_width(self, side: QScrollArea) -> None:
        """As wide as the form with a scroll bar beside it: never cut at the side."""
        side.setMinimumWidth(min(side.maximumWidth(), self.page.form_column.minimumSizeHint().width()
                                 + side.verticalScrollBar().sizeHint().width()))

    # Modes and scale -----------------------------------------------------------------------
    def set_focus_mode(self, on: bool) -> None:
        self.focus = on
        self._show_panels()

    def set_presenting(self, on: bool) -> None:
        page = self.page
        self.presenting = on
        page.transport.set_big(on)
        page.quiz_bar.set_big(on)
        page.graph.setMinimumSize(*((200, 160) if on else (420, 300)))  # the equation may need the room
        self._show_panels()

    def set_ui_scale(self, scale: float) -> None:
        page = self.page
        self.ui_scale = scale
        for panel in page.side_panels:
            style.scale_text(panel, scale)
        page.graph.legend.set_scale(scale)
        page.quiz_bar.set_scale(scale)
        page.side_panels[0].setMaximumWidth(round(SIDE_WIDTH * min(scale, style.SIDE_TEXT_MAX)))
        self._hold_form_width(page.side_panels[0])
        self._hold_plot_heights()
        self._fit_form_column()
        self._on_tab_changed(page.tabs.currentIndex())  # the tab titles whole at their new size
        self.fit()

    def steps_width(self) -> int:
        """The right column's width while it shows the steps: STEPS_WIDTH, or as wide as the
        side panel's tab titles need to read whole, at their text size now."""
        return max(STEPS_WIDTH, self.page.tabs.tabBar().sizeHint().width() + 2)

    def on_show(self) -> None:
        """The page shown: the form whole (a preset's name, every field), the side panel's tab
        titles whole, the equation placed."""
        self._fit_form_column()
        self._on_tab_changed(self.page.tabs.currentIndex())
        self._place_equation()

    def _fit_form_column(self) -> None:
        """The form's column as wide as its text needs (up to its most): larger text takes
        the width from the graph's column while it can spare it, and smaller text gives it
        back."""
        page = self.page
        sizes = page.columns_splitter.sizes()
        form = page.side_panels[0]
        if sizes[0] <= 0:
            return  # hidden (focus or presenter mode)
        want = page.form_column.sizeHint().width() + form.verticalScrollBar().sizeHint().width()
        change = min(want, form.maximumWidth()) - sizes[0]
        if change > 0:
            change = min(change, max(0, sizes[1] - page.center.minimumSizeHint().width()))
        if change:
            sizes[0] += change
            sizes[1] -= change
            page.columns_splitter.setSizes(sizes)

    def fit(self) -> None:
        """Each of the equation panel and the transport at the UI scale, or as near as fits:
        the equation no higher than EQUATION_SHARE of the page (the graph keeps the rest),
        the transport no wider than the graph."""
        page = self.page
        height, width = page.height(), page.center.width()
        scene = page.graph.sceneRect()
        fitted = (self.ui_scale, self.presenting, self.focus, height // 10, width // 10, page.equation.width() // 10,
                  round(scene.width()), round(scene.height()), page.quiz_bar.isVisibleTo(page))
        if fitted != self._fitted:
            if self._fitted is None or self._fitted[:3] != fitted[:3]:
                self._user_equation = None  # a new scale or mode: the planned split again
            self._fitted = fitted
            page.equation.fit_to(height, self.ui_scale, leaves=self._graph_legible)
            # The transport grows only while all of it fits (its speed slider too, outside
            # presenter mode): a larger scale must not hide the slider.
            page.transport.set_scale(largest_fitting(self.ui_scale, 1.0, page.transport.set_scale,
                                                     lambda: page.transport.full_width() <= width))
        self._place_equation()

    def _graph_legible(self, equation_height: int) -> bool:
        """Whether the graph, beside an equation panel ``equation_height`` high, is drawn at
        GRAPH_LEGIBLE or more (or as large as its width allows anyway): its values and
        labels then read on a projector (18 and 14 px). The equation gives way, down to
        its least scale, before the graph does."""
        page = self.page
        scene = page.graph.sceneRect()
        if scene.isEmpty():
            return True
        top = page.center.widget(0)
        room_h = (page.center.height() - page.center.handleWidth() - equation_height
                  - page.transport.sizeHint().height() - top.layout().spacing() - 4
                  - (page.quiz_bar.sizeHint().height() + top.layout().spacing() if page.quiz_bar.isVisibleTo(page) else 0))
        room_w = page.center.width() - 4
        return room_h / scene.height() >= min(room_w / scene.width(), GRAPH_LEGIBLE)

    def _place_equation(self) -> None:
        """The equation panel gets its planned height (or the height the user dragged it
        to, within its share), the graph all the rest. Only a resize, a new scale or mode,
        or a new network change it: never a step or a row."""
        center = self.page.center
        sizes = center.sizes()
        total = sum(sizes)
        want = self.page.equation.planned_height()
        if self._user_equation is not None:
            want = max(want, min(self._user_equation, round(EQUATION_SHARE * total)))
        if total > want and sizes[1] != want:
            center.setSizes([total - want, want])

    def _on_tab_changed(self, index: int) -> None:
        """The gradient table and the code need room: widen the right column while they show."""
        page = self.page
        sizes = page.columns_splitter.sizes()
        widget = page.tabs.widget(index)
        total = sum(sizes)
        want = max(TABLE_WIDTH, min(round(CODE_SHARE * total), total - 701)) if widget is page.code else \
            max(TABLE_WIDTH, self.steps_width()) if widget is page.debug else self.steps_width()
        if sizes[2] != want and sum(sizes) > want + 700:
            sizes[1] -= want - sizes[2]
            sizes[2] = want
            page.columns_splitter.setSizes(sizes)
        # The code and its findings take the column's height; the pinned values keep what they need.
        self.right_layout.setStretchFactor(self.pinned_box, 0 if widget is page.code else 1)

    def _on_splitter_moved(self, *_) -> None:
        self._user_equation = self.page.center.sizes()[1]

    def _show_panels(self) -> None:
        page = self.page
        for panel in page.side_panels:
            panel.setVisible(not (self.focus or self.presenting))
        self._fitted = None
        page.layout().activate()
        self.fit()
        page.graph.reset_zoom()
