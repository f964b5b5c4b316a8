import numpy as np

WEIGHT_LAYOUT = "notebook"


def update(params, x, y, lr):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    A1 = np.dot(W1.T, x) + b1
    y_hat = (np.dot(W2.T, A1) + b2)[0][0]
    y = y[0][0]
    err = y - y_hat
    w2_00, w2_10 = W2[0][0], W2[1][0]

    params['W2'][0][0] = params['W2'][0][0] + lr * 2 * err * A1[0][0]
    params['W2'][1][0] = params['W2'][1][0] + lr * 2 * err * A1[1][0]
    params['b2'][0][0] = params['b2'][0][0] + lr * 2 * err

    params['W1'][0][0] = params['W1'][0][0] + lr * 2 * err * w2_00 * x[0][0]
    params['W1'][1][0] = params['W1'][1][0] + lr * 2 * err * w2_00
    params['b1'][0][0] = params['b1'][0][0] + lr * 2 * err * w2_00

    params['W1'][0][1] = params['W1'][0][1] + lr * 2 * err * w2_10 * x[0][0]
    params['W1'][1][1] = params['W1'][1][1] + lr * 2 * err * w2_10 * x[1][0]
    params['b1'][1][0] = params['b1'][1][0] + lr * 2 * err * w2_10

    return params
