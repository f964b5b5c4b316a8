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
        dZ1 = dA1 * self.A2 * (1 - self.A2)
        dW1 = dZ1 @ self.X.T / m
        db1 = dZ1.sum(axis=1, keepdims=True) / m
        return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}


def gradients(params, X, Y):
    net = TwoLayerNet(params)
    net.forward(X)
    return net.backward(Y)
