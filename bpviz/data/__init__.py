"""Datasets for bpviz: IDX files, MNIST and (later) the notebook's toy tables. numpy only."""

from bpviz.data.mnist import (
    MnistData,
    binary_subset,
    load_mnist,
    labels_row,
    one_hot,
    to_columns,
)

__all__ = ["MnistData", "binary_subset", "load_mnist", "labels_row", "one_hot", "to_columns"]
