"""The main window: menus, the page area and the status bar. It only wires pages together."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QStackedWidget, QWidget

from bpviz.gui.about import AboutDialog
from bpviz.gui.stepper.page import StepPage


class MainWindow(QMainWindow):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("bpviz")
        self.resize(1280, 800)
        self.pages = QStackedWidget()
        self.pages.setObjectName("pages")
        self.setCentralWidget(self.pages)
        self._about: AboutDialog | None = None
        self.step_page = StepPage()
        self.pages.addWidget(self.step_page)
        self._build_actions()
        self._build_menus()
        self.statusBar().showMessage("Ready")

    def _build_actions(self) -> None:
        self.quit_action = QAction("&Quit", self)
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))  # StandardKey.Quit is empty on some desktops
        self.quit_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.quit_action.triggered.connect(self.close)
        self.focus_action = QAction("&Focus on the graph", self)
        self.focus_action.setCheckable(True)
        self.focus_action.setShortcut(QKeySequence("F"))
        self.focus_action.setToolTip("Hide the side panels so the graph and the equation fill the window (F)")
        self.focus_action.toggled.connect(self.step_page.set_focus_mode)
        self.about_action = QAction("&About bpviz", self)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.about_action.triggered.connect(self._on_about)

    def _build_menus(self) -> None:
        menus = self.menuBar()
        file_menu = menus.addMenu("&File")
        file_menu.addAction(self.quit_action)
        view_menu = menus.addMenu("&View")
        view_menu.addAction(self.focus_action)
        help_menu = menus.addMenu("&Help")
        help_menu.addAction(self.about_action)
        # The window itself holds the actions too, so their shortcuts work wherever the
        # focus is in it (a menu is a window of its own).
        self.addActions([self.quit_action, self.focus_action])

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.step_page.graph.setFocus()  # so that Space plays at once

    def _on_about(self) -> AboutDialog:
        if self._about is None:
            self._about = AboutDialog(self)
        self._about.open()
        return self._about
