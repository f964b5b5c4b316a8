"""The step page for keyboards and screen readers: every control's accessible name and
description, one Tab order through the page with a ring where the focus is, and each step
announced as a spoken sentence (bpviz.nn.spoken) when it is shown."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent, QAccessibleEvent
from PySide6.QtWidgets import QAbstractScrollArea, QWidget

from bpviz.gui.focus import ring
from bpviz.nn.notation import result
from bpviz.nn.spoken import sentence, speak, spoken_number

#: The transport's buttons as a screen reader names them.
TRANSPORT_NAMES = {"restart": "Restart", "phase_start": "Start of the phase", "back": "Step back",
                   "play": "Play or pause", "forward": "Step forward", "phase_end": "End of the phase"}


def _name(widget: QWidget, name: str, description: str = "") -> None:
    widget.setAccessibleName(name)
    widget.setAccessibleDescription(description or widget.toolTip() or name)


def describe(page) -> None:
    """An accessible name and description for every control of ``page`` (a StepPage)."""
    c = page.controls
    for widget, name, description in (
        (c.preset, "Preset", "A ready network and table; custom once a field differs"),
        (c.hidden, "Hidden layers", "Units per hidden layer, e.g. 2 or 3,2; empty for none"),
        (c.activation, "Activation", "The hidden layers' activation function"),
        (c.loss, "Loss", c.loss.toolTip()),
        (c.lr, "Learning rate", "A number greater than 0, e.g. 0.001"),
        (c.init, "Init", "How the weights start: every one 0.1, or random from the seed"),
        (c.seed, "Seed", "The random init's seed"),
        (c.sample, "Row", c.sample.toolTip()),
        (c.csv_button, "Load CSV table", "Play your own table, from a CSV file"),
        (c.epochs, "Epochs", c.epochs.toolTip()),
        (c.run_button, "Run epochs", "Train that many epochs without animation; the loss plot follows"),
        (c.error, "Form message", "What is wrong with the form, if anything"),
        (page.graph, "Network graph", "The layer graph: units, weights and arrows of the step shown. "
                                      "Right and Left arrows step, Space plays, click a unit to pin its values"),
        (page.equation, "Equation", "The step shown: its formula, its numbers, its result and its chain rule"),
        (page.transport.position, "Step", "Which step is shown"),
        (page.transport.speed, "Speed", "Seconds per step while playing (+ and -)"),
        (page.quiz_bar.check_button, "Check the answer", "Check the number in the answer box (Enter)"),
        (page.quiz_bar.reveal_button, "Reveal", page.quiz_bar.reveal_button.toolTip()),
        (page.tabs, "Side panel", "The steps, the gradient check and your code"),
        (page.timeline, "Steps", "Every step of the pass, by phase; choose one to show it"),
        (page.debug.threshold_box, "Pass threshold", page.debug.threshold_box.toolTip()),
        (page.debug.table, "Gradient check", "Each parameter's gradient by backprop and by finite differences"),
        (page.code.open_button, "Open your code", page.code.open_button.toolTip()),
        (page.code.run_button, "Run your code", page.code.run_button.toolTip()),
        (page.code.cancel_button, "Cancel the run", page.code.cancel_button.toolTip()),
        (page.code.time_limit, "Time limit", page.code.time_limit.toolTip()),
        (page.code.rows, "Rows checked", page.code.rows.toolTip()),
        (page.code.view, "Your code", "The file opened, read only; lines where it disagrees with backprop are marked ✗"),
        (page.code.list, "Findings", "Where your code disagrees with backprop; choose one to see its line"),
        (page.loss_panel, "Loss per epoch", "A plot of the loss after each epoch"),
        (page.boundary, "Decision boundary", page.boundary_box.toolTip()),
        (page.inspector, "Pinned values", "The values of the unit or weight clicked on the graph"),
    ):
        _name(widget, name, description)
    _name(page.tabs.tabBar(), "Side panel", "Steps, Gradient check or Your code: the arrow keys choose")
    for key, button in page.transport.buttons.items():
        _name(button, TRANSPORT_NAMES[key], button.toolTip())


def tab_chain(page) -> list[QWidget]:
    """The page's Tab stops, in order: the form, the graph, the transport, the quiz bar,
    the equation, then the side panel's tabs and what each shows (hidden ones are passed)."""
    c, q, d, code = page.controls, page.quiz_bar, page.debug, page.code
    return [c.preset, c.hidden, c.activation, c.loss, c.lr, c.init, c.seed, c.sample, c.csv_button, c.epochs,
            c.run_button, page.graph, *page.transport.buttons.values(), page.transport.speed, q.phase, q.answer,
            q.check_button, q.reveal_button, page.equation, page.tabs, page.timeline, d.threshold_box,
            d.table, code.open_button, code.run_button, code.cancel_button, code.time_limit, code.rows, code.view,
            code.list]


def set_keyboard(page) -> None:
    """Every control a Tab stop (buttons take the keyboard's focus by Tab only, so a click
    leaves it on the graph), one order through the page, no trap (the code editor gives Tab
    back), a ring round the big views, and the scroll areas that only hold fields out of it."""
    chain = tab_chain(page)
    outside = _next_outside(page)  # where Tab goes after the page: the window's own stops
    for widget in chain:
        if widget.focusPolicy() == Qt.FocusPolicy.NoFocus:
            widget.setFocusPolicy(Qt.FocusPolicy.TabFocus)
    page.graph.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    page.equation.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    page.code.view.setTabChangesFocus(True)
    for area in page.findChildren(QAbstractScrollArea):
        if area not in chain:  # a frame round fields, or a plot: no stop of its own
            area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            area.viewport().setFocusPolicy(Qt.FocusPolicy.NoFocus)
    for first, second in zip(chain, chain[1:] + ([outside] if outside is not None else [])):
        QWidget.setTabOrder(first, second)
    ring(page.graph, page.equation, page.timeline, page.debug.table, page.code.view, page.code.list)


def _next_outside(page) -> QWidget | None:
    """The first widget after ``page``'s own in the focus chain (None: the page is alone)."""
    widget, seen = page.nextInFocusChain(), set()
    while widget is not page and id(widget) not in seen:
        seen.add(id(widget))
        if not page.isAncestorOf(widget):
            return widget
        widget = widget.nextInFocusChain()
    return None


class Announcer(QObject):
    """Says each step as it is shown: the sentence becomes the accessible description of
    the transport's position ("step 14 of 32") and of the equation panel, and is posted
    as an announcement; a quiz answer's verdict is said too. ``announced`` carries what
    was said."""

    announced = Signal(str)

    def __init__(self, page):
        super().__init__(page)
        self.page = page
        self.status = page.transport.position
        self.last = ""
        self._verdict = None
        page.controller.indexChanged.connect(lambda _: self.announce())
        page.controller.traceChanged.connect(self.announce)
        page.quiz.changed.connect(self._on_quiz_changed)

    def text(self) -> str:
        c = self.page.controller
        if c.step is None:
            return f"Ready: {len(c.steps)} steps. Space plays them; the right arrow takes one."
        return sentence(c.step, len(c.steps), hidden=self.page.quiz.hides(c.index))

    def announce(self) -> None:
        text = self.text()
        if text != self.last:
            self.say(text)

    def say(self, text: str) -> None:
        self.last = text
        self.status.setAccessibleDescription(text)
        self.page.equation.setAccessibleDescription(text)
        QAccessible.updateAccessibility(QAccessibleEvent(self.status, QAccessible.Event.DescriptionChanged))
        QAccessible.updateAccessibility(QAccessibleAnnouncementEvent(self.status, text))
        self.announced.emit(text)

    def _on_quiz_changed(self) -> None:
        given = self.page.quiz.last
        if given is not None and given is not self._verdict:
            self._verdict = given
            step = self.page.controller.steps[given.index]
            value = speak(step.symbol.text) + " equals " + spoken_number(result(step.value).text)
            self.say(("Right: " if given.right else f"Not right, {spoken_number(f'{given.number:g}')}: ") + value)
            return
        self.announce()
