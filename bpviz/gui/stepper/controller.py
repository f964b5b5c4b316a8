"""Which step is showing, and playing through the steps: the transport's model."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from bpviz.nn.trace import PHASES, Step

#: Speeds as seconds per step, slowest first; the slider picks one.
SPEEDS = (2.4, 1.6, 1.1, 0.8, 0.55, 0.4, 0.28, 0.18)
DEFAULT_SPEED = 3
#: A backward step's walk takes at most the time of this many factors: a longer path (at
#: the page's limit, da[1]_1 reaches J through some 100 elements) is walked faster.
WALK_MOST = 12


class StepController(QObject):
    """Holds a trace and the index shown. ``-1`` means nothing computed yet."""

    indexChanged = Signal(int)
    traceChanged = Signal()
    playingChanged = Signal(bool)
    speedChanged = Signal(int)
    reachedEnd = Signal()  # playing went past the last step: the page moves to the next sample

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.steps: list[Step] = []
        self.index = -1
        self.speed = DEFAULT_SPEED
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._on_tick)
        self._apply_speed()

    # --- the trace ------------------------------------------------------------------
    def set_steps(self, steps: list[Step], index: int = -1) -> None:
        self.steps = list(steps)
        self.index = max(-1, min(index, len(self.steps) - 1))
        self.traceChanged.emit()
        self.indexChanged.emit(self.index)

    def set_index(self, index: int) -> None:
        index = max(-1, min(index, len(self.steps) - 1))
        if index != self.index:
            self.index = index
            self.indexChanged.emit(index)

    @property
    def step(self) -> Step | None:
        return self.steps[self.index] if 0 <= self.index < len(self.steps) else None

    # --- moving ---------------------------------------------------------------------
    def step_forward(self) -> None:
        if self.index < len(self.steps) - 1:
            self.set_index(self.index + 1)
        else:
            self.reachedEnd.emit()

    def step_back(self) -> None:
        self.set_index(self.index - 1)

    def restart(self) -> None:
        self.set_index(-1)

    def to_end(self) -> None:
        self.set_index(len(self.steps) - 1)

    def phase_bounds(self, phase: str) -> tuple[int, int] | None:
        indices = [s.index for s in self.steps if s.phase == phase]
        return (indices[0], indices[-1]) if indices else None

    def phase_start(self) -> None:
        """To the first step of the current phase (Home)."""
        if self.step is not None:
            self.set_index(self.phase_bounds(self.step.phase)[0])

    def phase_end(self) -> None:
        """To the last step of the current phase, or of the forward pass before any (End)."""
        phase = self.step.phase if self.step is not None else "forward"
        bounds = self.phase_bounds(phase)
        if bounds:
            self.set_index(bounds[1])

    def next_phase(self) -> None:
        """To the first step of the next phase (PgDn)."""
        current = self.step.phase if self.step else None
        order = PHASES.index(current) if current else -1
        for phase in PHASES[order + 1:]:
            bounds = self.phase_bounds(phase)
            if bounds:
                self.set_index(bounds[0])
                return
        self.to_end()

    def previous_phase(self) -> None:
        """To the first step of this phase, or of the one before if already there (PgUp)."""
        if self.step is None:
            return
        start = self.phase_bounds(self.step.phase)[0]
        if self.index > start:
            self.set_index(start)
            return
        order = PHASES.index(self.step.phase)
        for phase in reversed(PHASES[:order]):
            bounds = self.phase_bounds(phase)
            if bounds:
                self.set_index(bounds[0])
                return
        self.restart()

    # --- playing --------------------------------------------------------------------
    @property
    def playing(self) -> bool:
        return self._timer.isActive()

    def play(self) -> None:
        if not self.playing:
            self._timer.start()
            self.playingChanged.emit(True)
            if self.index < 0:
                self.step_forward()

    def pause(self) -> None:
        if self.playing:
            self._timer.stop()
            self.playingChanged.emit(False)

    def toggle_play(self) -> None:
        self.pause() if self.playing else self.play()

    def _on_tick(self) -> None:
        self.step_forward()
        # A backward step first walks its chain from J: the next step waits for the walk.
        self._timer.setInterval(int(self.seconds_per_step() * 1000 + self.step_walk_ms() * len(self._chain())))

    def _chain(self) -> tuple:
        step = self.step
        return step.chain if step is not None and step.phase == "backward" and len(step.chain) > 1 else ()

    def walk_ms(self) -> int:
        """While playing, a backward step walks its chain one factor every this many ms:
        200 at the usual speed, 150-250 as the speed goes."""
        return int(min(250, max(150, 250 * self.seconds_per_step())))

    def step_walk_ms(self) -> float:
        """The pace of this step's walk: ``walk_ms``, faster on a path longer than
        WALK_MOST elements, so that no walk takes longer than WALK_MOST factors would."""
        return self.walk_ms() * min(1.0, WALK_MOST / max(1, len(self._chain())))

    def set_speed(self, speed: int) -> None:
        speed = max(0, min(speed, len(SPEEDS) - 1))
        if speed != self.speed:
            self.speed = speed
            self._apply_speed()
            self.speedChanged.emit(speed)

    def faster(self) -> None:
        self.set_speed(self.speed + 1)

    def slower(self) -> None:
        self.set_speed(self.speed - 1)

    def seconds_per_step(self) -> float:
        return SPEEDS[self.speed]

    def pulse_ms(self) -> int:
        """The arrow pulse's duration: 300-600 ms at the usual speeds, shorter only when
        steps come faster than that."""
        step_ms = self.seconds_per_step() * 1000
        return int(min(600, max(300, step_ms * 0.55), step_ms * 0.9))

    def _apply_speed(self) -> None:
        self._timer.setInterval(int(self.seconds_per_step() * 1000))
