"""``bpviz trace``: every chain-rule step of one update, as text lines or JSON."""

from __future__ import annotations

import json

from bpviz.errors import ConfigError
from bpviz.nn.trace import steps_text, trace, trace_layers
from bpviz.presets import get_preset


def run_trace(args) -> int:
    recipe = get_preset(args.preset)
    net = recipe.network()
    if recipe.is_mnist:
        if args.mode == "units":
            raise ConfigError(
                f"--preset: {recipe.name} is {'-'.join(map(str, net.layer_sizes))}, too big to "
                f"trace unit by unit (up to 4 layers of 8 units); use --mode layers"
            )
        steps = trace_layers(net, m="m")
    else:
        data = recipe.data()
        if not 0 <= args.sample < data.m:
            raise ConfigError(f"--sample: expected a row from 0 to {data.m - 1}, got {args.sample}")
        x, y = data.X[:, args.sample], data.Y[:, args.sample]
        steps = trace(net, x, y, recipe.lr) if args.mode == "units" else trace_layers(net, 1, x, y, recipe.lr)
    if args.format == "json":
        print(json.dumps({"preset": recipe.name, "sample": args.sample, "mode": args.mode,
                          "steps": [step.to_dict() for step in steps]}, indent=1))
    else:
        print(steps_text(steps))
    return 0
