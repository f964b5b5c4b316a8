"""The maths of bpviz: networks, backpropagation, optimizers and training. numpy only.

Notation (the tutorial's): columns are examples, A^[0] = X is (n_features, m),
Z^[l] = W^[l] A^[l-1] + b^[l], A^[l] = g(Z^[l]).
"""
