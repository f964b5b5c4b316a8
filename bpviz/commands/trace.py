"""``bpviz trace``: every chain-rule step of one update, as text lines or JSON, or as the
worked example on paper (Markdown or LaTeX, the text of the app's File > Export worked
example…).

Steps and rows count from 1, as the app shows them; in JSON each step also keeps its
``index`` (from 0) in the list. A backward step reached from J along several paths gets a
second text line: the sum over its paths, with each product's value.
"""

from __future__ import annotations

import json

from bpviz.commands import _naming_the_flag, no_row_for_mnist, row_index, with_network_flags
from bpviz import handout
from bpviz.data.toy import get_table
from bpviz.errors import ConfigError
from bpviz.nn.trace import check_small, steps_text, trace, trace_layers
from bpviz.presets import get_preset


def _recipe(args):
    """The preset with --hidden or --layers, --activation, --loss and --init applied."""
    overrides = {key: value for key, value in (("activation", args.activation), ("loss", args.loss),
                                               ("init", args.init)) if value is not None}
    return with_network_flags(get_preset(args.preset), args, **overrides)


def run_trace(args) -> int:
    if args.paper is not None and args.format != "latex":
        raise ConfigError(f"--paper: a paper size is for --format latex, a document with pages; "
                          f"--format {args.format} has none (leave --paper out)")
    if args.worksheet and args.format not in ("markdown", "latex"):
        raise ConfigError(f"--worksheet: a worksheet is a worked example with its results left blank, for "
                          f"--format markdown or latex; got --format {args.format}")
    recipe = _recipe(args)
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
        if args.mode == "units":
            try:
                check_small(net)
            except ConfigError as exc:  # named by the flag that made it so big
                raise _naming_the_flag(exc, args, recipe.output_units) from None
        data = recipe.data()
        i = row_index(args.row, data.m)
        row = i + 1
        x, y = data.X[:, i], data.Y[:, i]
        steps = trace(net, x, y, recipe.lr) if args.mode == "units" else trace_layers(net, 1, x, y, recipe.lr)
    if args.format in ("markdown", "latex"):
        if args.mode != "units":
            raise ConfigError(f"--format {args.format}: the worked example is unit by unit; expected --mode units "
                              f"(a toy preset)")
        print(worked_example(recipe, net, i, steps, args.format, args.paper or "A4", args.worksheet), end="")
        return 0
    if args.format == "json":
        print(json.dumps({"preset": recipe.name, "row": row, "mode": args.mode,
                          "steps": [step.to_dict() for step in steps]}, indent=1))
    else:
        print(steps_text(steps))
    return 0


def worked_example(recipe, net, i: int, steps, kind: str, paper: str = "A4", blank: bool = False) -> str:
    """Row ``i``'s steps as Markdown or LaTeX, with the table's names as the app shows them
    (``blank``: a worksheet, the results left as ?)."""
    table = get_table(recipe.dataset)
    x, y = table.features[i], table.targets[i]
    title, about = handout.about_lines(table.name, i + 1, len(table), net, recipe.lr,
                                       dict(zip(table.feature_names, x)), dict(zip(table.target_names, y)))
    worked = handout.handout(steps, title, about, blank=blank)
    return handout.markdown(worked) if kind == "markdown" else handout.latex(worked, paper=paper)
