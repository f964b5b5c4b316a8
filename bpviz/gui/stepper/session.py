"""The toy training session the step page plays: a network, a table, the current sample.

No Qt here: the page asks for ``trace()``, shows it, then calls ``advance()`` to apply
that update and move on to the next sample (and epoch).
"""

from __future__ import annotations

import numpy as np

from bpviz.data.toy import Table, get_table
from bpviz.nn import TrainConfig, TrainData, train
from bpviz.nn.trace import Step, trace
from bpviz.presets import Recipe


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

    def trace(self) -> list[Step]:
        """Every step of the update on the current sample, from the current parameters."""
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
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            while self.sample != 0:
                steps = self.trace()
                bad = next((s.value for s in steps if not np.isfinite(s.value)), None)
                if bad is not None:
                    return self._diverged(bad, 0, n)
                self.advance(steps)
        before = len(self.epoch_losses)
        config = TrainConfig("sgd", self.recipe.lr, epochs=n, batch_size=1, shuffle=False)
        pending, finished = [], []  # the losses of the epoch under way, of the last one done
        for record in train(self.net, TrainData(self.X, self.Y), config):
            if record.stopped == "diverged":
                self._back_to_last_finite(record.iteration, pending, finished)
                return self._diverged(record.cost, len(self.epoch_losses) - before, n)
            pending.append(record.cost)
            if record.epoch_cost is not None:
                self.epoch_losses.append(record.epoch_cost)
                self.epoch += 1
                finished, pending = pending, []
        return ""

    def _back_to_last_finite(self, done: int, pending: list, finished: list) -> None:
        """train() put back the weights from before update ``done - 1``, the last whose
        loss was finite: stand on that update's row, in its epoch."""
        if done == 0:
            return
        row = (done - 1) % self.m
        if row == self.m - 1:  # that update ended an epoch, which is now undone
            self.epoch_losses.pop()
            self.epoch -= 1
            pending = finished
        self._losses_this_epoch = [float(v) for v in pending[:-1]]
        self.sample = row

    def _diverged(self, value: float, epochs_done: int, n: int) -> str:
        row = self.sample + 1
        return (f"Run epochs stopped in epoch {self.epoch}: the update on row {row} makes the numbers "
                f"blow up (the loss becomes {value:g}; is the learning rate {self.recipe.lr:g} too high?). "
                f"{epochs_done} of {n} epochs ran. Shown: row {row} with the last weights whose loss "
                f"was finite; step through it to see the gradients grow.")

    def predict_grid(self, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
        """The network's output over a grid of the two inputs (for the decision boundary)."""
        gx, gy = np.meshgrid(xs, ys)
        A, _ = self.net.forward(np.vstack([gx.ravel(), gy.ravel()]))
        return A[0].reshape(gx.shape)
