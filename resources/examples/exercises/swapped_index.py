"""Exercise: one of these nine updates is wrong. Find it and fix it.

The notebook's 2-2-1 regression network: 2 inputs, 2 linear hidden units, a linear
output, the loss (y - ŷ)², one example at a time, every weight updated on its own line.
"""

import numpy as np

# As in the notebook: W[l] is (units of layer l-1, units of layer l) and Z = W.T @ A + b,
# so W1[k][j] is the weight from input k to hidden unit j.
WEIGHT_LAYOUT = "notebook"


def update(params, x, y, lr):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]

    A1 = np.dot(W1.T, x) + b1
    A2 = np.dot(W2.T, A1) + b2

    dZ2 = 2 * (A2 - y)
    dZ1 = np.dot(W2, dZ2)

    params["W2"][0][0] = W2[0][0] - lr * dZ2[0][0] * A1[0][0]
    params["W2"][1][0] = W2[1][0] - lr * dZ2[0][0] * A1[1][0]
    params["b2"][0][0] = b2[0][0] - lr * dZ2[0][0]

    params["W1"][0][0] = W1[0][0] - lr * dZ1[0][0] * x[0][0]
    params["W1"][0][1] = W1[0][1] - lr * dZ1[0][0] * x[1][0]
    params["W1"][1][0] = W1[1][0] - lr * dZ1[0][0] * x[1][0]
    params["W1"][1][1] = W1[1][1] - lr * dZ1[1][0] * x[1][0]
    params["b1"][0][0] = b1[0][0] - lr * dZ1[0][0]
    params["b1"][1][0] = b1[1][0] - lr * dZ1[1][0]

    return params
