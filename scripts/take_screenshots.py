"""Open the real app's windows, let them settle, and save each as a PNG (see scripts/screenshots)."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np
from PySide6.QtCore import QEventLoop, QSettings, Qt, QTimer
from PySide6.QtGui import QGuiApplication

from bpviz.gui.app import create_application
from bpviz.gui.main_window import MainWindow


def settle(ms: int = 300) -> None:
    """Run the event loop for ``ms`` so layouts, fonts and animations finish."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def save(widget, path: Path) -> Path:
    """The widget as the screen shows it (the X framebuffer under Xvfb), else as Qt renders it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if QGuiApplication.platformName() == "xcb":
        area = widget.screen().geometry()
        if widget.isWindow() and not area.contains(widget.frameGeometry()):
            widget.move(area.topLeft())  # a window resized past the screen's edge: the grab would cut it
            settle(200)
        pixmap = widget.screen().grabWindow(widget.winId())
    else:
        pixmap = widget.grab()
    if not pixmap.save(str(path)):
        raise SystemExit(f"screenshots: could not write {path}")
    print(f"wrote {path} ({pixmap.width()}x{pixmap.height()}, {QGuiApplication.platformName()})")
    return path


def run(page, preset: str, iterations: int, train_size: int = 1000) -> None:
    """One run on the training page, on the first ``train_size`` images, to its end."""
    page.form.preset.setCurrentText(preset)
    page.form.length.setValue(iterations)
    page.form.train_size.setEditText(str(train_size))
    loop = QEventLoop()
    page.runner.finished.connect(loop.quit)
    page.runner.failed.connect(loop.quit)
    page.start()
    loop.exec()
    page.runner.finished.disconnect(loop.quit)
    page.runner.failed.disconnect(loop.quit)
    if page.history.status != "finished":
        raise SystemExit(f"screenshots: the {preset} run did not finish: {page.status.text()}")


def training_pictures(window, out: Path) -> None:
    """The training page after the tutorial's two networks ran side by side (the bigger
    one does worse with the same iterations), their gradients, the predictions, and a
    digit drawn."""
    from bpviz.data.mnist import load_mnist

    window.pages.setCurrentWidget(window.train_page)
    page = window.train_page
    run(page, "tutorial-bigger", 150)
    run(page, "tutorial", 150)
    page.diagram.pulse()
    settle(700)  # mid-pulse: the backward arrows glow
    save(window, out / "training.png")
    # The Gradients tab: the two runs side by side, the bigger one's gradients far smaller.
    page.inside.setCurrentWidget(page.gradients)
    settle(1200)  # the histograms redraw at most once a second
    save(window, out / "training-gradients.png")
    # The bigger network's histograms (run #2 hidden, so they follow run #1): each layer's
    # |dW| a decade or so left of the next one's.
    page.plots.set_run_visible(1, False)
    page.gradients.show_histograms(True)
    settle(1200)
    save(window, out / "training-histograms.png")
    page.gradients.show_histograms(False)
    page.plots.set_run_visible(1, True)
    page.inside.setCurrentWidget(page.gallery)
    settle()
    save(window, out / "training-predictions.png")
    mnist = load_mnist()
    eight = mnist.test_images[list(mnist.test_labels).index(8)].reshape(28, 28) / 255
    page.draw.set_ink(np.kron(eight, np.ones((10, 10))))  # as if drawn on the 280×280 canvas
    page.inside.setCurrentWidget(page.draw)
    settle()
    save(window, out / "training-draw.png")
    window.pages.setCurrentWidget(window.step_page)


def classroom_pictures(window, out: Path) -> None:
    """Presenter mode at 150 %, the dark theme, and the shortcut sheet."""
    page = window.step_page
    window.resize(1280, 800)
    page.controller.set_index(20)
    window.presenter.set_presenting(True)
    window.presenter.set_scale(150)
    window.presenter.toast.hide()
    settle(900)
    save(window, out / "presenter.png")
    window.presenter.set_scale(100)
    window.presenter.set_presenting(False)
    window.resize(1280, 800)
    window.set_theme("dark", save=False)
    settle(700)
    save(window, out / "dark.png")
    window.pages.setCurrentWidget(window.train_page)
    settle(300)
    save(window, out / "training-dark.png")
    window.pages.setCurrentWidget(window.step_page)
    window.set_theme("light", save=False)
    sheet = window.show_shortcuts()
    settle(300)
    save(sheet, out / "shortcuts.png")
    sheet.close()


def teaching_pictures(window, out: Path) -> None:
    """Quiz mode in presenter mode (step 14 answered right, step 15 asked), and the step page
    and the training page in the high-contrast theme."""
    page = window.step_page
    window.resize(1280, 800)
    page.set_quiz(True)
    window.presenter.set_presenting(True)
    window.presenter.set_scale(150)
    window.presenter.toast.hide()
    page.controller.set_index(13)  # da[1]_1 = w[2]_11·dz[2]_1: the class answers
    page.quiz_bar.answer.setText("-0.736")
    page.quiz_bar.check()
    page.controller.set_index(14)  # and the next question waits
    page.quiz_bar.answer.setText("")
    settle(900)
    save(window, out / "teaching.png")
    window.presenter.set_scale(100)
    window.presenter.set_presenting(False)
    page.set_quiz(False)
    window.resize(1280, 800)
    window.set_theme("contrast", save=False)
    page.controller.set_index(20)
    settle(700)
    save(window, out / "high-contrast.png")
    window.pages.setCurrentWidget(window.train_page)
    settle(300)
    save(window, out / "training-contrast.png")
    window.pages.setCurrentWidget(window.step_page)
    window.set_theme("light", save=False)
    window.resize(1280, 800)
    settle(300)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/screenshots", description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("docs"), help="folder for the PNGs")
    args = parser.parse_args(argv)
    # Fresh settings, so that the pictures never depend on (or change) the user's own.
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp(prefix="bpviz-shots-"))
    create_application()  # the process's QApplication; windows need it first
    window = MainWindow()
    window.setWindowState(Qt.WindowState.WindowNoState)  # a first start maximises on a small screen
    window.move(0, 0)  # and centres on a large one: the 1600-wide pictures must fit the screen
    window.resize(1280, 800)
    window.show()
    settle()
    save(window, args.out / "main-window.png")
    page = window.step_page
    for index, name in ((4, "step-forward.png"), (20, "step-backward.png")):
        page.controller.set_index(index)
        settle(700)  # let the arrow pulse arrive
        save(window, args.out / name)
    window.focus_action.setChecked(True)
    settle(300)
    save(window, args.out / "step-focus.png")
    window.focus_action.setChecked(False)
    settle(300)
    teaching_pictures(window, args.out)  # on the notebook's first row, before the debugger marks it
    # The gradient debugger: the notebook's buggy update run apart and judged line by line;
    # line 34 chosen (a stale read of W2 and a swapped index): its weight lit, its gradient shown.
    window.resize(1600, 900)
    window.open_example_action.trigger()
    window.run_user_action.trigger()
    while page.debugger.busy():  # the window waits for nothing; the picture waits for the run
        settle(100)
    chosen = next((i for i, f in enumerate(page.code.findings) if f.line == 34), None)
    if chosen is None:
        raise SystemExit(f"screenshots: the notebook's update was not judged: {page.code.error.text()}")
    page.code.list.setCurrentRow(chosen)
    settle(700)
    save(window, args.out / "debugger.png")
    training_pictures(window, args.out)
    classroom_pictures(window, args.out)
    window._on_about()
    settle()
    save(window._about, args.out / "about.png")
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
