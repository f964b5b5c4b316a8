import numpy as np


def gradients(params, X, Y):
    W, b = params["W1"], params["b1"]
    m = X.shape[1]
    Y_hat = W @ X + b
    error = Y_hat - Y
    dW = 2 * error @ X.T
    db = 2 * np.mean(error, axis=1, keepdims=True)
    return {"dW1": dW, "db1": db}
