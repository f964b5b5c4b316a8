"""Exercise: every formula here is right, yet W1 and b1 miss backprop's step. Find the line and fix it.

The tutorial's 2-layer network: 2 inputs, 2 sigmoid hidden units, 1 sigmoid output,
binary cross-entropy, one example at a time (per-sample SGD).
"""

import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def update(params, x, y, lr):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]

    Z1 = W1 @ x + b1
    A1 = sigmoid(Z1)
    Z2 = W2 @ A1 + b2
    A2 = sigmoid(Z2)

    dZ2 = A2 - y
    params["W2"] = W2 - lr * dZ2 @ A1.T
    params["b2"] = b2 - lr * dZ2

    dZ1 = W2.T @ dZ2 * A1 * (1 - A1)
    params["W1"] = W1 - lr * dZ1 @ x.T
    params["b1"] = b1 - lr * dZ1

    return params
