"""A row of controls that takes a second line when its panel is too narrow for one.

``WrapRow(left, right)`` puts the ``left`` widgets at the left and the ``right`` ones at the
right of one line; narrower than that line needs, it puts the right-hand group on a line of
its own under the left one (still at the right), so a panel can be narrower than its row of
buttons without cutting any of them. It tells its layout the height it needs for a width
(heightForWidth), so the panel gives it the second line's room only when it wraps.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QRect, QSize
from PySide6.QtWidgets import QHBoxLayout, QSizePolicy, QWidget


class WrapRow(QWidget):
    def __init__(self, left: list[QWidget], right: list[QWidget], spacing: int = 6, parent=None):
        super().__init__(parent)
        self.spacing = spacing
        self.groups = (self._group(left), self._group(right))
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def _group(self, widgets: list[QWidget]) -> QWidget:
        group = QWidget(self)
        row = QHBoxLayout(group)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(self.spacing)
        for widget in widgets:
            row.addWidget(widget)
        return group

    # What the row needs --------------------------------------------------------------------
    def one_line_width(self) -> int:
        left, right = self.groups
        return left.sizeHint().width() + self.spacing + right.sizeHint().width()

    def wraps(self, width: int | None = None) -> bool:
        """Whether the row takes two lines at ``width`` (its own width by default)."""
        return (self.width() if width is None else width) < self.one_line_width()

    def _line_height(self, *groups) -> int:
        return max(group.sizeHint().height() for group in groups)

    def sizeHint(self) -> QSize:
        return QSize(self.one_line_width(), self._line_height(*self.groups))

    def minimumSizeHint(self) -> QSize:
        left, right = self.groups
        return QSize(max(left.minimumSizeHint().width(), right.minimumSizeHint().width()),
                     self._line_height(*self.groups))

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        left, right = self.groups
        if not self.wraps(width):
            return self._line_height(left, right)
        return self._line_height(left) + self.spacing + self._line_height(right)

    # Placing the groups ------------------------------------------------------------------
    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._place()

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:  # a group's text or font changed
            self.updateGeometry()
            self._place()
        return super().event(event)

    def _place(self) -> None:
        left, right = self.groups
        width = self.width()
        left_size, right_size = left.sizeHint(), right.sizeHint()
        if not self.wraps():
            height = self._line_height(left, right)
            left.setGeometry(QRect(0, (height - left_size.height()) // 2, min(left_size.width(), width), left_size.height()))
            right.setGeometry(QRect(width - right_size.width(), (height - right_size.height()) // 2,
                                    right_size.width(), right_size.height()))
            return
        left.setGeometry(QRect(0, 0, min(left_size.width(), width), left_size.height()))
        right_width = min(right_size.width(), width)
        right.setGeometry(QRect(width - right_width, left_size.height() + self.spacing, right_width,
                                right_size.height()))
