import math
import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z))


def gradients(params, X, Y):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    n0, m = X.shape
    n1 = W1.shape[0]
    n2 = W2.shape[0]
    dW1 = np.zeros_like(W1)
    db1 = np.zeros_like(b1)
    dW2 = np.zeros_like(W2)
    db2 = np.zeros_like(b2)
    for i in range(m):
        a1 = [0.0] * n1
        for j in range(n1):
            z = b1[j, 0]
            for k in range(n0):
                z += W1[j, k] * X[k, i]
            a1[j] = sigmoid(z)
        for o in range(n2):
            z = b2[o, 0]
            for j in range(n1):
                z += W2[o, j] * a1[j]
            a2 = sigmoid(z)
            delta2 = Y[o, i] - a2
            for j in range(n1):
                dW2[o, j] += delta2 * a1[j] / m
            db2[o, 0] += delta2 / m
            for j in range(n1):
                delta1 = W2[o, j] * delta2 * a1[j] * (1 - a1[j])
                for k in range(n0):
                    dW1[j, k] += delta1 * X[k, i] / m
                db1[j, 0] += delta1 / m
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}
