"""The bodies of the ``bpviz`` sub-commands; ``bpviz.cli`` parses and dispatches to them."""
