"""``bpviz trace``: every chain-rule step of one update, as text lines or JSON.

Steps and rows count from 1, as the app shows them; in JSON each step also keeps its
``index`` (from 0) in the list.
"""

from __future__ import annotations

import json

from bpviz.commands import no_row_for_mnist, row_index
from bpviz.errors import ConfigError
from bpviz.nn.trace import steps_text, trace, trace_layers
from bpviz.presets import get_preset


def run_trace(args) -> int:
    recipe = get_preset(args.preset)
    net = recipe.network()
    row = None  # an MNIST preset is traced by shapes, on no row
    if recipe.is_mnist:
        no_row_for_mnist(recipe, args, "it is traced by its shapes, on no row")
        if args.mode == "units":
            raise ConfigError(
                f"--preset: {recipe.name} is {'-'.join(map(str, net.layer_sizes))}, too big to "
                f"trace unit by unit (up to 4 layers of 8 units); use --mode layers"
            )
        steps = trace_layers(net, m="m")
    else:
        data = recipe.data()
        i = row_index(args.row, data.m)
        row = i + 1
        x, y = data.X[:, i], data.Y[:, i]
        steps = trace(net, x, y, recipe.lr) if args.mode == "units" else trace_layers(net, 1, x, y, recipe.lr)
    if args.format == "json":
        print(json.dumps({"preset": recipe.name, "row": row, "mode": args.mode,
                          "steps": [step.to_dict() for step in steps]}, indent=1))
    else:
        print(steps_text(steps))
    return 0
