"""Fusion with field edges that read. Fusion draws a field's and a check box's edge a shade
darker than the window: 2:1 on the light theme, 1.1:1 on the dark one, where text fields
and unticked boxes vanish. This style draws each over in the theme's FIELD_EDGE, at least
3:1 against the window, as WCAG asks of a control's boundary. The field that has the
keyboard's focus, and any focus frame, is drawn 2 px wide in the highlight colour: Fusion's
own is a tint a keyboard user loses on a projector."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainter, QPen
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QComboBox, QProxyStyle, QStyle

from bpviz.gui import style

_FIELDS = {QStyle.PrimitiveElement.PE_PanelLineEdit, QStyle.PrimitiveElement.PE_IndicatorCheckBox,
           QStyle.PrimitiveElement.PE_IndicatorRadioButton}
_BOXES = {QStyle.ComplexControl.CC_ComboBox, QStyle.ComplexControl.CC_SpinBox}


class FramedStyle(QProxyStyle):
    def __init__(self):
        super().__init__("Fusion")

    def drawPrimitive(self, element, option, painter, widget=None) -> None:
        if element == QStyle.PrimitiveElement.PE_FrameFocusRect:
            _edge(painter, option.rect, False, focused=True)
            return
        super().drawPrimitive(element, option, painter, widget)
        inner = widget is not None and isinstance(widget.parentWidget(), (QAbstractSpinBox, QComboBox))
        if element in _FIELDS and not inner:  # a spin box's own field: its box has the edge
            round_ = element == QStyle.PrimitiveElement.PE_IndicatorRadioButton
            _edge(painter, option.rect, round_, _has_focus(option, widget))

    def pixelMetric(self, metric, option=None, widget=None) -> int:
        # A tab bar marked "compact" (the training page's five views in the room of four)
        # pads its titles by 12 px instead of Fusion's 24.
        if (metric == QStyle.PixelMetric.PM_TabBarTabHSpace and widget is not None
                and widget.property("compact")):
            return 12
        return super().pixelMetric(metric, option, widget)

    def drawComplexControl(self, control, option, painter, widget=None) -> None:
        super().drawComplexControl(control, option, painter, widget)
        if control in _BOXES:
            _edge(painter, option.rect, False, _has_focus(option, widget))


def _has_focus(option, widget) -> bool:
    if widget is not None and widget.hasFocus():
        return True
    return bool(option.state & QStyle.StateFlag.State_HasFocus) and widget is not None and widget.isActiveWindow()


def _edge(painter: QPainter, rect, round_: bool, focused: bool = False) -> None:
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(style.FORWARD, 2) if focused else QPen(style.FIELD_EDGE, 1))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    inset = 1.0 if focused else 0.5
    box = QRectF(rect).adjusted(inset, inset, -inset, -inset)
    if round_:
        painter.drawEllipse(box)
    else:
        painter.drawRoundedRect(box, 2, 2)
    painter.restore()


def install() -> None:
    """Make the application's style a FramedStyle (once)."""
    app = QApplication.instance()
    if app is not None and not isinstance(app.style(), FramedStyle):
        app.setStyle(FramedStyle())
