import math


def update(params, x, y, lr):
    w1 = params["W1"][0][0]
    w2 = params["W1"][0][1]
    b = params["b1"][0][0]
    x1, x2 = x[0][0], x[1][0]
    t = y[0][0]
    z = w1 * x1 + w2 * x2 + b
    a = 1 / (1 + math.exp(-z))
    dz = t - a
    dw1 = dz * x1
    dw2 = dz * x2
    db = dz
    params["W1"][0][0] = w1 - lr * dw1
    params["W1"][0][1] = w2 - lr * dw2
    params["b1"][0][0] = b - lr * db
    return params
