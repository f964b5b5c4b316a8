WEIGHT_LAYOUT = "notebook"


def update(params, x, y, lr):
    # w1, w2: input 0 -> hidden 0, 1; w3, w4: input 1 -> hidden 0, 1; w5, w6: hidden -> out
    w1, w2 = params["W1"][0][0], params["W1"][0][1]
    w3, w4 = params["W1"][1][0], params["W1"][1][1]
    w5, w6 = params["W2"][0][0], params["W2"][1][0]
    b1, b2, b3 = params["b1"][0][0], params["b1"][1][0], params["b2"][0][0]
    x1, x2, t = x[0][0], x[1][0], y[0][0]

    h1 = w1 * x1 + w3 * x2 + b1
    h2 = w2 * x1 + w4 * x2 + b2
    out = w5 * h1 + w6 * h2 + b3
    g = -2 * (t - out)

    params["W2"][0][0] = w5 - lr * g * h1
    params["W2"][1][0] = w6 - lr * g * h2
    params["b2"][0][0] = b3 - lr * g
    params["W1"][0][0] = w1 - lr * g * w5 * x1
    params["W1"][1][0] = w3 - lr * g * w5 * x2
    params["b1"][0][0] = b1 - lr * g * w5
    params["W1"][0][1] = w2 - lr * g * w6 * x1
    params["b1"][1][0] = b2 - lr * g * w6
    return params
