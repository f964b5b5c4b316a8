"""How large the training page draws its run bar, diagram, plots, list of runs and tab
titles: at the UI scale, all alike, or as large as fits, so the plots keep their room (as
the step page's equation panel does)."""

from __future__ import annotations

import math

from PySide6.QtGui import QFont, QGuiApplication

from bpviz.gui.stepper.equation import largest_fitting

#: Each plot's data area (where its curves are) keeps at least this height, in pixels, at
#: every UI scale, on every screen and in both modes: the curve's shape and five labelled
#: ticks. It is what a 1280×800 window has at 100 % (132 px; 149 in presenter mode), so
#: the smallest classroom screen shows the page as designed; the run bar, the diagram and
#: the plots' text grow only as far as leaves each plot that much.
PLOT_MIN = 120


class ViewsFit:
    """Fits ``page``'s views (a TrainPage's run bar, diagram, plots and tabs) to its size:
    ``fit`` after a resize, a show or a new mode, ``set_ui_scale`` for a new UI scale."""

    def __init__(self, page):
        self.page = page
        self.ui_scale = 1.0
        self._fitted = None  # what the scale was last fitted to
        self._user_diagram: int | None = None  # the diagram's height as the user dragged it
        page.splitters[1].splitterMoved.connect(self._on_splitter_moved)

    def set_ui_scale(self, scale: float) -> None:
        self.ui_scale = scale
        self.fit()

    def fit(self) -> None:
        """The views at the UI scale or as near as fits: the run bar no wider than the page
        beside the form, and each plot's data area at least PLOT_MIN high."""
        page = self.page
        height, width = self.planned_size()
        fitted = (self.ui_scale, page.run_bar.big, height, width)
        if fitted != self._fitted:
            if self._fitted is None or self._fitted[:2] != fitted[:2]:
                self._user_diagram = None  # a new scale or mode: the planned split again
            self._fitted = fitted

            def fits() -> bool:
                return page.run_bar.wanted_width() <= width and self.plot_room(height, width) >= PLOT_MIN

            self.apply(largest_fitting(self.ui_scale, 1.0, self.apply, fits))
        self._place_diagram()

    def apply(self, scale: float) -> None:
        """Draw the run bar, the diagram, the plots (and their list), the Gradients tab's
        plots and the tab titles at ``scale``."""
        page = self.page
        page.run_bar.set_scale(scale)
        page.plots.set_scale(scale)
        page.gradients.set_scale(scale)
        page.diagram.set_scale(scale)
        font = QFont(QGuiApplication.font())
        font.setPointSizeF(font.pointSizeF() * scale)
        page.inside.tabBar().setFont(font)

    def planned_size(self) -> tuple[int, int]:
        """The page's height and the width beside the form: as they are, or for a page out of
        sight, as they will be when it is shown (in its parent's place, the form as wide)."""
        page = self.page
        if page.isVisible() or page.parentWidget() is None:
            return page.height(), page.main.width()
        margins = page.layout().contentsMargins()
        splitter = page.splitters[0]
        side = max(splitter.sizes()[0], page.side.minimumWidth())
        beside = side + splitter.handleWidth() if not page.side.isHidden() else 0
        size = page.parentWidget().contentsRect().size()
        return size.height(), size.width() - margins.left() - margins.right() - beside

    def plot_room(self, height: int, width: int | None = None) -> int:
        """Each plot's data height if the page, ``height`` high and ``width`` wide beside the
        form, were laid out at the scale set now: what the run bar, the diagram, the plots'
        titles and axes, the list of runs and its buttons (one line or two) leave."""
        page = self.page
        if page.isVisible() or width is None:
            plots_width = page.plots.width()
        else:  # the plots take three fifths of the width they share with the tabs
            lower = page.splitters[2]
            plots_width = round((width - lower.handleWidth()) * 3 / 5)
        margins = page.layout().contentsMargins()
        above = (page.run_bar.sizeHint().height() + page.main.layout().spacing()
                 + page.diagram.planned_height() + page.splitters[1].handleWidth())
        room = (height - margins.top() - margins.bottom() - above - page.plots.chrome_height(plots_width)) / 2
        return math.floor(room - 0.5)  # the layouts round: half a pixel may go either way

    def _place_diagram(self) -> None:
        """The diagram gets its planned height (or the one the user dragged it to), the plots
        and the views all the rest."""
        right = self.page.splitters[1]
        sizes = right.sizes()
        total = sum(sizes)
        want = self.page.diagram.planned_height() if self._user_diagram is None else self._user_diagram
        if total > want and sizes[0] != want:
            right.setSizes([want, total - want])

    def _on_splitter_moved(self, *_) -> None:
        self._user_diagram = self.page.splitters[1].sizes()[0]
