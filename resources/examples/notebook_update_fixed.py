"""The notebook's hand-written update for its 2-2-1 regression network, corrected.

Compare with notebook_update.py: every gradient is taken from the parameters as they
were before this update (W2 is read before it changes), b2 is updated from b2, and
W1[k][j] (from input k to hidden unit j) uses hidden unit j's W2 and input k.
"""

import numpy as np

# As in the notebook: W[l] is (units of layer l-1, units of layer l), Z = W.T @ A + b.
WEIGHT_LAYOUT = "notebook"


def update(params, x, y, lr):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    A1 = np.dot(W1.T, x) + b1
    y_hat = (np.dot(W2.T, A1) + b2)[0][0]
    y = y[0][0]
    dJ_dyhat = -2 * (y - y_hat)      # J = (y - y_hat)^2
    old_W2 = W2.copy()               # the hidden units' gradients need W2 before its update

    for j in range(2):
        params['W2'][j][0] = W2[j][0] - lr * dJ_dyhat * A1[j][0]
    params['b2'][0][0] = b2[0][0] - lr * dJ_dyhat

    for j in range(2):               # hidden unit j
        dz1 = dJ_dyhat * old_W2[j][0]
        for k in range(2):           # input k
            params['W1'][k][j] = W1[k][j] - lr * dz1 * x[k][0]
        params['b1'][j][0] = b1[j][0] - lr * dz1

    return params
