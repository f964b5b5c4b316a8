import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def layers(params):
    l = 1
    while "W" + str(l) in params:
        yield l, params["W" + str(l)], params["b" + str(l)]
        l += 1


def gradients(params, X, Y):
    m = X.shape[1]
    acts = [X]
    for l, W, b in layers(params):
        acts.append(sigmoid(W @ acts[-1] + b))
    L = len(acts) - 1
    grads = {}
    dZ = acts[-1] - Y
    for l in range(L, 0, -1):
        grads["dW%d" % l] = dZ @ acts[l - 1].T / m
        grads["db%d" % l] = dZ.sum(axis=1, keepdims=True) / m
        dZ = (params["W%d" % l].T @ dZ) * acts[l - 1]
    return grads
