"""The toy training session the step page plays: a network, a table, the current sample.

No Qt here: the page asks for ``trace()``, shows it, then calls ``advance()`` to apply
that update and move on to the next sample (and epoch).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from bpviz.data.toy import Table, get_table
from bpviz.nn import TrainConfig, TrainData, train
from bpviz.nn.divergence import Divergence, cost_bound, diagnose
from bpviz.nn.trace import Step, trace
from bpviz.page_limits import check_step_loss, check_step_page
from bpviz.presets import Recipe


def recipe_for(recipe: Recipe, table: Table) -> Recipe:
    """``recipe`` with an output layer of one unit per target column of ``table``, its
    hidden layers as they are: the output layer follows from the table. A loss that cannot
    take the table's targets (cross_entropy on one column) is a DataError naming recipe.loss."""
    k = table.n_targets
    if recipe.layers[-1] == k:
        return recipe
    check_step_loss(recipe.loss, table)
    return recipe.replace(layers=(*recipe.layers[:-1], k), outputs=k)


def edited_state(now, recipe: Recipe):
    """The page's state ``now`` (a StepLesson at its first step) with the form's new
    ``recipe``, keeping its weights (typed or edited ones too) when the change leaves their
    shapes, the init and the seed as they were (a learning rate, a loss, an activation);
    None when new weights are to be drawn (a new init, seed or size). A state the page
    cannot play is a BpvizError naming the field."""
    old = now.recipe
    new = recipe_for(recipe, now.table)
    if (new.init, new.seed, new.layers) != (old.init, old.seed, old.layers):
        return None
    after = dataclasses.replace(now, recipe=new)
    check_step_page(after)
    return after


class ToySession:
    def __init__(self, recipe: Recipe, table: Table | None = None):
        self.recipe = recipe
        self.table = table if table is not None else get_table(recipe.dataset)
        self.X, self.Y = self.table.columns()
        self.net = recipe.network(n_inputs=self.X.shape[0])
        self.sample = 0
        self.epoch = 1
        self.epoch_losses: list[float] = []
        self._losses_this_epoch: list[float] = []

    @property
    def m(self) -> int:
        return self.X.shape[1]

    def set_sample(self, index: int) -> None:
        if not 0 <= index < self.m:
            raise IndexError(f"row: expected a row from 1 to {self.m}, got {index + 1}")
        self.sample = index

    def x(self) -> np.ndarray:
        return self.X[:, self.sample]

    def y(self) -> np.ndarray:
        return self.Y[:, self.sample]

    def snapshot(self) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """Copies of the parameters and the table: everything an edit can change."""
        return {k: v.copy() for k, v in self.net.params.items()}, self.X.copy()

    def restore(self, state: tuple[dict[str, np.ndarray], np.ndarray]) -> None:
        params, X = state
        self.net.set_params({k: v.copy() for k, v in params.items()})
        self.X = X.copy()

    def checkpoint(self) -> tuple:
        """Everything ``advance`` changes, to come back to with ``rollback``."""
        return (self.snapshot(), self.sample, self.epoch, list(self.epoch_losses), list(self._losses_this_epoch))

    def rollback(self, point: tuple) -> None:
        state, self.sample, self.epoch, losses, this_epoch = point
        self.restore(state)
        self.epoch_losses, self._losses_this_epoch = list(losses), list(this_epoch)

    def trace(self) -> list[Step]:
        """Every step of the update on the current sample, from the current parameters
        (numbers that overflow are inf or nan, for the page to refuse, not a warning)."""
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            return trace(self.net, self.X[:, self.sample], self.Y[:, self.sample], self.recipe.lr)

    def advance(self, steps: list[Step]) -> None:
        """Apply the update ``steps`` shows and move to the next sample (and epoch)."""
        loss = next(s.value for s in steps if s.phase == "loss")
        for step in steps:
            if step.phase == "update":
                name, l, j, *k = step.quantity
                key = f"W{l}" if name == "w" else f"b{l}"
                self.net.params[key][j - 1, (k[0] - 1) if k else 0] = step.value
        self._losses_this_epoch.append(float(loss))
        self._next_sample()

    def _next_sample(self) -> None:
        self.sample += 1
        if self.sample == self.m:
            self.epoch_losses.append(float(np.mean(self._losses_this_epoch)))
            self._losses_this_epoch = []
            self.sample = 0
            self.epoch += 1

    def run_epochs(self, n: int) -> str:
        """Train without animation: finish the epoch under way, then ``n`` whole epochs.
        Returns "" or, when the numbers stop being finite, what happened: the session then
        shows the row whose update broke them, with the last weights of finite loss."""
        run = EpochRun(self, n)
        for _ in run:
            pass
        return run.message

    def _back_to(self, kept: int, costs: list) -> None:
        """train() put back the weights from before update ``kept``: stand on that update's
        row, in its epoch, as if the updates from ``kept`` on had not been made."""
        for iteration, _, epoch_cost in costs:
            if iteration >= kept and epoch_cost is not None:  # an epoch that is now undone
                self.epoch_losses.pop()
                self.epoch -= 1
        row = kept % self.m
        self._losses_this_epoch = [float(c) for i, c, _ in costs if kept - row <= i < kept]
        self.sample = row

    def _diverged(self, divergence: Divergence, went_row: int, epochs_done: int, n: int) -> str:
        """What Run epochs says when the numbers blew up: ``divergence`` went wrong first on
        row ``went_row`` (from 1); the session stands on the row whose update did it."""
        row = self.sample + 1
        what = divergence.what()
        what = f"On row {went_row}, {what}" if went_row != row else what[0].upper() + what[1:]
        l, i, j = divergence.weight_at
        return (f"Run epochs stopped in epoch {self.epoch}: the update on row {row} makes the numbers blow up. "
                f"{what}. {epochs_done} of {n} epochs ran. The largest |weight| was "
                f"{divergence.weight:.3g}, at W[{l}] row {i}, col {j} (w[{l}]_{i}{j} on the graph); the learning "
                f"rate {self.recipe.lr:g} is too high: try {divergence.lr_to_try:g}. Shown: row {row} with the last "
                f"weights whose loss was fine; step through it to see the gradients grow.")

    def predict_grid(self, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
        """The network's outputs over a grid of the two inputs (for the decision boundary):
        (K, len(ys), len(xs)), one plane per output unit."""
        gx, gy = np.meshgrid(xs, ys)
        A, _ = self.net.forward(np.vstack([gx.ravel(), gy.ravel()]))
        return A.reshape(-1, *gx.shape)


class EpochRun:
    """Run epochs one update at a time, for a page that must stay live: iterate it (each
    step is one update), ``stop()`` ends it after the update under way, and ``message``
    says how it ended ("" unless the numbers blew up). ``epochs_done`` counts the whole
    epochs made of the ``n`` asked for."""

    def __init__(self, session: ToySession, n: int):
        self.session, self.n = session, n
        self.epochs_done, self.message, self.stopped = 0, "", False
        self.divergence: Divergence | None = None

    def stop(self) -> None:
        self.stopped = True

    def __iter__(self):
        s = self.session
        bound = cost_bound(s.net, s.X, s.Y)  # as train() bounds the cost
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            point = None  # the state before the last row's update
            while s.sample != 0:  # the epoch under way first, row by row
                if self.stopped:
                    return
                steps = s.trace()
                loss = next(step.value for step in steps if step.phase == "loss")
                if not all(np.isfinite(step.value).all() for step in steps if step.value is not None) \
                        or not loss <= bound:
                    row = s.sample
                    self.divergence = diagnose(
                        s.net, update=1, before=s.net.params, batch=(s.X[:, row:row + 1], s.Y[:, row:row + 1]),
                        after=None, next_batch=None, bound=bound, kept=s.net.params, lr=s.recipe.lr,
                        cost=float(loss), sgd=True)
                    if self.divergence.quantity in ("Z", "A", "cost") and point is not None:
                        s.rollback(point)  # these weights blow up already: the last row's update made them
                    self.message = s._diverged(self.divergence, row + 1, 0, self.n)
                    return
                point = s.checkpoint()
                s.advance(steps)
                yield
        config = TrainConfig("sgd", s.recipe.lr, epochs=self.n, batch_size=1, shuffle=False)
        costs = []  # (iteration, cost, the epoch's mean when it ended there)
        for record in train(s.net, TrainData(s.X, s.Y), config, should_stop=lambda: self.stopped):
            if record.stopped == "diverged":
                s._back_to(record.kept, costs)
                self.divergence = record.divergence
                self.message = s._diverged(record.divergence, record.divergence.update % s.m + 1,
                                           self.epochs_done, self.n)
                return
            costs.append((record.iteration, record.cost, record.epoch_cost))
            if record.epoch_cost is not None:
                s.epoch_losses.append(record.epoch_cost)
                s.epoch += 1
                self.epochs_done += 1
            yield
        if costs and self.stopped:  # stopped inside an epoch: stand on its next row
            last = costs[-1][0]
            s.sample = (last + 1) % s.m
            s._losses_this_epoch = [float(c) for i, c, _ in costs if i > last - s.sample]
