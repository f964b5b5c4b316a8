import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def gradients(params, X, Y):
    L = len(params) // 2
    m = X.shape[1]
    A = X
    caches = []
    for l in range(1, L + 1):
        W = params["W" + str(l)]
        b = params["b" + str(l)]
        Z = W @ A + b
        caches.append((A, Z))
        A = sigmoid(Z)
    grads = {}
    dZ = A - Y
    for l in range(L, 0, -1):
        A_prev, Z = caches[l - 1]
        grads["dW" + str(l)] = dZ @ A_prev.T / m
        grads["db" + str(l)] = np.sum(dZ, axis=1, keepdims=True) / m
        if l > 1:
            dA_prev = params["W" + str(l)].T @ dZ
            s = sigmoid(caches[l - 2][1])
            dZ = dA_prev
    return grads
