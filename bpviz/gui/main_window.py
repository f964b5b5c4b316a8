"""The main window: menus, toolbar, the page area and the status bar. It only wires the
pages, presenter mode, exports, lessons and settings together."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QPoint, QSize, Qt
from PySide6.QtGui import QAction, QActionGroup, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QMainWindow, QMessageBox, QSizePolicy, QStackedWidget, QStyle, QTabBar, QToolBar,
    QWidget,
)

from bpviz.gui.files import open_path, save_path, with_ending
from bpviz.fileio import write_problem
from bpviz.gui import style
from bpviz.gui.about import AboutDialog
from bpviz.gui.exporting import VIEWS, Exports
from bpviz.gui.presenter import Presenter
from bpviz.gui.recent import RecentLessons
from bpviz.gui.settings import Settings
from bpviz.gui.shortcuts import ShortcutSheet
from bpviz.gui.stepper import exercises
from bpviz.gui.stepper.page import StepPage
from bpviz.gui.training.page import TrainPage
from bpviz.lesson import Lesson, LessonFileError, lesson_file_name, load_lesson, save_lesson
from bpviz.presets import PRESETS, get_preset
from bpviz.resources import resource_path

#: On a screen at least this large the first window takes this share of it, centred;
#: on a smaller one (a laptop, a projector) it opens maximised.
LARGE_SCREEN = QSize(1600, 1000)
LARGE_SCREEN_SHARE = 0.9
#: The lesson file choosers' types: saving offers bpviz's own first, opening takes both.
SAVE_LESSON_TYPES = "bpviz lesson (*.bpviz);;bpviz lesson as JSON (*.json)"
OPEN_LESSON_TYPES = "bpviz lesson (*.bpviz *.json);;All files (*)"


def mnemonic(text: str, taken: set[str]) -> str:
    """``text`` with an Alt mnemonic on its first letter not in ``taken`` (which it joins)."""
    for i, char in enumerate(text):
        if char.isalpha() and char.lower() not in taken:
            taken.add(char.lower())
            return f"{text[:i]}&{text[i:]}"
    return text


class MainWindow(QMainWindow):
    def __init__(self, parent: QWidget | None = None, settings: Settings | None = None):
        super().__init__(parent)
        self.setWindowTitle("bpviz")
        self.setObjectName("main_window")
        self.resize(1280, 800)
        self.settings = settings or Settings()
        self._sheet: ShortcutSheet | None = None
        self.pages = QStackedWidget()
        self.pages.setObjectName("pages")
        self.setCentralWidget(self.pages)
        self._about: AboutDialog | None = None
        self.message: QMessageBox | None = None  # the last error shown
        self.step_page = StepPage()
        self.train_page = TrainPage()
        self.pages.addWidget(self.step_page)
        self.pages.addWidget(self.train_page)
        # The page tabs sit in the menu bar's row, so the pages keep the window's height.
        self.page_tabs = QTabBar()
        self.page_tabs.setDocumentMode(True)
        self.page_tabs.setDrawBase(False)
        self.page_tabs.addTab("Step through backprop")
        self.page_tabs.addTab("Train on MNIST")
        self.page_tabs.setAccessibleName("Pages")
        self.page_tabs.setAccessibleDescription("The step-through page or the MNIST training page")
        self.page_tabs.setToolTip("Ctrl+1 and Ctrl+2 switch pages too")
        self.page_tabs.currentChanged.connect(self.pages.setCurrentIndex)
        self.pages.currentChanged.connect(self.page_tabs.setCurrentIndex)
        self.presenter = Presenter(self, self.settings.scale)
        self.exports = Exports(self)
        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self._restore_settings()
        self.statusBar().showMessage("Ready · F1 lists the keys")

    def _build_actions(self) -> None:
        self.open_lesson_action = self._action("&Open lesson…", "Ctrl+O", self.ask_open_lesson)
        self.save_lesson_action = self._action("&Save lesson…", "Ctrl+S", self.ask_save_lesson)
        for action, tip in ((self.open_lesson_action, "Open a lesson: the page, network, weights and step where it was saved"),
                            (self.save_lesson_action, "Save where you are (page, network, weights, step) to open in class")):
            action.setToolTip(tip)
        self.quit_action = QAction("&Quit", self)
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))  # StandardKey.Quit is empty on some desktops
        self.quit_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.quit_action.triggered.connect(self.close)
        self.focus_action = QAction("&Focus on the graph", self)
        self.focus_action.setCheckable(True)
        self.focus_action.setShortcut(QKeySequence("F"))
        self.focus_action.setToolTip("Hide the side panels so the graph and the equation fill the window (F)")
        self.focus_action.toggled.connect(self.step_page.set_focus_mode)
        self.legend_action = QAction("&Graph legend", self)
        self.legend_action.setCheckable(True)
        self.legend_action.setShortcut(QKeySequence("L"))
        self.legend_action.setToolTip("What the graph's arrows, rings, fills and edges mean, in a corner of it (L)")
        self.legend_action.toggled.connect(self._on_legend_toggled)
        self.quiz_action = QAction("&Quiz mode", self)
        self.quiz_action.setCheckable(True)
        self.quiz_action.setShortcut(QKeySequence("Q"))
        self.quiz_action.setToolTip("Hide each step's result until Space or a click shows it; type an answer and "
                                    "Enter checks it (Q)")
        self.quiz_action.toggled.connect(self.step_page.set_quiz)
        self.step_page.quiz.toggled.connect(self.quiz_action.setChecked)  # a lesson opened sets it too
        stack = self.step_page.undo_stack
        self.undo_action = stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(QKeySequence("Ctrl+Z"))
        self.redo_action = stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcut(QKeySequence("Ctrl+Shift+Z"))
        self.values_action = self._action("&Network values…", "Ctrl+N", self.step_page.ask_network_values)
        self.values_action.setToolTip("Type a worked example: layer sizes, weights, biases, one row and its "
                                      "targets, activations, loss and learning rate")
        self.open_user_action = QAction("&Open your update or gradients…", self)
        self.open_user_action.setToolTip("A Python file with update(params, x, y, lr), gradients(params, X, Y) or backward(params, X, Y)")
        self.open_user_action.triggered.connect(self.step_page._on_open_user_file)
        self.open_example_action = QAction("Open the &notebook's update (buggy example)", self)
        self.open_example_action.triggered.connect(self._on_open_example)
        self.run_user_action = QAction("&Run it and compare with backprop", self)
        self.run_user_action.setShortcut(QKeySequence("Ctrl+R"))
        self.run_user_action.setToolTip("Read the file again from disk and check it apart, on every row of the table")
        self.run_user_action.triggered.connect(self.step_page.run_user_file)
        self.page_actions = []
        for index, (text, key) in enumerate((("&Step through backprop", "Ctrl+1"), ("&Train on MNIST", "Ctrl+2"))):
            action = QAction(text, self)
            action.setShortcut(QKeySequence(key))
            action.triggered.connect(lambda _=False, i=index: self.pages.setCurrentIndex(i))
            self.page_actions.append(action)
        train = self.train_page
        self.start_action = self._action("&Start (or restart) training", "Ctrl+Return", train.start)
        self.pause_action = self._action("&Pause / resume", "Ctrl+P", train.toggle_pause)
        self.stop_action = self._action("S&top", "Ctrl+.", train.stop)
        self.save_model_action = self._action("Save &model…", None, train.ask_save_model)
        self.load_model_action = self._action("&Load model…", None, train.ask_load_model)
        self.export_png_action = self._action("Export plots as P&NG…", None, lambda: train.ask_export("png"))
        self.export_svg_action = self._action("Export plots as S&VG…", None, lambda: train.ask_export("svg"))
        self.export_csv_action = self._action("Export history as &CSV…", None, lambda: train.ask_export("csv"))
        self._build_view_actions()
        self.about_action = QAction("&About bpviz", self)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.about_action.triggered.connect(self._on_about)

    def _build_view_actions(self) -> None:
        p = self.presenter
        self.presenter_action = self._action("&Presenter mode", "F5", p.toggle)
        self.presenter_action.setCheckable(True)
        self.presenter_action.setToolTip("Full screen with only the graph, the equation and big buttons (F5; Esc leaves)")
        p.presentingChanged.connect(self._on_presenting)
        self.leave_presenter_action = self._action("&Leave presenter mode", "Esc", p.leave)
        self.leave_presenter_action.setEnabled(False)
        self.bigger_action = self._action("&Bigger", "Ctrl+=", p.bigger)
        self.bigger_action.setShortcuts([QKeySequence("Ctrl+="), QKeySequence("Ctrl++")])
        self.smaller_action = self._action("S&maller", "Ctrl+-", p.smaller)
        self.actual_size_action = self._action("&Actual size (100 %)", "Ctrl+0", p.actual_size)
        p.scaleChanged.connect(self._on_scale_changed)
        self.theme_actions = {}
        group = QActionGroup(self)
        for name, text in (("system", "Follow the &system"), ("light", "&Light"), ("dark", "&Dark"),
                           ("contrast", "&High contrast")):
            action = QAction(text, self)
            action.setCheckable(True)
            action.triggered.connect(lambda _=False, n=name: self.set_theme(n))
            group.addAction(action)
            self.theme_actions[name] = action
        self.shortcuts_action = self._action("&Keyboard shortcuts", "F1", self.show_shortcuts)
        self.shortcuts_action.setShortcuts([QKeySequence("F1"), QKeySequence("?")])
        self.export_view_actions = {}
        taken: set[str] = set()  # each item of the submenu gets a letter of its own
        for name, title in VIEWS.items():
            for kind in ("png", "svg"):
                action = self._action(mnemonic(f"{title[4:].capitalize()} as {kind.upper()}…", taken), None,
                                      lambda n=name, k=kind: self.exports.ask_export_view(n, k))
                self.export_view_actions[name, kind] = action
        self.export_current_action = self._action("&Export the view…", "Ctrl+E", self.exports.ask_export_current)
        self.export_current_action.setToolTip("The graph (step page) or the plots (training page) as PNG or SVG")
        self.export_animation_action = self._action("Export &animation of steps…", "Ctrl+Shift+E",
                                                    self.exports.ask_export_animation)
        self.export_animation_action.setToolTip("A range of steps as an animated GIF or numbered PNG frames")
        self.export_handout_action = self._action("Export &worked example…", None, self.exports.ask_export_handout)
        self.export_handout_action.setToolTip("The steps of this row on paper: the graph, then each step's formula, "
                                              "numbers, result and chain, as PDF, Markdown or LaTeX")

    def _action(self, text: str, key: str | None, slot) -> QAction:
        action = QAction(text, self)
        if key:
            action.setShortcut(QKeySequence(key))
        action.triggered.connect(lambda _=False: slot())
        return action

    def _build_menus(self) -> None:
        menus = self.menuBar()
        file_menu = menus.addMenu("&File")
        file_menu.addAction(self.open_lesson_action)
        self.recent = RecentLessons(file_menu.addMenu("Open &recent"), self.settings, self.open_lesson)
        file_menu.addAction(self.save_lesson_action)
        file_menu.addSeparator()
        file_menu.addAction(self.export_current_action)
        self.export_menu = file_menu.addMenu("Export &view")
        for (name, kind), action in self.export_view_actions.items():
            self.export_menu.addAction(action)
            if kind == "svg" and name != list(VIEWS)[-1]:
                self.export_menu.addSeparator()
        file_menu.addAction(self.export_animation_action)
        file_menu.addAction(self.export_handout_action)
        file_menu.addAction(self.export_csv_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        edit_menu = menus.addMenu("&Edit")
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        edit_menu.addSeparator()
        edit_menu.addAction(self.values_action)
        debug_menu = menus.addMenu("&Debug")
        debug_menu.addAction(self.open_user_action)
        debug_menu.addAction(self.open_example_action)
        debug_menu.addAction(self.run_user_action)
        debug_menu.addSeparator()
        self.exercises_menu = debug_menu.addMenu("&Exercises")
        exercises.fill_menu(self.exercises_menu, exercises.index_path(), self._on_exercise, mnemonic,
                           self.step_page.debugger.exercise_problem)
        train_menu = menus.addMenu("&Train")
        for action in (self.start_action, self.pause_action, self.stop_action, None,
                       self.save_model_action, self.load_model_action, None, self.export_png_action,
                       self.export_svg_action, self.export_csv_action):
            train_menu.addSeparator() if action is None else train_menu.addAction(action)
        view_menu = menus.addMenu("&View")
        view_menu.addActions(self.page_actions)
        view_menu.addSeparator()
        view_menu.addAction(self.focus_action)
        view_menu.addAction(self.legend_action)
        view_menu.addAction(self.quiz_action)
        view_menu.addAction(self.presenter_action)
        view_menu.addAction(self.leave_presenter_action)
        view_menu.addSeparator()
        for action in (self.bigger_action, self.smaller_action, self.actual_size_action):
            view_menu.addAction(action)
        theme_menu = view_menu.addMenu("T&heme")
        theme_menu.addActions(list(self.theme_actions.values()))
        self.view_menu = view_menu
        help_menu = menus.addMenu("&Help")
        help_menu.addAction(self.shortcuts_action)
        help_menu.addAction(self.about_action)
        style.follow(self.page_tabs, self._apply_tabs_look)
        menus.setCornerWidget(self.page_tabs, Qt.Corner.TopRightCorner)
        # The window itself holds the actions too, so their shortcuts work wherever the
        # focus is in it (a menu is a window of its own).
        self.addActions([self.quit_action, self.open_lesson_action, self.save_lesson_action, self.focus_action, self.legend_action, self.undo_action, self.redo_action,
                         self.values_action, self.run_user_action, *self.page_actions, self.start_action,
                         self.pause_action, self.stop_action, self.presenter_action,
                         self.leave_presenter_action, self.bigger_action, self.smaller_action,
                         self.actual_size_action, self.shortcuts_action, self.export_current_action,
                         self.export_animation_action])
        self.addAction(self.quiz_action)  # Q works in presenter mode too, with the menus hidden
        self.pages.currentChanged.connect(self._on_page_changed)
        self._on_page_changed(self.pages.currentIndex())
        self.train_page.availabilityChanged.connect(self._on_training_availability)
        self._on_training_availability()

    def _apply_tabs_look(self) -> None:
        self.page_tabs.setStyleSheet(
            # no taller than the menus; the page shown underlined; a ring round it while the
            # tabs have the keyboard's focus (its 2 px border is there, unseen, on every tab:
            # the focus moves nothing)
            "QTabBar::tab { padding: 0px 10px; border: 2px solid transparent; border-bottom: 3px solid transparent;"
            f" color: {style.MUTED.name()}; }}"
            f"QTabBar::tab:selected {{ color: {style.INK.name()}; font-weight: bold;"
            f" border-bottom: 3px solid {style.INK.name()}; }}"
            f"QTabBar::tab:selected:focus {{ border-color: {style.FORWARD.name()}; border-radius: 3px; }}")
        # A child with a style sheet keeps the menu bar from taking a new application
        # palette by itself (it stayed light under the dark theme): give it the palette.
        self.menuBar().setPalette(style.palette())

    def _build_toolbar(self) -> None:
        """The few things a class needs at hand; every one is in a menu too."""
        bar = QToolBar("Toolbar")
        bar.setObjectName("toolbar")
        bar.setMovable(False)
        bar.setIconSize(QSize(18, 18))
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        icons = self.style()
        pixmap = QStyle.StandardPixmap
        for entry in (
            (self.open_lesson_action, pixmap.SP_DialogOpenButton, "Open lesson", False),
            (self.save_lesson_action, pixmap.SP_DialogSaveButton, "Save lesson", False),
            None,
            (self.presenter_action, pixmap.SP_TitleBarMaxButton, "Present", True),
            (self.export_current_action, pixmap.SP_FileDialogContentsView, "Export view", True),
            (self.export_animation_action, pixmap.SP_MediaPlay, "Export animation", True),
            None,
            (self.shortcuts_action, pixmap.SP_MessageBoxQuestion, "Keys", False),
        ):
            if entry is None:
                bar.addSeparator()
                continue
            action, icon, text, ink = entry
            action.setIcon(icons.standardIcon(icon))
            if ink:  # black line icons: drawn in the theme's ink so they show on dark too
                style.follow(bar, lambda a=action, i=icon: a.setIcon(style.icon(i, self)))
            action.setIconText(text)
            bar.addAction(action)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
        self.toolbar = bar

    def chrome_widgets(self) -> list[QWidget]:
        """What presenter mode hides: menus (their keys still work), toolbar, status bar,
        and the page tabs (Ctrl+1 and Ctrl+2 still switch)."""
        return [self.menuBar(), self.toolbar, self.statusBar()]

    # Settings ----------------------------------------------------------------------------
    def _restore_settings(self) -> None:
        s = self.settings
        if s.geometry is None or not self.restoreGeometry(s.geometry):
            self._fit_to_screen()
        self.set_theme(s.theme, save=False)
        self.legend_action.setChecked(s.legend)
        self.step_page.graph.legend.set_shown(s.legend)
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._follow_system)  # bound: goes with the window
        self.step_page.controller.set_speed(s.speed)
        self.step_page.controller.speedChanged.connect(self._on_speed_changed)
        if s.step_preset and s.step_preset != self.step_page.session.recipe.name:
            self.step_page.set_recipe(get_preset(s.step_preset))
        if s.train_preset:
            self.train_page.form.set_recipe(get_preset(s.train_preset))

    def _fit_to_screen(self) -> None:
        """The first launch: fill a small screen (a projector's 1280×800, where a 1280×800
        window with its title bar would push the status bar off the bottom), and take
        most of a large one, centred."""
        area = (self.screen() or QGuiApplication.primaryScreen()).availableGeometry()
        if area.width() < LARGE_SCREEN.width() or area.height() < LARGE_SCREEN.height():
            self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)
            return
        size = QSize(round(area.width() * LARGE_SCREEN_SHARE), round(area.height() * LARGE_SCREEN_SHARE))
        self.resize(size)
        self.move(area.center() - QPoint(size.width() // 2, size.height() // 2))

    def _save_settings(self) -> None:
        s = self.settings
        s.geometry = self.saveGeometry()
        recipe = self.step_page.session.recipe
        if PRESETS.get(recipe.name) == recipe:
            s.step_preset = recipe.name
        s.train_preset = self.train_page.form.preset.currentText()
        s.sync()

    def set_theme(self, choice: str, save: bool = True) -> None:
        """"system", "light" or "dark": recolour the whole app now, and remember it."""
        self.theme_choice = choice
        self.theme_actions[choice].setChecked(True)
        style.apply_theme(style.resolve(choice))
        if save:
            self.settings.theme = choice

    def _follow_system(self, *_) -> None:
        if self.theme_choice == "system":
            style.apply_theme(style.resolve("system"))

    def _on_legend_toggled(self, on: bool) -> None:
        self.step_page.graph.legend.set_shown(on)
        if self.settings.legend != on:  # restoring it writes nothing
            self.settings.legend = on

    def _on_speed_changed(self, speed: int) -> None:
        self.settings.speed = speed

    def _on_scale_changed(self, percent: int) -> None:
        self.settings.scale = percent
        self.statusBar().showMessage(f"UI scale {percent} %", 3000)

    def _on_presenting(self, on: bool) -> None:
        self.presenter_action.setChecked(on)
        self.leave_presenter_action.setEnabled(on)
        if on:
            self.step_page.graph.setFocus()

    def show_shortcuts(self) -> ShortcutSheet:
        if self._sheet is None:
            self._sheet = ShortcutSheet(self.menuBar(), self)
        self._sheet.show()
        self._sheet.raise_()
        return self._sheet

    def _on_training_availability(self) -> None:
        """The Train menu offers what the page's buttons offer."""
        page = self.train_page
        for action, button in ((self.save_model_action, page.save_button),
                               (self.load_model_action, page.load_button),
                               (self.export_png_action, page.export_png_action),
                               (self.export_svg_action, page.export_svg_action),
                               (self.export_csv_action, page.export_csv_action)):
            action.setEnabled(button.isEnabled())

    def _on_page_changed(self, index: int) -> None:
        """Each page's keys work only on that page (F on the training page is a letter).
        Only the page shown sets the window's least size: a stack holds its window to the
        widest of its pages, and a page not shown kept the window wider than a 1024×768
        screen."""
        for i in range(self.pages.count()):
            policy = QSizePolicy.Policy.Preferred if i == index else QSizePolicy.Policy.Ignored
            self.pages.widget(i).setSizePolicy(policy, policy)
        stepping = self.pages.widget(index) is self.step_page
        for action in (self.focus_action, self.legend_action, self.run_user_action, self.export_animation_action,
                       self.values_action, self.quiz_action, self.export_handout_action):
            action.setEnabled(stepping)
        for action in (self.start_action, self.pause_action, self.stop_action):
            action.setEnabled(not stepping)

    def _on_open_example(self) -> None:
        self.step_page.debugger.open_example(resource_path("examples", "notebook_update.py"), "notebook-regression")

    def _on_exercise(self, exercise) -> None:
        self.pages.setCurrentWidget(self.step_page)
        self.step_page.open_exercise(exercise)

    # Lessons ---------------------------------------------------------------------------
    def save_lesson(self, path) -> bool:
        """Write where the app is to ``path``; a message (and False) when it cannot."""
        page = "step" if self.pages.currentWidget() is self.step_page else "train"
        form = self.train_page.form
        train = form.recipe() or get_preset(form.preset.currentText())
        try:
            saved = save_lesson(path, Lesson(page, self.step_page.lesson_state(), train))
        except OSError as exc:
            self.show_error("Could not save the lesson", write_problem(path, exc))
            return False
        self.statusBar().showMessage(f"Saved the lesson to {saved}", 5000)
        self.recent.add(path)
        self._name_lesson(saved)
        return True

    def _name_lesson(self, path) -> None:
        """The window's title names the lesson open (a class sees which one it is)."""
        self.setWindowTitle(f"{Path(path).name} — bpviz")

    def open_lesson(self, path) -> bool:
        """Go where the lesson at ``path`` was saved; a message (and False) when it cannot,
        and what is shown stays as it was."""
        try:
            lesson = load_lesson(path)
        except LessonFileError as exc:
            self.show_error("Could not open the lesson", str(exc))
            return False
        if not self.step_page.open_lesson(lesson.step):
            self.show_error("Could not open the lesson", f"{path}: its step-through page does not fit together "
                                                          "(see the message beside the form)")
            return False
        self.train_page.form.set_recipe(lesson.train)
        self.pages.setCurrentWidget(self.step_page if lesson.page == "step" else self.train_page)
        self.statusBar().showMessage(f"Opened the lesson {Path(path).name}", 5000)
        self.recent.add(path)
        self._name_lesson(path)
        return True

    def ask_save_lesson(self) -> None:
        path, chosen = save_path(self, "Save lesson", self.recent.folder("lesson.bpviz"), SAVE_LESSON_TYPES)
        target = with_ending(self, path, lesson_file_name(path, as_json="*.json" in chosen)) if path else None
        if target:
            self.save_lesson(target)

    def ask_open_lesson(self) -> None:
        path, _ = open_path(self, "Open lesson", self.recent.folder(), OPEN_LESSON_TYPES)
        if path:
            self.open_lesson(path)

    def show_error(self, title: str, text: str) -> None:
        """A window-modal message that does not block (so scripts and tests go on)."""
        self.message = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, self)
        self.message.open()

    def closeEvent(self, event) -> None:
        if self.exports.animation is not None:
            self.exports.animation.cancel()
        for dialog in (self.message, self._sheet, self._about):
            if dialog is not None:
                dialog.close()
        self.presenter.leave()  # so that the geometry saved is the window's, not full screen
        self._save_settings()
        self.train_page.shutdown()  # joins the training thread before the window goes
        self.step_page.debugger.cancel()  # and stops a user's file still running apart
        super().closeEvent(event)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.step_page.graph.setFocus()  # so that Space plays at once

    def event(self, event) -> bool:
        # A menu that closes sends an empty status tip, which would wipe at once what the
        # item just clicked said there ("Exported the graph to …"). No action has a tip.
        if event.type() == QEvent.Type.StatusTip and not event.tip():
            return True
        return super().event(event)

    def _on_about(self) -> AboutDialog:
        if self._about is None:
            self._about = AboutDialog(self)
        self._about.open()
        return self._about
