"""What the training views' tests share: one quick real 5-vs-8 model, trained once."""

from __future__ import annotations

import numpy as np
import pytest

from bpviz.data.mnist import binary_subset, load_mnist
from bpviz.nn.train import train
from bpviz.presets import get_preset


@pytest.fixture(scope="session")
def five_or_eight():
    """A quick real 5-vs-8 model, its test output, and the test digits it saw:
    (net, data, images, labels, A on the test set, A on the training set)."""
    recipe = get_preset("fast").replace(train_size=600, epochs=3)
    data, net = recipe.data(), recipe.network()
    list(train(net, data, recipe.train_config()))
    mnist = load_mnist()
    images, labels = binary_subset(mnist.test_images, mnist.test_labels, (5, 8))
    A, _ = net.forward(data.X_test)
    A_train, _ = net.forward(data.X)
    return net, data, images.reshape(len(images), -1), labels.astype(np.int64), A, A_train
