"""Data benchmarks: loading MNIST with numpy against python-mnist, side by side."""

from __future__ import annotations

from benchmarks import at_least, at_most, case, info, interleave, median


@case("load", "Load all 70,000 MNIST images (embedded .gz files)")
def load_mnist_side_by_side(repeat: int):
    from mnist import MNIST

    from bpviz.data.mnist import _load, embedded_mnist_dir

    directory = embedded_mnist_dir()

    def ours():
        data = _load(directory)  # uncached: reads and decompresses every time
        assert len(data.train_images) + len(data.test_images) == 70000

    def python_mnist():
        reader = MNIST(str(directory), return_type="numpy", gz=True)
        reader.load_training()
        reader.load_testing()

    samples = interleave(repeat, ours=ours, python_mnist=python_mnist)
    ours_s, theirs_s = median(samples["ours"]), median(samples["python_mnist"])
    return [
        at_most("bpviz load_mnist", ours_s, "s", 0.3, samples["ours"]),
        info("python-mnist (reference)", theirs_s, "s", samples["python_mnist"]),
        at_least("speed-up vs python-mnist", theirs_s / ours_s, "x", 20),
    ]
