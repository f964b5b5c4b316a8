"""The main window: menus, the page area and the status bar. It only wires pages together."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QStackedWidget, QWidget

from bpviz.gui.about import AboutDialog


class MainWindow(QMainWindow):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("bpviz")
        self.resize(1280, 800)
        self.pages = QStackedWidget()
        self.pages.setObjectName("pages")
        self.setCentralWidget(self.pages)
        self._about: AboutDialog | None = None
        self._build_actions()
        self._build_menus()
        self._show_empty_page_hint()
        self.statusBar().showMessage("Ready")

    def _build_actions(self) -> None:
        self.quit_action = QAction("&Quit", self)
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))  # StandardKey.Quit is empty on some desktops
        self.quit_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.quit_action.triggered.connect(self.close)
        self.about_action = QAction("&About bpviz", self)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.about_action.triggered.connect(self._on_about)

    def _build_menus(self) -> None:
        menus = self.menuBar()
        file_menu = menus.addMenu("&File")
        file_menu.addAction(self.quit_action)
        help_menu = menus.addMenu("&Help")
        help_menu.addAction(self.about_action)

    def _show_empty_page_hint(self) -> None:
        hint = QLabel("bpviz\n\nBackpropagation, made visible.")
        hint.setObjectName("emptyPageHint")
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint.setStyleSheet("color: palette(mid); font-size: 20pt;")
        self.pages.addWidget(hint)

    def _on_about(self) -> AboutDialog:
        if self._about is None:
            self._about = AboutDialog(self)
        self._about.open()
        return self._about
