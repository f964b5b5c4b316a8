"""bpviz: see backpropagation, step by step and at MNIST scale.

The maths lives in ``bpviz.nn`` and the datasets in ``bpviz.data`` (numpy only);
``bpviz.gui`` is the only package that imports Qt.
"""

__version__ = "0.1.0"
