"""Fusion with edges and focus rings that read. Fusion draws a field's, a check box's and a
slider's groove a shade darker than the window: 2:1 on the light theme, 1.1:1 on the dark
one, none on high contrast's black, where fields, unticked boxes and the groove past a
slider's handle vanish. This style draws each over in the theme's FIELD_EDGE (DISABLED for
a disabled control), at least 3:1 against the window, as WCAG asks of a control's boundary.
The widget that has the keyboard's focus gets a ring 2 px wide in the highlight colour, round
the field, the button, the slider or the current tab, whether the focus came by Tab or not
(Fusion's own is a tint, shown only after a Tab press: a menu chosen with the mouse hid it)."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainter, QPen, QRegion
from PySide6.QtWidgets import (
    QAbstractSpinBox, QApplication, QComboBox, QProxyStyle, QStyle, QStyleOptionButton, QStyleOptionTab, QTabBar,
)

from bpviz.gui import style

_FIELDS = {QStyle.PrimitiveElement.PE_PanelLineEdit, QStyle.PrimitiveElement.PE_IndicatorCheckBox,
           QStyle.PrimitiveElement.PE_IndicatorRadioButton}
_BOXES = {QStyle.ComplexControl.CC_ComboBox, QStyle.ComplexControl.CC_SpinBox}
_HAS_FOCUS = QStyle.StateFlag.State_HasFocus


class FramedStyle(QProxyStyle):
    def __init__(self):
        super().__init__("Fusion")

    def drawPrimitive(self, element, option, painter, widget=None) -> None:
        if element == QStyle.PrimitiveElement.PE_FrameFocusRect:
            if not isinstance(widget, QTabBar):  # a tab's ring goes round the whole tab (drawControl)
                _edge(painter, option.rect, False, focused=True)
            return
        super().drawPrimitive(element, option, painter, widget)
        inner = widget is not None and isinstance(widget.parentWidget(), (QAbstractSpinBox, QComboBox))
        if element in _FIELDS and not inner:  # a spin box's own field: its box has the edge
            round_ = element == QStyle.PrimitiveElement.PE_IndicatorRadioButton
            _edge(painter, option.rect, round_, _has_focus(option, widget), _enabled(option))

    def pixelMetric(self, metric, option=None, widget=None) -> int:
        # A tab bar marked "compact" (the training page's five views in the room of four,
        # the step page's three in a narrow column) pads its titles by 12 px, not Fusion's 24.
        if (metric == QStyle.PixelMetric.PM_TabBarTabHSpace and widget is not None
                and widget.property("compact")):
            return 12
        return super().pixelMetric(metric, option, widget)

    def drawControl(self, element, option, painter, widget=None) -> None:
        if element == QStyle.ControlElement.CE_TabBarTabLabel and isinstance(option, QStyleOptionTab):
            focused = _current_tab_focused(option, widget)
            if focused:  # no dotted rect round the text: a ring round the tab instead
                option = QStyleOptionTab(option)
                option.state &= ~_HAS_FOCUS
            super().drawControl(element, option, painter, widget)
            if focused:
                _edge(painter, option.rect, False, focused=True)
            return
        if element == QStyle.ControlElement.CE_PushButton and isinstance(option, QStyleOptionButton):
            super().drawControl(element, option, painter, widget)
            if _has_focus(option, widget):
                _edge(painter, option.rect, False, focused=True)
            return
        super().drawControl(element, option, painter, widget)

    def drawComplexControl(self, control, option, painter, widget=None) -> None:
        super().drawComplexControl(control, option, painter, widget)
        if control in _BOXES:
            _edge(painter, option.rect, False, _has_focus(option, widget), _enabled(option))
        elif control == QStyle.ComplexControl.CC_Slider:
            self._slider_edges(option, painter, widget)

    def _slider_edges(self, option, painter, widget) -> None:
        """The groove's whole length and the handle outlined (Fusion's vanish on black),
        and the ring round the slider that has the focus."""
        groove = self.subControlRect(QStyle.ComplexControl.CC_Slider, option,
                                     QStyle.SubControl.SC_SliderGroove, widget)
        handle = self.subControlRect(QStyle.ComplexControl.CC_Slider, option,
                                     QStyle.SubControl.SC_SliderHandle, widget)
        enabled = _enabled(option)
        if option.orientation == Qt.Orientation.Horizontal:  # Fusion's groove is 6 px across
            groove.setTop(groove.center().y() - 2)
            groove.setHeight(6)
        else:
            groove.setLeft(groove.center().x() - 2)
            groove.setWidth(6)
        painter.save()
        painter.setClipRegion(QRegion(option.rect).subtracted(QRegion(handle)))  # the groove runs under the handle
        _edge(painter, groove, False, enabled=enabled)
        painter.restore()
        _edge(painter, handle.adjusted(0, 0, -1, -1), False, enabled=enabled, radius=3)
        if _has_focus(option, widget):
            _edge(painter, option.rect, False, focused=True)


def _enabled(option) -> bool:
    return bool(option.state & QStyle.StateFlag.State_Enabled)


def _has_focus(option, widget) -> bool:
    if widget is not None and widget.hasFocus():
        return True
    return bool(option.state & _HAS_FOCUS) and widget is not None and widget.isActiveWindow()


def _current_tab_focused(option, widget) -> bool:
    """Whether ``option`` is the current tab of a tab bar that has the focus."""
    return (isinstance(widget, QTabBar) and widget.hasFocus()
            and bool(option.state & QStyle.StateFlag.State_Selected))


def _edge(painter: QPainter, rect, round_: bool, focused: bool = False, enabled: bool = True,
          radius: float = 2) -> None:
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    if focused:
        pen = QPen(style.FORWARD, 2)
    else:
        pen = QPen(style.FIELD_EDGE if enabled else style.DISABLED, 1)
        if not enabled:
            pen.setStyle(Qt.PenStyle.DashLine)  # disabled reads apart from enabled without colour too
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    inset = 1.0 if focused else 0.5
    box = QRectF(rect).adjusted(inset, inset, -inset, -inset)
    if round_:
        painter.drawEllipse(box)
    else:
        painter.drawRoundedRect(box, radius, radius)
    painter.restore()


def install() -> None:
    """Make the application's style a FramedStyle (once)."""
    app = QApplication.instance()
    if app is not None and not isinstance(app.style(), FramedStyle):
        app.setStyle(FramedStyle())
