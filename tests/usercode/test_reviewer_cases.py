"""A reviewer's cases for the gradient debugger: buggy hand-written files in many styles
(the tutorial's L-layer loop, Andrew Ng's helpers, per-element loops, the notebook's
element updates, vectorised updates with -=, dict comprehensions, classes, lambdas,
generators, recursion) that the engine names right, line and cause, and their correct
versions, on which it names nothing. Each file runs in a child process, as the CLI runs it."""

from __future__ import annotations

import pytest

from bpviz.nn.handwritten import UserCodeError
from bpviz.presets import get_preset
from bpviz.usercode import report
from bpviz.usercode.check import check_file

ATA, DIFF, EXTRA, MISS = report.DERIVATIVE_AT_A, report.DIFFERS, report.EXTRA_FACTOR, report.MISSING_FACTOR
NOTSUM, SIGN, STALE = report.NOT_SUMMED, report.SIGN, report.STALE_READ
SWAP, TRANS, OPER = report.SWAPPED, report.TRANSPOSED, report.WRONG_OPERAND

# --- correct base programs, one per style ---------------------------------------------

# Andrew Ng's helpers: linear_backward, relu_backward, caches, grads["dW" + str(l)] (ReLU hidden, sigmoid out).
NG = '''\
import numpy as np


def sigmoid(Z):
    A = 1 / (1 + np.exp(-Z))
    return A, Z


def relu(Z):
    A = np.maximum(0, Z)
    return A, Z


def linear_forward(A, W, b):
    Z = np.dot(W, A) + b
    cache = (A, W, b)
    return Z, cache


def linear_activation_forward(A_prev, W, b, activation):
    Z, linear_cache = linear_forward(A_prev, W, b)
    if activation == "sigmoid":
        A, activation_cache = sigmoid(Z)
    else:
        A, activation_cache = relu(Z)
    cache = (linear_cache, activation_cache)
    return A, cache


def L_model_forward(X, parameters):
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L):
        A_prev = A
        A, cache = linear_activation_forward(A_prev, parameters["W" + str(l)], parameters["b" + str(l)], "relu")
        caches.append(cache)
    AL, cache = linear_activation_forward(A, parameters["W" + str(L)], parameters["b" + str(L)], "sigmoid")
    caches.append(cache)
    return AL, caches


def relu_backward(dA, cache):
    Z = cache
    dZ = np.array(dA, copy=True)
    dZ[Z <= 0] = 0
    return dZ


def sigmoid_backward(dA, cache):
    Z = cache
    s = 1 / (1 + np.exp(-Z))
    dZ = dA * s * (1 - s)
    return dZ


def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = 1. / m * np.dot(dZ, A_prev.T)
    db = 1. / m * np.sum(dZ, axis=1, keepdims=True)
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db


def linear_activation_backward(dA, cache, activation):
    linear_cache, activation_cache = cache
    if activation == "relu":
        dZ = relu_backward(dA, activation_cache)
    else:
        dZ = sigmoid_backward(dA, activation_cache)
    dA_prev, dW, db = linear_backward(dZ, linear_cache)
    return dA_prev, dW, db


def L_model_backward(AL, Y, caches):
    grads = {}
    L = len(caches)
    Y = Y.reshape(AL.shape)
    dAL = - (np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    current_cache = caches[L - 1]
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = \\
        linear_activation_backward(dAL, current_cache, "sigmoid")
    for l in reversed(range(L - 1)):
        current_cache = caches[l]
        dA_prev_temp, dW_temp, db_temp = linear_activation_backward(grads["dA" + str(l + 1)], current_cache, "relu")
        grads["dA" + str(l)] = dA_prev_temp
        grads["dW" + str(l + 1)] = dW_temp
        grads["db" + str(l + 1)] = db_temp
    return grads


def backward(params, X, Y):
    AL, caches = L_model_forward(X, params)
    grads = L_model_backward(AL, Y, caches)
    return {key: value for key, value in grads.items() if key[:2] in ("dW", "db")}
'''

# L-layer loop, caches list, grads dict, sigmoid everywhere + bce.
LOOP = '''\
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
            dZ = dA_prev * s * (1 - s)
    return grads
'''

# Explicit 3-layer tutorial style: relu, relu, sigmoid + bce.
THREE = '''\
import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def relu(z):
    return np.maximum(0, z)


def relu_grad(z):
    return (z > 0).astype(float)


def gradients(params, X, Y):
    W1, b1 = params["W1"], params["b1"]
    W2, b2 = params["W2"], params["b2"]
    W3, b3 = params["W3"], params["b3"]
    m = X.shape[1]

    Z1 = np.dot(W1, X) + b1
    A1 = relu(Z1)
    Z2 = np.dot(W2, A1) + b2
    A2 = relu(Z2)
    Z3 = np.dot(W3, A2) + b3
    A3 = sigmoid(Z3)

    dZ3 = A3 - Y
    dW3 = np.dot(dZ3, A2.T) / m
    db3 = np.sum(dZ3, axis=1, keepdims=True) / m
    dA2 = np.dot(W3.T, dZ3)
    dZ2 = dA2 * relu_grad(Z2)
    dW2 = np.dot(dZ2, A1.T) / m
    db2 = np.sum(dZ2, axis=1, keepdims=True) / m
    dA1 = np.dot(W2.T, dZ2)
    dZ1 = dA1 * relu_grad(Z1)
    dW1 = np.dot(dZ1, X.T) / m
    db1 = np.sum(dZ1, axis=1, keepdims=True) / m

    grads = {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2, "dW3": dW3, "db3": db3}
    return grads
'''

# Vectorised update with -= (two-layer sigmoid bce).
MINUS = '''\
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
    dz1 = (W2.T @ dz2) * sigmoid_prime(a1)
    dw1 = dz1 @ x.T
    db1 = dz1

    params["W2"] -= lr * dw2
    params["b2"] -= lr * db2
    params["W1"] -= lr * dw1
    params["b1"] -= lr * db1
    return params
'''

# An update from a dict comprehension, the gradients in a dict keyed by parameter (tanh hidden, sigmoid out).
COMP = '''\
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
    delta1 = (params["W2"].T @ delta2) * (1 - a1 ** 2)
    grads = {
        "W2": delta2 @ a1.T,
        "b2": delta2,
        "W1": delta1 @ x.T,
        "b1": delta1,
    }
    params = {k: params[k] - lr * grads[k] for k in params}
    return params
'''

# Return a dict literal on the return line (two-outputs linear mse).
RET = '''\
import numpy as np


def gradients(params, X, Y):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    m = X.shape[1]
    A1 = W1 @ X + b1
    A2 = W2 @ A1 + b2
    dZ2 = 2 * (A2 - Y)
    dZ1 = W2.T @ dZ2
    return {"dW1": dZ1 @ X.T / m, "db1": dZ1.sum(axis=1, keepdims=True) / m, "dW2": dZ2 @ A1.T / m, "db2": dZ2.sum(axis=1, keepdims=True) / m}
'''

# Per-element loops, gradients (two-layer sigmoid bce).
LOOPS = '''\
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
            delta2 = a2 - Y[o, i]
            for j in range(n1):
                dW2[o, j] += delta2 * a1[j] / m
            db2[o, 0] += delta2 / m
            for j in range(n1):
                delta1 = W2[o, j] * delta2 * a1[j] * (1 - a1[j])
                for k in range(n0):
                    dW1[j, k] += delta1 * X[k, i] / m
                db1[j, 0] += delta1 / m
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}
'''

# Notebook element-wise update with WEIGHT_LAYOUT notebook (notebook-regression, linear, mse).
NBK = '''\
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
    params['W1'][1][0] = params['W1'][1][0] + lr * 2 * err * w2_00 * x[1][0]
    params['b1'][0][0] = params['b1'][0][0] + lr * 2 * err * w2_00

    params['W1'][0][1] = params['W1'][0][1] + lr * 2 * err * w2_10 * x[0][0]
    params['W1'][1][1] = params['W1'][1][1] + lr * 2 * err * w2_10 * x[1][0]
    params['b1'][1][0] = params['b1'][1][0] + lr * 2 * err * w2_10

    return params
'''

# Logistic regression, scalar style (w1, w2, b), update.
LOGI = '''\
import math


def update(params, x, y, lr):
    w1 = params["W1"][0][0]
    w2 = params["W1"][0][1]
    b = params["b1"][0][0]
    x1, x2 = x[0][0], x[1][0]
    t = y[0][0]
    z = w1 * x1 + w2 * x2 + b
    a = 1 / (1 + math.exp(-z))
    dz = a - t
    dw1 = dz * x1
    dw2 = dz * x2
    db = dz
    params["W1"][0][0] = w1 - lr * dw1
    params["W1"][0][1] = w2 - lr * dw2
    params["b1"][0][0] = b - lr * db
    return params
'''

# Linear regression, gradients, vectorised (mse).
LINREG = '''\
import numpy as np


def gradients(params, X, Y):
    W, b = params["W1"], params["b1"]
    m = X.shape[1]
    Y_hat = W @ X + b
    error = Y_hat - Y
    dW = 2 * error @ X.T / m
    db = 2 * np.mean(error, axis=1, keepdims=True)
    return {"dW1": dW, "db1": db}
'''

# Class-based network with backward (two-layer sigmoid bce).
CLASS = '''\
import numpy as np


class TwoLayerNet:
    def __init__(self, params):
        self.W1, self.b1 = params["W1"], params["b1"]
        self.W2, self.b2 = params["W2"], params["b2"]

    def forward(self, X):
        self.X = X
        self.Z1 = self.W1 @ X + self.b1
        self.A1 = 1 / (1 + np.exp(-self.Z1))
        self.Z2 = self.W2 @ self.A1 + self.b2
        self.A2 = 1 / (1 + np.exp(-self.Z2))
        return self.A2

    def backward(self, Y):
        m = Y.shape[1]
        dZ2 = self.A2 - Y
        dW2 = dZ2 @ self.A1.T / m
        db2 = dZ2.sum(axis=1, keepdims=True) / m
        dA1 = self.W2.T @ dZ2
        dZ1 = dA1 * self.A1 * (1 - self.A1)
        dW1 = dZ1 @ self.X.T / m
        db1 = dZ1.sum(axis=1, keepdims=True) / m
        return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}


def gradients(params, X, Y):
    net = TwoLayerNet(params)
    net.forward(X)
    return net.backward(Y)
'''

# Quadratic-loss 2-layer with tanh hidden, linear output, gradients.
QUAD = '''\
import numpy as np


def tanh_derivative(z):
    return 1 - np.tanh(z) ** 2


def gradients(params, X, Y):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    m = X.shape[1]
    Z1 = W1 @ X + b1
    A1 = np.tanh(Z1)
    Z2 = W2 @ A1 + b2
    A2 = Z2
    dA2 = A2 - Y
    dZ2 = dA2
    dW2 = dZ2 @ A1.T / m
    db2 = np.sum(dZ2, axis=1, keepdims=True) / m
    dA1 = W2.T @ dZ2
    dZ1 = dA1 * tanh_derivative(Z1)
    dW1 = dZ1 @ X.T / m
    db1 = np.sum(dZ1, axis=1, keepdims=True) / m
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}
'''


# The notebook's classification update, element by element in loops (notebook layout, sigmoid, BCE).
NBC = '''\
import numpy as np

WEIGHT_LAYOUT = "notebook"


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def update(params, x, y, lr):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    A1 = sigmoid(np.dot(W1.T, x) + b1)
    y_hat = sigmoid(np.dot(W2.T, A1) + b2)[0][0]
    y = y[0][0]
    old_W2 = W2.copy()

    for j in range(2):
        params['W2'][j][0] += lr * (y - y_hat) * A1[j][0]
    params['b2'][0][0] += lr * (y - y_hat)

    for j in range(2):
        delta = (y - y_hat) * old_W2[j][0] * A1[j][0] * (1 - A1[j][0])
        for k in range(2):
            params['W1'][k][j] += lr * delta * x[k][0]
        params['b1'][j][0] += lr * delta
    return params
'''

# The notebook's regression update with scalar names w1 ... w6, b1 ... b3 (notebook layout).
SCALARS = '''\
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
    params["W1"][1][1] = w4 - lr * g * w6 * x2
    params["b1"][1][0] = b2 - lr * g * w6
    return params
'''

# Ng's helpers with update_parameters looping over the layers.
NG_UPDATE = '''\
import numpy as np


def sigmoid(Z):
    A = 1 / (1 + np.exp(-Z))
    return A, Z


def relu(Z):
    A = np.maximum(0, Z)
    return A, Z


def linear_forward(A, W, b):
    Z = np.dot(W, A) + b
    cache = (A, W, b)
    return Z, cache


def linear_activation_forward(A_prev, W, b, activation):
    Z, linear_cache = linear_forward(A_prev, W, b)
    if activation == "sigmoid":
        A, activation_cache = sigmoid(Z)
    else:
        A, activation_cache = relu(Z)
    cache = (linear_cache, activation_cache)
    return A, cache


def L_model_forward(X, parameters):
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L):
        A_prev = A
        A, cache = linear_activation_forward(A_prev, parameters["W" + str(l)], parameters["b" + str(l)], "relu")
        caches.append(cache)
    AL, cache = linear_activation_forward(A, parameters["W" + str(L)], parameters["b" + str(L)], "sigmoid")
    caches.append(cache)
    return AL, caches


def relu_backward(dA, cache):
    Z = cache
    dZ = np.array(dA, copy=True)
    dZ[Z <= 0] = 0
    return dZ


def sigmoid_backward(dA, cache):
    Z = cache
    s = 1 / (1 + np.exp(-Z))
    dZ = dA * s * (1 - s)
    return dZ


def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = 1. / m * np.dot(dZ, A_prev.T)
    db = 1. / m * np.sum(dZ, axis=1, keepdims=True)
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db


def linear_activation_backward(dA, cache, activation):
    linear_cache, activation_cache = cache
    if activation == "relu":
        dZ = relu_backward(dA, activation_cache)
    else:
        dZ = sigmoid_backward(dA, activation_cache)
    dA_prev, dW, db = linear_backward(dZ, linear_cache)
    return dA_prev, dW, db


def L_model_backward(AL, Y, caches):
    grads = {}
    L = len(caches)
    Y = Y.reshape(AL.shape)
    dAL = - (np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    current_cache = caches[L - 1]
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = \
        linear_activation_backward(dAL, current_cache, "sigmoid")
    for l in reversed(range(L - 1)):
        current_cache = caches[l]
        dA_prev_temp, dW_temp, db_temp = linear_activation_backward(grads["dA" + str(l + 1)], current_cache, "relu")
        grads["dA" + str(l)] = dA_prev_temp
        grads["dW" + str(l + 1)] = dW_temp
        grads["db" + str(l + 1)] = db_temp
    return grads


def update_parameters(parameters, grads, learning_rate):
    L = len(parameters) // 2
    for l in range(L):
        parameters["W" + str(l + 1)] = parameters["W" + str(l + 1)] - learning_rate * grads["dW" + str(l + 1)]
        parameters["b" + str(l + 1)] = parameters["b" + str(l + 1)] - learning_rate * grads["db" + str(l + 1)]
    return parameters


def update(params, x, y, lr):
    AL, caches = L_model_forward(x, params)
    grads = L_model_backward(AL, y, caches)
    return update_parameters(params, grads, lr)
'''

# --- odd but legal code ---------------------------------------------------------------

ODD_GEN = '''\
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
        dZ = (params["W%d" % l].T @ dZ) * acts[l - 1] * (1 - acts[l - 1])
    return grads
'''

ODD_RECURSION = '''\
import numpy as np

CACHE = {}


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def back(params, l, dZ, acts, m, grads):
    if l == 0:
        return grads
    grads["dW" + str(l)] = dZ @ acts[l - 1].T / m
    grads["db" + str(l)] = np.sum(dZ, axis=1, keepdims=True) / m
    dA = params["W" + str(l)].T @ dZ
    return back(params, l - 1, dA * acts[l - 1] * (1 - acts[l - 1]), acts, m, grads)


def gradients(params, X, Y):
    global CACHE
    L = len(params) // 2
    acts = [X]
    for l in range(1, L + 1):
        acts.append(sigmoid(params["W" + str(l)] @ acts[-1] + params["b" + str(l)]))
    CACHE["acts"] = acts
    return back(params, L, acts[-1] - Y, acts, X.shape[1], {})
'''

ODD_CALLABLE_UPDATE = '''\
import numpy as np


class SGD:
    def __init__(self):
        self.steps = 0

    def __call__(self, params, x, y, lr):
        self.steps += 1
        W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
        A1 = 1 / (1 + np.exp(-(W1 @ x + b1)))
        A2 = 1 / (1 + np.exp(-(W2 @ A1 + b2)))
        dZ2 = A2 - y
        dZ1 = W2.T @ dZ2 * A1 * (1 - A1)
        return {"W1": W1 - lr * dZ1 @ x.T, "b1": b1 - lr * dZ1,
                "W2": W2 - lr * dZ2 @ A1.T, "b2": b2 - lr * dZ2}


update = SGD()
'''

ODD_LAMBDAS = '''\
import numpy as np

sigmoid = lambda z: 1 / (1 + np.exp(-z))
dsig = lambda a: a * (1 - a)
_mean_cols = lambda M: M.sum(axis=1, keepdims=True) / M.shape[1]


def _grads(params, X, Y):
    m = X.shape[1]
    A1 = sigmoid(params["W1"] @ X + params["b1"])
    A2 = sigmoid(params["W2"] @ A1 + params["b2"])
    dZ2 = A2 - Y
    dZ1 = params["W2"].T @ dZ2 * dsig(A1)
    return dict(dW1=dZ1 @ X.T / m, db1=_mean_cols(dZ1), dW2=dZ2 @ A1.T / m, db2=_mean_cols(dZ2))


gradients = lambda params, X, Y: _grads(params, X, Y)
'''

ODD_LISTS = '''\
import numpy as np


def gradients(params, X, Y):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    m = X.shape[1]
    A1 = 1 / (1 + np.exp(-(W1 @ X + b1)))
    A2 = 1 / (1 + np.exp(-(W2 @ A1 + b2)))
    dZ2 = A2 - Y
    dZ1 = W2.T @ dZ2 * A1 * (1 - A1)
    return {"dW1": (dZ1 @ X.T / m).tolist(), "db1": (dZ1.sum(axis=1, keepdims=True) / m).tolist(),
            "dW2": (dZ2 @ A1.T / m).tolist(), "db2": float(dZ2.sum() / m)}
'''

ODD_UNICODE = '''\
import numpy as np


def σ(z):
    return 1 / (1 + np.exp(-z))


def gradients(params, X, Y):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    m = X.shape[1]
    A1 = σ(W1 @ X + b1)
    Ŷ = σ(W2 @ A1 + b2)
    δ2 = Ŷ - Y
    δ1 = W2.T @ δ2 * A1 * (1 - A1)
    return {"dW1": δ1 @ X.T / m, "db1": δ1.sum(axis=1, keepdims=True) / m,
            "dW2": δ2 @ A1.T / m, "db2": δ2.sum(axis=1, keepdims=True) / m}
'''

ODD_SCALARS_NP = '''\
import numpy as np


def update(params, x, y, lr):
    w = params["W1"]
    b = params["b1"][0, 0]           # a numpy scalar
    z = np.float64((w @ x)[0, 0] + b)
    a = 1 / (1 + np.exp(-z))
    dz = a - y[0, 0]
    return {"W1": w - lr * dz * x.T, "b1": b - lr * dz}
'''


#: Each base's preset and overrides (chosen so that hidden ReLU units are alive on some
#: rows and no two weights that a bug could confuse are equal).
SETUPS = {
    "NG": ("two-layer", {"activation": "relu", "layers": (3, 2, 1), "init": "xavier", "seed": 1}),
    "NG_UPDATE": ("two-layer", {"activation": "relu", "layers": (2, 2, 1), "init": "xavier", "seed": 1}),
    "LOOP": ("two-layer", {"layers": (3, 2, 1), "init": "xavier", "seed": 2}),
    "THREE": ("two-layer", {"activation": "relu", "layers": (4, 3, 1), "init": "he", "seed": 5}),
    "MINUS": ("two-layer", {}),
    "COMP": ("two-layer", {"activation": "tanh"}),
    "RET": ("two-outputs", {"init": "xavier", "seed": 1}),
    "LOOPS": ("two-layer", {"init": "xavier", "seed": 2}),
    "NBK": ("notebook-regression", {"init": "he", "seed": 3}),
    "NBC": ("notebook-classification", {"init": "he", "seed": 3}),
    "SCALARS": ("notebook-regression", {"init": "he", "seed": 3}),
    "LOGI": ("logistic-regression", {"init": "he", "seed": 4}),
    "LINREG": ("linear-regression", {}),
    "CLASS": ("two-layer", {}),
    "QUAD": ("notebook-regression", {"loss": "quadratic", "activation": "tanh", "init": "xavier", "seed": 1}),
    "ODD_GEN": ("two-layer", {"layers": (3, 2, 1), "init": "xavier", "seed": 2}),
    "ODD_RECURSION": ("two-layer", {"layers": (3, 2, 1), "init": "xavier", "seed": 2}),
    "ODD_CALLABLE_UPDATE": ("two-layer", {}),
    "ODD_LAMBDAS": ("two-layer", {}),
    "ODD_LISTS": ("two-layer", {}),
    "ODD_UNICODE": ("two-layer", {}),
    "ODD_SCALARS_NP": ("logistic-regression", {}),
}


def _setup(base, **more):
    preset, overrides = SETUPS[base]
    recipe = get_preset(preset).replace(**{**overrides, **more})
    data = recipe.data()
    return recipe.network(), data.X, data.Y, recipe.lr


def _text(base, replacements=()):
    text = globals()[base]
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    return text


def _line(text, marker):
    """The 1-based line of ``marker`` (its first line holding it; a marker ending in a
    newline must match a whole line's end)."""
    if marker.endswith("\n"):
        return text[:text.index(marker)].count("\n") + 1
    return next(i + 1 for i, line in enumerate(text.splitlines()) if marker in line)


def _check(tmp_path, base, text, **more):
    path = tmp_path / "mine.py"
    path.write_text(text, encoding="utf-8")
    net, X, Y, lr = _setup(base, **more)
    return check_file(path, net, X, Y, lr)


# --- the correct files: no line named, no parameter flagged ------------------------------

CORRECT = [
    ("NG", ()), ("LOOP", ()), ("THREE", ()), ("MINUS", ()), ("COMP", ()), ("RET", ()), ("LOOPS", ()),
    ("NBK", ()), ("NBC", ()), ("SCALARS", ()), ("LOGI", ()), ("LINREG", ()), ("CLASS", ()), ("QUAD", ()),
    ("NG_UPDATE", ()),
    # np.dot and * agree for one output and one example: not a bug
    ("MINUS", [("dw2 = dz2 @ a1.T", "dw2 = dz2 * a1.T"), ("dw1 = dz1 @ x.T", "dw1 = dz1 * x.T")]),
    ("THREE", [("dA2 = np.dot(W3.T, dZ3)", "dA2 = W3.T * dZ3")]),
    # rebinding params["W2"] (not in place) leaves the local W2 as it was: no stale read
    ("MINUS", [(('    params["W2"] -= lr * dw2\n    params["b2"] -= lr * db2\n    params["W1"] -= lr * dw1\n'
                 '    params["b1"] -= lr * db1\n'),
                ('    params["W2"] = params["W2"] - lr * dw2\n    params["b2"] = params["b2"] - lr * db2\n'
                 '    params["W1"] = W1 - lr * (W2.T @ dz2 * sigmoid_prime(a1)) @ x.T\n    params["b1"] = b1 - lr * db1\n'))]),
    # the gradients returned from a dict literal spread over several lines
    ("RET", [(('return {"dW1": dZ1 @ X.T / m, "db1": dZ1.sum(axis=1, keepdims=True) / m, "dW2": dZ2 @ A1.T / m, '
               '"db2": dZ2.sum(axis=1, keepdims=True) / m}'),
              ('return {\n        "dW1": dZ1 @ X.T / m,\n        "db1": dZ1.sum(axis=1, keepdims=True) / m,\n'
               '        "dW2": dZ2 @ A1.T / m,\n        "db2": dZ2.sum(axis=1, keepdims=True) / m,\n    }'))]),
    ("LINREG", [("error = Y_hat - Y", "error = (Y_hat - Y).astype(np.float32)")]),
    ("ODD_GEN", ()), ("ODD_RECURSION", ()), ("ODD_CALLABLE_UPDATE", ()), ("ODD_LAMBDAS", ()),
    ("ODD_LISTS", ()), ("ODD_UNICODE", ()), ("ODD_SCALARS_NP", ()),
]


@pytest.mark.parametrize("base, replacements", CORRECT, ids=[f"{b}-{i}" for i, (b, _) in enumerate(CORRECT)])
def test_a_correct_file_names_no_line(tmp_path, base, replacements):
    report = _check(tmp_path, base, _text(base, replacements))
    assert report.findings == () and not report.comparison.flagged()


# --- the buggy files the engine names right ----------------------------------------------

BUGS = [
    ("three_relu_dropped", "THREE", [("dZ2 = dA2 * relu_grad(Z2)", "dZ2 = dA2")], [("dZ2 = dA2", MISS)]),
    ("three_two_bugs", "THREE", [("dW3 = np.dot(dZ3, A2.T) / m", "dW3 = np.dot(dZ3, A2.T)"),
                                 ("dZ1 = dA1 * relu_grad(Z1)", "dZ1 = dA1")],
     [("dW3 = np.dot(dZ3, A2.T)", MISS), ("dZ1 = dA1", MISS)]),
    ("three_mean_then_over_m", "THREE", [("db3 = np.sum(dZ3, axis=1, keepdims=True) / m",
                                          "db3 = np.mean(dZ3, axis=1, keepdims=True) / m")],
     [("db3 = np.mean", EXTRA)]),
    ("three_sign_in_middle", "THREE", [("dA1 = np.dot(W2.T, dZ2)", "dA1 = -np.dot(W2.T, dZ2)")],
     [("dA1 = -np.dot", SIGN)]),
    ("minus_inplace_alias_stale", "MINUS", [
        ("    dz1 = (W2.T @ dz2) * sigmoid_prime(a1)\n", ""),
        ('    params["W2"] -= lr * dw2\n    params["b2"] -= lr * db2\n',
         ('    params["W2"] -= lr * dw2\n    params["b2"] -= lr * db2\n    dz1 = (W2.T @ dz2) * sigmoid_prime(a1)\n'
          '    dw1 = dz1 @ x.T\n    db1 = dz1\n')),
        ("    dw1 = dz1 @ x.T\n    db1 = dz1\n\n", "\n")],
     [("dz1 = (W2.T @ dz2)", STALE)]),
    ("minus_shallow_copy_stale", "MINUS", [
        ('    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]\n',
         '    old = params.copy()\n    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]\n'),
        ("    dz1 = (W2.T @ dz2) * sigmoid_prime(a1)\n    dw1 = dz1 @ x.T\n    db1 = dz1\n\n", ""),
        ('    params["W2"] -= lr * dw2\n    params["b2"] -= lr * db2\n',
         ('    params["W2"] -= lr * dw2\n    params["b2"] -= lr * db2\n    dz1 = (old["W2"].T @ dz2) * sigmoid_prime(a1)\n'
          '    dw1 = dz1 @ x.T\n    db1 = dz1\n'))],
     [('dz1 = (old["W2"].T', STALE)]),
    ("minus_no_lr", "MINUS", [('params["W1"] -= lr * dw1', 'params["W1"] -= dw1')], [('params["W1"] -= dw1', MISS)]),
    ("minus_update_sign", "MINUS", [('params["b2"] -= lr * db2', 'params["b2"] += lr * db2')],
     [('params["b2"] += lr * db2', SIGN)]),
    ("minus_forgot_b1", "MINUS", [('    params["b1"] -= lr * db1\n', "")], [("return params", DIFF)]),
    ("comp_tanh_at_A_d_keys", "COMP", [
        ("(1 - a1 ** 2)", "(1 - np.tanh(a1) ** 2)"), ('"W2": delta2', '"dW2": delta2'), ('"b2": delta2', '"db2": delta2'),
        ('"W1": delta1', '"dW1": delta1'), ('"b1": delta1', '"db1": delta1'), ("grads[k]", 'grads["d" + k]')],
     [("delta1 = (params", ATA)]),
    ("ret_2_dropped", "RET", [("dZ2 = 2 * (A2 - Y)", "dZ2 = A2 - Y")], [("dZ2 = A2 - Y", MISS)]),
    ("loops_swapped", "LOOPS", [("dW1[j, k] += delta1 * X[k, i] / m", "dW1[k, j] += delta1 * X[k, i] / m")],
     [("dW1[k, j] +=", (SWAP, TRANS))]),
    ("loops_db_no_m", "LOOPS", [("db2[o, 0] += delta2 / m", "db2[o, 0] += delta2")], [("db2[o, 0] += delta2", MISS)]),
    ("nbk_forgot_b1_1", "NBK", [("    params['b1'][1][0] = params['b1'][1][0] + lr * 2 * err * w2_10\n", "")],
     [("return params", DIFF)]),
    ("nbk_view_alias_stale", "NBK", [("w2_00, w2_10 = W2[0][0], W2[1][0]", "w2 = W2[:, 0]"),
                                     ("w2_00", "w2[0]"), ("w2_10", "w2[1]")],
     [(f"params['{k}'][{i}][{j}] =", STALE)
      for k, i, j in (("W1", 0, 0), ("W1", 1, 0), ("b1", 0, 0), ("W1", 0, 1), ("W1", 1, 1), ("b1", 1, 0))]),
    ("nbk_no_2", "NBK", [("params['b2'][0][0] + lr * 2 * err", "params['b2'][0][0] + lr * err")],
     [("params['b2'][0][0] =", MISS)]),
    ("nbc_swapped", "NBC", [("params['W1'][k][j] += lr * delta * x[k][0]", "params['W1'][j][k] += lr * delta * x[k][0]")],
     [("params['W1'][j][k] +=", SWAP)]),
    ("nbc_extra_sigma_prime", "NBC", [("params['W2'][j][0] += lr * (y - y_hat) * A1[j][0]",
                                       "params['W2'][j][0] += lr * (y - y_hat) * y_hat * (1 - y_hat) * A1[j][0]")],
     [("params['W2'][j][0] +=", EXTRA)]),
    ("logi_no_lr", "LOGI", [('params["W1"][0][0] = w1 - lr * dw1', 'params["W1"][0][0] = w1 - dw1')],
     [('params["W1"][0][0] = w1 - dw1', MISS)]),
    ("class_sign_dA1", "CLASS", [("dA1 = self.W2.T @ dZ2", "dA1 = -self.W2.T @ dZ2")], [("dA1 = -self.W2.T", SIGN)]),
    ("quad_extra_2", "QUAD", [("dA2 = A2 - Y", "dA2 = 2 * (A2 - Y)")], [("dA2 = 2 * (A2 - Y)", EXTRA)]),
    ("quad_tanh_at_A", "QUAD", [("tanh_derivative(Z1)", "tanh_derivative(A1)")],
     [("dZ1 = dA1 * tanh_derivative(A1)", ATA)]),
    ("quad_bias_not_summed", "QUAD", [("db1 = np.sum(dZ1, axis=1, keepdims=True) / m", "db1 = dZ1 / m")],
     [("db1 = dZ1 / m", NOTSUM)]),
    ("ng_update_no_lr", "NG_UPDATE", [('- learning_rate * grads["dW" + str(l + 1)]', '- grads["dW" + str(l + 1)]')],
     [('- grads["dW" + str(l + 1)]', MISS)]),
    ("callable_update_no_derivative", "ODD_CALLABLE_UPDATE",
     [("dZ1 = W2.T @ dZ2 * A1 * (1 - A1)", "dZ1 = W2.T @ dZ2")], [("dZ1 = W2.T @ dZ2", MISS)]),
    ("lambda_derivative_at_A", "ODD_LAMBDAS", [("dsig(A1)", "dsig(sigmoid(A1))")], [("dsig(sigmoid(A1))", ATA)]),
    ("unicode_no_derivative", "ODD_UNICODE", [("δ1 = W2.T @ δ2 * A1 * (1 - A1)", "δ1 = W2.T @ δ2")],
     [("δ1 = W2.T @ δ2", MISS)]),
]


@pytest.mark.parametrize("name, base, replacements, expected", BUGS, ids=[case[0] for case in BUGS])
def test_a_buggy_file_is_named_at_its_line_with_its_cause(tmp_path, name, base, replacements, expected):
    text = _text(base, replacements)
    report = _check(tmp_path, base, text)
    found = {(f.line, f.cause.kind) for f in report.findings}
    assert len(found) == len(expected), found
    for marker, cause in expected:
        kinds = cause if isinstance(cause, tuple) else (cause,)
        assert any(line == _line(text, marker) and kind in kinds for line, kind in found), (marker, found)


def test_a_3_layer_bug_in_a_7500_line_file_is_named_at_its_line(tmp_path):
    filler = "".join(f"def helper_{i}(x):\n    # filler {i}\n    return x + {i}\n\n\n" for i in range(1500))
    text = filler + _text("ODD_UNICODE", [("δ1 = W2.T @ δ2 * A1 * (1 - A1)", "δ1 = W2.T @ δ2")])
    report = _check(tmp_path, "ODD_UNICODE", text)
    assert {(f.line, f.cause.kind) for f in report.findings} == {(_line(text, "δ1 = W2.T @ δ2"), MISS)}


def test_a_wrong_operand_in_a_non_square_network_is_named(tmp_path):
    """X where A1 belongs, in a 2-2-3-1 network: the two have the same shape, not the same values."""
    text = _text("THREE", [("dW2 = np.dot(dZ2, A1.T) / m", "dW2 = np.dot(dZ2, X.T) / m")])
    report = _check(tmp_path, "THREE", text, layers=(2, 3, 1))
    assert {(f.line, f.cause.kind) for f in report.findings} == {(_line(text, "dW2 = np.dot(dZ2, X.T)"), OPER)}


# --- files that stop: the message names the file, the line, and what was expected --------

STOPS = [
    # W2 where W2ᵀ belongs in a non-square network: numpy's own error, at the line
    ("THREE", [("dA1 = np.dot(W2.T, dZ2)", "dA1 = np.dot(W2, dZ2)")], "dA1 = np.dot(W2, dZ2)", "not aligned"),
    # a dict comprehension over the weights alone leaves out the biases
    ("COMP", [("for k in params}", 'for k in ("W1", "W2")}')], "return params", "missing b1, b2"),
    # an L-layer loop that stops one layer short never writes dW1, db1
    ("LOOP", [("for l in range(L, 0, -1):", "for l in range(L, 1, -1):")], "return grads", "missing dW1, db1"),
]


@pytest.mark.parametrize("base, replacements, marker, words", STOPS, ids=[s[2] for s in STOPS])
def test_a_file_that_stops_is_one_message_at_its_line(tmp_path, base, replacements, marker, words):
    text = _text(base, replacements)
    with pytest.raises(UserCodeError) as caught:
        _check(tmp_path, base, text)
    assert caught.value.line == _line(text, marker) and words in str(caught.value)
    assert f"line {caught.value.line}" in str(caught.value)
