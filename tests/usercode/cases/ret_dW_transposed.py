import numpy as np


def gradients(params, X, Y):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    m = X.shape[1]
    A1 = W1 @ X + b1
    A2 = W2 @ A1 + b2
    dZ2 = 2 * (A2 - Y)
    dZ1 = W2.T @ dZ2
    return {"dW1": dZ1 @ X.T / m, "db1": dZ1.sum(axis=1, keepdims=True) / m, "dW2": A1 @ dZ2.T / m, "db2": dZ2.sum(axis=1, keepdims=True) / m}
