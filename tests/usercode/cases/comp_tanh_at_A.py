import numpy as np


def forward(params, x):
    z1 = params["W1"] @ x + params["b1"]
    a1 = np.tanh(z1)
    z2 = params["W2"] @ a1 + params["b2"]
    a2 = 1 / (1 + np.exp(-z2))
    return z1, a1, z2, a2


def update(params, x, y, lr):
    z1, a1, z2, a2 = forward(params, x)
    delta2 = a2 - y
    delta1 = (params["W2"].T @ delta2) * (1 - np.tanh(a1) ** 2)
    grads = {
        "W2": delta2 @ a1.T,
        "b2": delta2,
        "W1": delta1 @ x.T,
        "b1": delta1,
    }
    params = {k: params[k] - lr * grads[k] for k in params}
    return params
