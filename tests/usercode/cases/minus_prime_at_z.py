import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def sigmoid_prime(a):
    return a * (1 - a)


def update(params, x, y, lr):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    z1 = W1 @ x + b1
    a1 = sigmoid(z1)
    z2 = W2 @ a1 + b2
    a2 = sigmoid(z2)

    dz2 = a2 - y
    dw2 = dz2 @ a1.T
    db2 = dz2
    dz1 = (W2.T @ dz2) * sigmoid_prime(z1)
    dw1 = dz1 @ x.T
    db1 = dz1

    params["W2"] -= lr * dw2
    params["b2"] -= lr * db2
    params["W1"] -= lr * dw1
    params["b1"] -= lr * db1
    return params
