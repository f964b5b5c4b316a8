"""The bodies of the ``bpviz`` sub-commands; ``bpviz.cli`` parses and dispatches to them."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from bpviz.errors import ConfigError

if TYPE_CHECKING:  # importing presets imports numpy: the signal guard (commands.interrupt) comes first
    from bpviz.presets import Recipe


def with_network_flags(recipe: Recipe, args, **overrides) -> Recipe:
    """``recipe.replace(**overrides)`` with the layers --hidden or --layers ask for.

    --hidden names the hidden layers only: the output layer's size follows from the task
    (a unit per target column of a toy table, 1 for two digits, 10 for all ten digits).
    A problem with the layers
    names the flag that was typed.
    """
    task = dataclasses.replace(recipe, digits=overrides["digits"]) if "digits" in overrides else recipe
    if args.hidden is not None:
        overrides["layers"] = (*args.hidden, task.output_units)
    elif args.layers is not None:
        overrides["layers"] = args.layers
    try:
        return recipe.replace(**overrides)
    except ConfigError as exc:
        raise _naming_the_flag(exc, args, task.output_units) from None


def _naming_the_flag(exc: ConfigError, args, output_units: int) -> ConfigError:
    message = str(exc)
    output_given = getattr(args, "output", None) is not None
    if message.startswith("output:") and output_given:
        return ConfigError("--output" + message[len("output"):])
    if message.startswith("loss:") and "output" in message and output_given and getattr(args, "loss", None) is None:
        return ConfigError("--output" + message[len("loss"):])  # the loss is the preset's: --output is the change
    if message.startswith("init:") and "beyond what" in message and getattr(args, "init", None) is not None:
        return ConfigError("--init" + message[len("init"):].replace("or float64", "or --dtype float64"))
    if not message.startswith("layers:") or (args.hidden is None and args.layers is None):
        return exc
    flag = "--hidden" if args.hidden is not None else "--layers"
    message = flag + message[len("layers"):]
    if flag == "--layers" and "the output layer for" in message:
        hidden = ",".join(map(str, args.layers[:-1])) or "none"
        message += (f"; expected {output_units} last, or --hidden {hidden}, with which the output layer "
                    f"follows from the task")
    return ConfigError(message)


def row_index(row: int | None, m: int) -> int:
    """The column of ``--row`` (counted from 1, as the app counts rows; None when not given:
    row 1) in a table of ``m`` rows. A message repeats the row as it was typed (1_0)."""
    row = 1 if row is None else row
    if not 1 <= row <= m:
        raise ConfigError(f"--row: expected a row from 1 to {m}, got {getattr(row, 'typed', row)}")
    return row - 1


def no_row_for_mnist(recipe: Recipe, args, instead: str) -> None:
    """Refuse --row given with an MNIST preset, which has no table rows (it was silently
    ignored); ``instead`` says what that preset takes."""
    if recipe.is_mnist and args.row is not None:
        from bpviz.presets import TOY_PRESETS

        raise ConfigError(f"--row: expected no --row with {recipe.name}, an MNIST preset with no table rows "
                          f"({instead}); --row is for the toy presets ({', '.join(TOY_PRESETS)})")
