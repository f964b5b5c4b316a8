"""The Export animation dialog: which steps, at what size and speed, as a GIF or as PNG
frames. It only gathers the choices; ``animation.AnimationExport`` does the work."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFormLayout, QHBoxLayout, QLabel, QSpinBox,
    QWidget,
)

from bpviz.gui.stepper.animation import MAX_FPS, MAX_SIZE, MIN_SIZE, AnimationSpec

SIZES = {"1280 × 720 (HD)": (1280, 720), "1920 × 1080 (full HD)": (1920, 1080),
         "960 × 540": (960, 540), "640 × 360 (small)": (640, 360), "custom": None}
FORMATS = {"Animated GIF": "gif", "Numbered PNG frames": "png"}


class AnimationDialog(QDialog):
    def __init__(self, steps: int, current: int, parent: QWidget | None = None, quiz: bool = False):
        super().__init__(parent)
        self.setWindowTitle("Export animation of steps")
        self.first, self.last = QSpinBox(), QSpinBox()
        for box in (self.first, self.last):
            box.setRange(1, max(steps, 1))
        self.first.setValue(1)
        self.last.setValue(max(steps, 1))
        self.size_choice = QComboBox()
        self.size_choice.addItems(SIZES)
        self.width_box, self.height_box = QSpinBox(), QSpinBox()
        self.width_box.setRange(MIN_SIZE.width(), MAX_SIZE.width())
        self.height_box.setRange(MIN_SIZE.height(), MAX_SIZE.height())
        self.width_box.setValue(1280)
        self.height_box.setValue(720)
        self.fps = QDoubleSpinBox()
        self.fps.setRange(0.5, MAX_FPS)
        self.fps.setSingleStep(0.5)
        self.fps.setValue(2.0)
        self.fps.setSuffix(" frames/s")
        self.kind = QComboBox()
        self.kind.addItems(FORMATS)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        steps_row, size_row = QHBoxLayout(), QHBoxLayout()
        for row, widgets in ((steps_row, (self.first, QLabel("to"), self.last)),
                             (size_row, (self.width_box, QLabel("×"), self.height_box, QLabel("pixels")))):
            for widget in widgets:
                row.addWidget(widget)
            row.addStretch(1)
        form = QFormLayout(self)
        form.addRow("Steps", steps_row)
        form.addRow("Size", self.size_choice)
        form.addRow("", size_row)
        form.addRow("Speed", self.fps)
        form.addRow("Format", self.kind)
        form.addRow(self.summary)
        self.quiz_note = QLabel("Quiz mode is on: the frames show every result, as the lesson does "
                                "without the quiz (Export view keeps the \"?\" of the step shown).")
        self.quiz_note.setWordWrap(True)
        self.quiz_note.setVisible(quiz)
        form.addRow(self.quiz_note)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Export…")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        self.size_choice.currentTextChanged.connect(self._on_size)
        for box in (self.first, self.last, self.width_box, self.height_box, self.fps):
            box.valueChanged.connect(self._on_changed)
        self.kind.currentTextChanged.connect(self._on_changed)
        if current >= 0:  # from the step shown to the end is the usual wish
            self.first.setValue(current + 1)
        self._on_changed()

    def _on_size(self, name: str) -> None:
        size = SIZES[name]
        if size is not None:
            self.width_box.setValue(size[0])
            self.height_box.setValue(size[1])

    def _on_changed(self, *_) -> None:
        size = (self.width_box.value(), self.height_box.value())
        name = next((n for n, s in SIZES.items() if s == size), "custom")
        self.size_choice.blockSignals(True)
        self.size_choice.setCurrentText(name)
        self.size_choice.blockSignals(False)
        count = self.last.value() - self.first.value() + 1
        too_big = self.spec("").memory_problem() if count >= 1 else ""
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(count >= 1 and not too_big)
        if count < 1:
            self.summary.setText("The first step must come before the last.")
        elif too_big:
            self.summary.setText(too_big[0].upper() + too_big[1:] + ".")
        else:
            self.summary.setText(f"{count} frames, {count / self.fps.value():.1f} s")

    def spec(self, path: str) -> AnimationSpec:
        return AnimationSpec(self.first.value() - 1, self.last.value() - 1, self.width_box.value(),
                             self.height_box.value(), self.fps.value(), FORMATS[self.kind.currentText()], path)
