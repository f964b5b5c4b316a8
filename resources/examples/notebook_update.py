"""The notebook's hand-written update for its 2-2-1 regression network, bugs included.

Open it in bpviz (Debug > Open the notebook's update) or run
    bpviz gradcheck --user-file notebook_update.py --preset notebook-regression
and bpviz flags the parameters these three bugs make wrong:
  1. b2 is set from W2 instead of from b2;
  2. W1 and b1 are updated with W2 *after* W2 was updated;
  3. the two off-diagonal W1 entries are swapped.
notebook_update_fixed.py beside it is the corrected version.

The network: two linear hidden units and a linear output, loss (y - y_hat)^2, one
example at a time (per-sample SGD).
"""

import numpy as np

# The notebook keeps W[l] as (units of layer l-1, units of layer l) and computes
# Z = W.T @ A + b: W1[k][j] is the weight from input k to hidden unit j. This line asks
# bpviz to hand the weights over, and take them back, that way.
WEIGHT_LAYOUT = "notebook"


def update(params, x, y, lr):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    A1 = np.dot(W1.T, x) + b1
    y_hat = (np.dot(W2.T, A1) + b2)[0][0]
    y = y[0][0]

    params['W2'][0][0] = params['W2'][0][0] + (lr * 2 * (y - y_hat) * A1[0][0])
    params['W2'][1][0] = params['W2'][1][0] + (lr * 2 * (y - y_hat) * A1[1][0])
    params['b2'][0][0] = params['W2'][1][0] + (lr * 2 * (y - y_hat))

    params['W1'][0][0] = params['W1'][0][0] + (lr * 2 * (y - y_hat) * params['W2'][0][0] * x[0][0])
    params['W1'][0][1] = params['W1'][0][1] + (lr * 2 * (y - y_hat) * params['W2'][0][0] * x[1][0])
    params['b1'][0][0] = params['b1'][0][0] + (lr * 2 * (y - y_hat) * params['W2'][0][0])

    params['W1'][1][0] = params['W1'][1][0] + (lr * 2 * (y - y_hat) * params['W2'][1][0] * x[0][0])
    params['W1'][1][1] = params['W1'][1][1] + (lr * 2 * (y - y_hat) * params['W2'][1][0] * x[1][0])
    params['b1'][1][0] = params['b1'][1][0] + (lr * 2 * (y - y_hat) * params['W2'][1][0])

    return params
