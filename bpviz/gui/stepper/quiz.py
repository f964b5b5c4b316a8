"""Quiz mode's model: which steps hide their results (all of them, or one phase's), which
results have been revealed in this pass, and the answers typed with their tally.

A step of the quiz shows its formula and its numbers; its result stays "?" (on the graph,
in the equation and in the list of steps) until Space, a click or a checked answer shows
it. The page renders (trace, index, what is hidden): the view stays a function of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from bpviz.errors import BpvizError
from bpviz.nn.notation import result
from bpviz.numbers import ECHO, agrees, answer

#: What the quiz covers: every step, or the steps of one phase (the trace's phases).
SCOPES = {"all": "Every step", "forward": "Forward pass", "loss": "Loss", "backward": "Backward pass",
          "update": "Update"}
#: An answer is right when it is the value to this many significant figures.
FIGURES = 3
ANSWER_FIELD = "Your answer"


def gives_itself(step) -> bool:
    """Whether the step's numbers line is a single number that is already its result
    (db = dz: "(-7.36)"; a linear unit's a = z; a g′ of 1): nothing to work out, so the
    quiz does not ask it and shows it as it is."""
    text = step.numbers.text.replace(" ", "")
    while text.startswith("(") and text.endswith(")"):
        text = text[1:-1]
    try:
        return agrees(answer(text), float(step.value), FIGURES)
    except (BpvizError, TypeError, ValueError):
        return False


@dataclass(frozen=True)
class Answer:
    """An answer checked: what was typed, the number read from it, the step's value, and
    whether it came after the result was shown (then the tally leaves it out)."""

    index: int
    typed: str
    number: float
    value: float
    late: bool = False  # typed after the result was shown: judged, never counted

    @property
    def right(self) -> bool:
        return agrees(self.number, self.value, FIGURES)


class Quiz(QObject):
    """The quiz over a controller's trace. ``changed`` whenever what is hidden or the
    tally changes (the page renders the step again)."""

    changed = Signal()
    toggled = Signal(bool)

    def __init__(self, controller, parent: QObject | None = None):
        super().__init__(parent)
        self.controller = controller
        self.on = False
        self.phase = "all"
        self.revealed: set[int] = set()
        self.answers: dict[int, Answer] = {}  # the first answer to each step: the one that counts
        self.last: Answer | None = None  # the answer checked last, whichever step
        self._given: tuple[object, list[bool]] = (None, [])  # (the trace, gives_itself of each step)
        controller.traceChanged.connect(self.new_pass)

    # --- the settings (a lesson keeps them) ------------------------------------------------
    def set_on(self, on: bool) -> None:
        if on != self.on:
            self.on = on
            self.new_pass()
            self.toggled.emit(on)

    def toggle(self) -> None:
        self.set_on(not self.on)

    def set_phase(self, phase: str) -> None:
        if phase not in SCOPES:
            raise ValueError(f"quiz phase: expected one of {', '.join(SCOPES)}, got {phase!r}")
        if phase != self.phase:
            self.phase = phase
            self.changed.emit()

    # --- what is hidden -----------------------------------------------------------------
    def covers(self, index: int) -> bool:
        """Whether step ``index`` is a question of the quiz: on, in its phase, and not a
        step whose numbers already are its result (``gives_itself``)."""
        return self._in_phase(index) and not self._gives_itself(index)

    def given(self, index: int) -> bool:
        """Whether step ``index`` is in the quiz's phase but not asked, its numbers being its result."""
        return self._in_phase(index) and self._gives_itself(index)

    def _in_phase(self, index: int) -> bool:
        steps = self.controller.steps
        return self.on and 0 <= index < len(steps) and (self.phase == "all" or steps[index].phase == self.phase)

    def _gives_itself(self, index: int) -> bool:
        """``gives_itself`` of step ``index``, worked out once per trace (the page asks at every step)."""
        steps = self.controller.steps
        if self._given[0] is not steps:
            self._given = (steps, [gives_itself(step) for step in steps])
        return self._given[1][index]

    def hides(self, index: int) -> bool:
        """Whether step ``index``'s result is still to be found."""
        return self.covers(index) and index not in self.revealed

    def hidden_from(self, index: int) -> set[int]:
        """The steps from ``index`` on whose results are still hidden (the list of steps
        shows "?" for them; the graph shows only what was computed up to ``index``)."""
        return {i for i in range(max(index, 0), len(self.controller.steps)) if self.hides(i)}

    def reveal(self, index: int | None = None) -> bool:
        """Show step ``index``'s result (default: the step shown); False when nothing was hidden."""
        index = self.controller.index if index is None else index
        if not self.hides(index):
            return False
        self.revealed.add(index)
        self.changed.emit()
        return True

    def space(self) -> None:
        """Space: play or pause; in quiz mode, show the hidden result, or else take the next step."""
        if not self.on:
            self.controller.toggle_play()
        elif not self.reveal():
            self.controller.pause()
            self.controller.step_forward()

    def new_pass(self) -> None:
        """A new trace (the next row, other weights) or the quiz turned on or off: every
        result hidden again and a fresh tally."""
        self.revealed, self.answers, self.last = set(), {}, None
        self.changed.emit()

    # --- answers ------------------------------------------------------------------------
    def check(self, typed: str) -> Answer:
        """Check ``typed`` against the result of the step shown, and reveal it. Raises
        NumberError (naming the box) for a text that is not a number; ValueError when the
        step shown is not a question of the quiz."""
        index = self.controller.index
        if not self.covers(index):
            raise ValueError("no question here: this step is not in the quiz")
        number = answer(typed, ANSWER_FIELD)
        value = self.controller.steps[index].value
        late = index in self.revealed and index not in self.answers  # the result was shown first
        given = Answer(index, typed.strip(), number, float(value), late)
        if not late:
            self.answers.setdefault(index, given)
        self.last = given
        self.revealed.add(index)
        self.changed.emit()
        return given

    def tally(self) -> tuple[int, int]:
        """(right, answered) over this pass's steps in the quiz: the first answer to each counts."""
        counted = [a for i, a in self.answers.items() if self.covers(i)]
        return sum(a.right for a in counted), len(counted)

    def questions(self) -> int:
        return sum(self.covers(i) for i in range(len(self.controller.steps)))

    def tally_text(self) -> str:
        right, answered = self.tally()
        if not answered:
            return f"{self.questions()} questions in this pass"
        return f"{right} of {answered} right"

    def verdict_text(self, given: Answer) -> str:
        """"✓ right" or "✗" with the value, as the box's answer is judged."""
        step = self.controller.steps[given.index]
        value = result(step.value).text
        typed = given.typed if len(given.typed) <= ECHO else f"{given.number:g}"  # a paste: its number
        read = f" (read as {given.number:g})" if typed != f"{given.number:g}" and "," in typed else ""
        late = " (after it was shown: not counted)" if given.late else ""
        if given.right:
            return f"✓ {typed}{read} is right: {step.symbol.text} = {value}{late}"
        return f"✗ {typed}{read}: {step.symbol.text} = {value}{late}"
