"""The About dialog: what bpviz is, its version, the versions of Python, Qt and the libraries
it runs on (what a bug report needs), and the credits for MNIST."""

from __future__ import annotations

import platform

import numpy as np
import pyqtgraph as pg
import PySide6
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from bpviz import __version__
from bpviz.data.mnist import MNIST_CREDIT_HTML


class AboutDialog(QDialog):
    """A small non-blocking dialog; open it with ``open()`` or ``show()``."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("About bpviz")
        self.setMinimumWidth(460)
        self.text = QLabel(self._html())
        self.text.setObjectName("aboutText")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.text.setOpenExternalLinks(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)

    @staticmethod
    def _html() -> str:
        return (
            f"<h2>bpviz {__version__}</h2>"
            "<p>Backpropagation made visible: the layer graph with blue forward and red "
            "backward arrows, every chain-rule step with real numbers, and MNIST models "
            "trained live.</p>"
            f"<h3>Data</h3><p>{MNIST_CREDIT_HTML}</p>"
            "<h3>Built with</h3>"
            f"<p>Qt {qVersion()}, Qt for Python (PySide6 {PySide6.__version__}), "
            f"pyqtgraph {pg.__version__}, numpy {np.__version__}, "
            f"on Python {platform.python_version()}.</p>"
        )
