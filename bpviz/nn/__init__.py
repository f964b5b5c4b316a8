"""The maths of bpviz: networks, backpropagation, optimizers and training. numpy only.

Notation (the tutorial's): columns are examples, A^[0] = X is (n_features, m),
Z^[l] = W^[l] A^[l-1] + b^[l], A^[l] = g(Z^[l]).
"""

from bpviz.nn.gradcheck import gradcheck, numerical_gradients, relative_error
from bpviz.nn.health import LayerStats
from bpviz.nn.network import ForwardCache, Network
from bpviz.nn.optimizers import SGD, Adam, Momentum, make_optimizer
from bpviz.nn.train import Progress, TrainConfig, TrainData, evaluate, train

__all__ = [
    "Adam", "ForwardCache", "LayerStats", "Momentum", "Network", "Progress", "SGD", "TrainConfig",
    "TrainData", "evaluate", "gradcheck", "make_optimizer", "numerical_gradients",
    "relative_error", "train",
]
