"""Quiz mode's bar under the transport: the phase the quiz covers, the answer box (type a
number, Enter checks it), Reveal, the verdict and the tally of the pass.

In the answer box Space reveals while the box is empty (a number has no spaces), Enter
checks, and while the box is empty the arrows, Home, End, PgUp and PgDn move through the
steps as they do on the graph; Q leaves the quiz; other letters stay in the box (and are
refused on Enter).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont, QGuiApplication, QKeyEvent, QPainter
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from bpviz.errors import BpvizError
from bpviz.gui import style
from bpviz.gui.stepper.quiz import ANSWER_FIELD, SCOPES, Quiz
from bpviz.gui.widgets.wrap import WrapRow

#: The empty box's note at a question (no example number: it could be the answer).
ASK = "a number, then Enter"
FIRST = "→: the first step"
#: Keys that move through the steps from an empty answer box.
MOVES = (Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Home, Qt.Key.Key_End, Qt.Key.Key_PageUp,
         Qt.Key.Key_PageDown)


class AnswerBox(QLineEdit):
    revealRequested = Signal()

    def event(self, event) -> bool:
        if event.type() == event.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            key, text = event.key(), event.text()
            plain = not (event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier)
            if key in MOVES and not self.text():
                event.ignore()  # the page's step keys take it
                return True
            if plain and text.lower() == "q":
                event.ignore()  # Q leaves the quiz (no number has a q); other letters stay in the
                return True     # box and are refused on Enter ("inf" once turned focus mode on)
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space:
            if not self.text():  # an answer half typed is never revealed by a stray space
                self.revealRequested.emit()
            return  # no number has a space
        if event.modifiers() & Qt.KeyboardModifier.AltModifier:
            event.ignore()  # Alt+F and the like are the window's (menus), never letters of an answer
            return
        super().keyPressEvent(event)


class Verdict(QLabel):
    """The verdict's line: its text whole, or cut with "…" where the line ends (never
    mid-letter); the tooltip holds it whole. ``text()`` is always the whole text."""

    def __init__(self):
        super().__init__()
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.color = style.INK  # one of style's colours: a theme change recolours it in place

    def say(self, text: str, color: QColor) -> None:
        self.color = color
        self.setText(text)
        self.setToolTip(text)
        self.update()

    def shown_text(self) -> str:
        """What the line shows: the text, cut with "…" to the line's width."""
        return self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, self.contentsRect().width())

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setFont(self.font())
        painter.setPen(style.legible(self.color))
        painter.drawText(self.contentsRect(), int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                         self.shown_text())
        painter.end()


class QuizBar(QWidget):
    """Shown while quiz mode is on; ``quiz`` is its model."""

    def __init__(self, quiz: Quiz, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("quizBar")
        self.quiz = quiz
        self.scale, self.big = 1.0, False
        self._watched = set()  # the widgets whose typed numbers go to the box (watch)
        self.title = QLabel("<b>Quiz</b>")
        self.phase = QComboBox()
        for key, text in SCOPES.items():
            self.phase.addItem(text, key)
        self.phase.setToolTip("Which steps hide their results: every step, or one phase's")
        self.phase.setAccessibleName("Quiz phase")
        self.box_label = QLabel(f"{ANSWER_FIELD}:")
        self.answer = AnswerBox()
        self.answer.setAccessibleName(ANSWER_FIELD)
        self.answer.setPlaceholderText(ASK)
        self.answer.setToolTip("A number (-4.2, −4.2, 3e-5 or -4,2): Enter checks it to 3 significant "
                               "figures; Space, with the box empty, shows the result")
        self.box_label.setBuddy(self.answer)
        self.check_button = QPushButton("Check")
        self.reveal_button = QPushButton("Reveal")
        self.reveal_button.setToolTip("Show the result (Space, or a click on the ?)")
        for button in (self.check_button, self.reveal_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keys stay in the box
        self.verdict = Verdict()
        self._refused = False  # the verdict line says what the box refused
        self.tally = QLabel()
        self.tally.setObjectName("quizTally")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        layout.setSpacing(2)
        # The controls on one line, Check and Reveal on a second when the column is narrow
        # (a 1024×768 screen: on one line the bar held the window 1242 pixels wide).
        self.controls = WrapRow([self.title, self.phase, self.box_label, self.answer],
                                [self.check_button, self.reveal_button])
        layout.addWidget(self.controls)
        # The verdict has a line of its own, the bar's whole width, so that a class reads it
        # at any window size (beside the controls a 1280-pixel window left it 45 pixels),
        # cut with "…" when longer (its tooltip has it whole), the tally at its right. The
        # line stays while the bar is shown, so the graph does not jump as verdicts come and go.
        self.verdict.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        line = QHBoxLayout()
        line.addWidget(self.verdict, 1)
        line.addWidget(self.tally)
        layout.addLayout(line)
        self.phase.currentIndexChanged.connect(lambda _: quiz.set_phase(self.phase.currentData()))
        self.phase.activated.connect(lambda _: self.answer.setFocus())  # the keys go back to the box
        self.answer.returnPressed.connect(self.check)
        self.answer.revealRequested.connect(quiz.space)
        self.check_button.clicked.connect(self.check)
        quiz.changed.connect(self.refresh)
        quiz.controller.indexChanged.connect(lambda _: self._on_step())
        style.follow(self, self.refresh)
        self._apply_size()

    def set_scale(self, scale: float) -> None:
        """The UI scale, 1 to 3 (the equation's and the transport's)."""
        self.scale = scale
        self._apply_size()

    def set_big(self, big: bool) -> None:
        """Presenter mode: text as large as the transport's, to read from the back of the room."""
        self.big = big
        self._apply_size()

    def _apply_size(self) -> None:
        s = min(self.scale * (1.5 if self.big else 1.0), 2.4)  # as the transport grows, a little less
        font = QFont(QGuiApplication.font())
        font.setPointSizeF(font.pointSizeF() * s)
        self.setFont(font)
        bold = QFont(font)
        bold.setBold(True)
        for label in (self.verdict, self.tally):  # a label with a style sheet keeps its own font
            label.setFont(bold)
        notes = (ASK, FIRST, "step 1234: not in quiz")  # the box's notes, whole
        metrics = self.answer.fontMetrics()
        self.answer.setMinimumWidth(max(round(120 * s), max(metrics.horizontalAdvance(n) for n in notes) + 16))

    def watch(self, widget) -> None:
        """Typing a number on ``widget`` (the graph, the equation) starts the answer in the box."""
        self._watched.add(widget)
        widget.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        """On the graph or the equation, at a question, a number's first character goes to
        the box (the page's keys + and - would take a sign: the box takes it instead)."""
        if watched in self._watched and self.quiz.covers(self.quiz.controller.index) and \
                event.type() in (event.Type.ShortcutOverride, event.Type.KeyPress):
            text = event.text()
            if text and text in "0123456789.,-+−":
                if event.type() == event.Type.ShortcutOverride:
                    event.accept()  # a key press for the graph, not the page's shortcut
                    return True
                self.answer.setFocus()
                self.answer.insert(text)
                return True
        return super().eventFilter(watched, event)

    def check(self) -> None:
        """Check what the box holds against the step's result: ✓ or ✗ with the value, or
        what the box expected (never a traceback). The box is emptied for the next step."""
        try:
            given = self.quiz.check(self.answer.text())
        except BpvizError as exc:
            self._say(str(exc), style.WARNING)
            self._refused = True  # said until the result is shown or the box is answered
            return
        except ValueError as exc:
            self._say(f"{ANSWER_FIELD}: {exc}", style.MUTED)
            return
        self.answer.clear()
        self._say(self.quiz.verdict_text(given), style.UPDATE if given.right else style.BACKWARD)

    def _say(self, text: str, color) -> None:
        self._refused = False
        self.verdict.say(text, color)

    def _on_step(self) -> None:
        """A new step: the last verdict goes, the box waits for this step's answer."""
        self.verdict.clear()
        self.verdict.setToolTip("")
        self.answer.clear()
        self.refresh()
        index = self.quiz.controller.index
        if self.quiz.given(index):
            self._say(f"Step {index + 1} is not asked: its numbers are already its result.", style.MUTED)

    def refresh(self) -> None:
        quiz = self.quiz
        index = quiz.controller.index
        if self._refused and not quiz.hides(index):  # revealed: what the box refused is old news
            self._say("", style.INK)
        self.phase.blockSignals(True)
        self.phase.setCurrentIndex(max(0, self.phase.findData(quiz.phase)))
        self.phase.blockSignals(False)
        asked = quiz.covers(index)
        self.answer.setReadOnly(not asked)  # never disabled: the box keeps the keyboard's focus
        self.check_button.setEnabled(asked)
        self.reveal_button.setEnabled(quiz.hides(index))
        if asked:
            self.answer.setPlaceholderText(ASK)
        elif index < 0:
            self.answer.setPlaceholderText(FIRST)
        elif quiz.given(index):
            self.answer.setPlaceholderText(f"step {index + 1}: given")
        else:
            self.answer.setPlaceholderText(f"step {index + 1}: not in quiz")
        self.tally.setText(quiz.tally_text())
        self.tally.setStyleSheet(f"color: {style.INK.name()};")
