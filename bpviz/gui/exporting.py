"""The window's export workflows: a view to PNG or SVG, a range of steps to a GIF or PNG
frames with a progress dialog, and the worked example on paper (PDF, Markdown, LaTeX).
The drawing itself is in ``export``, ``stepper.animation`` and ``handout_pdf`` (the text
in ``bpviz.handout``); this only asks for files, shows progress and reports."""

from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import replace

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QApplication, QMainWindow, QProgressDialog, QStackedWidget, QTabWidget, QWidget

from bpviz import handout
from bpviz.fileio import atomic_write_bytes, atomic_write_files, shown_path, write_problem, write_target
from bpviz.gui.export import ending_problem, export_view
from bpviz.gui.files import may_replace, save_path, with_ending
from bpviz.gui.stepper.animation import AnimationExport, AnimationSpec
from bpviz.gui.handout_pdf import graph_png, handout_pdf
from bpviz.gui.stepper.animation_dialog import AnimationDialog
from bpviz.gui.stepper.handout_dialog import HandoutDialog, HandoutSpec

#: The views File > Export offers, by name.
VIEWS = {"graph": "the graph", "equation": "the equation panel", "loss": "the loss plot",
         "plots": "the training plots", "gradients": "the gradient plots", "diagram": "the model diagram"}


class Exports(QObject):
    """The export workflows of a main window (with ``step_page``, ``train_page``,
    ``pages``, ``show_error`` and a status bar)."""

    def __init__(self, window: QMainWindow):
        super().__init__(window)
        self.window = window
        self.animation: AnimationExport | None = None  # the export under way
        self.progress: QProgressDialog | None = None
        self.handout_last: HandoutSpec | None = None  # the handout dialog's last choices, offered again

    def view_widget(self, name: str) -> QWidget:
        step, train = self.window.step_page, self.window.train_page
        return {"graph": step.graph, "equation": step.equation, "loss": step.loss_plot,
                "plots": train.plots.canvas, "gradients": train.gradients, "diagram": train.diagram}[name]

    def export_view(self, name: str, path) -> bool:
        """Write view ``name`` (see VIEWS) to ``path`` (.png or .svg); a message when it cannot."""
        try:
            with self._laid_out(name):
                written = export_view(self.view_widget(name), path)
        except OSError as exc:
            self.window.show_error("Could not export", write_problem(path, exc))
            return False
        except Exception as exc:  # pyqtgraph's exporters raise plain exceptions (a plot of no size)
            self.window.show_error("Could not export", f"{path}: {VIEWS[name]} could not be drawn ({exc})")
            return False
        self._say(f"Exported {VIEWS[name]} to {written}")
        return True

    @contextmanager
    def _laid_out(self, name: str):
        """A view on a page or tab not shown has never been laid out (Qt sizes only what
        is shown): show each page and tab it sits in while it is drawn, then go back."""
        view = self.view_widget(name)
        shown = []  # (a stack or tab widget, what it showed)
        child = view
        while child.parentWidget() is not None and child is not self.window:
            stack = child.parentWidget()
            if isinstance(stack, QStackedWidget) and stack.currentWidget() is not child:
                tabs = stack.parentWidget()
                switch = tabs if isinstance(tabs, QTabWidget) else stack  # a tab widget's page updates when shown
                shown.append((switch, switch.currentWidget()))
                switch.setCurrentWidget(child)
            child = stack
        if shown:
            QApplication.sendPostedEvents()  # the layout requests: the view takes its size
        try:
            yield
        finally:
            for stack, widget in shown:
                stack.setCurrentWidget(widget)

    def _say(self, text: str) -> None:
        """In the status bar, or on screen while presenting (the status bar is hidden)."""
        if self.window.presenter.presenting:
            self.window.presenter.toast.say(text)
        else:
            self.window.statusBar().showMessage(text, 8000)

    def ask_export_view(self, name: str, kind: str | None = None) -> None:
        filters = {"png": "PNG image (*.png)", "svg": "SVG drawing (*.svg)"}
        chosen = [filters[kind]] if kind else list(filters.values())
        path, used = save_path(self.window, f"Export {VIEWS[name]}", f"{name}.{kind or 'png'}",
                                                 ";;".join(chosen))
        if path:
            if path.lower().endswith((".png", ".svg")) and kind is None:
                self.export_view(name, path)  # the suffix typed decides
                return
            suffix = kind or ("svg" if used.startswith("SVG") else "png")
            target = with_ending(self.window, path, with_suffix(path, "." + suffix))
            if target:
                self.export_view(name, target)

    def ask_export_current(self) -> None:
        """Ctrl+E: the graph on the step page; on the training page the gradient plots while
        the Gradients tab is shown, else the cost and accuracy plots."""
        window = self.window
        if window.pages.currentWidget() is window.step_page:
            self.ask_export_view("graph")
        else:
            train = window.train_page
            self.ask_export_view("gradients" if train.inside.currentWidget() is train.gradients else "plots")

    def export_animation(self, spec: AnimationSpec) -> AnimationExport | None:
        """Start exporting ``spec`` with a progress dialog (Cancel stops it); None, with a
        message, when the spec does not fit the trace or an export is under way."""
        steps = self.window.step_page.controller.steps
        problem = f"{spec.path}: an export is under way" if self.animation is not None else spec.problem(len(steps))
        if problem:
            self.window.show_error("Could not export the animation", problem)
            return None
        job = AnimationExport(spec, steps, self.window.step_page.network_shown(), self)
        self.progress = QProgressDialog(f"Drawing steps {spec.first + 1} to {spec.last + 1}…", "Cancel",
                                        0, spec.count, self.window)
        self.progress.setWindowTitle("Export animation")
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.setMinimumDuration(0)
        self.progress.setAutoClose(False)
        self.progress.setAutoReset(False)
        self.progress.canceled.connect(job.cancel)
        job.progressed.connect(self._on_animation_progress)
        job.finished.connect(lambda text: self._on_animation_end(text, ""))
        job.failed.connect(lambda text: self._on_animation_end("", text))
        self.animation = job
        self.progress.show()
        job.start()
        return job

    def _on_animation_progress(self, done: int) -> None:
        if self.progress is not None:
            self.progress.setValue(done)
            if self.animation and done == self.animation.spec.count and self.animation.spec.kind == "gif":
                self.progress.setLabelText("Writing the GIF…")

    def _on_animation_end(self, done: str, failed: str) -> None:
        self.animation = None
        if self.progress is not None:
            self.progress.canceled.disconnect()
            self.progress.close()
            self.progress.deleteLater()
            self.progress = None
        if failed and "cancelled" in failed:
            self._say(failed)
        elif failed:
            self.window.show_error("Could not export the animation", failed)
        else:
            self._say(done)

    def ask_export_animation(self) -> None:
        steps = self.window.step_page.controller.steps
        page = self.window.step_page
        dialog = AnimationDialog(len(steps), page.controller.index, self.window, quiz=page.quiz.on)
        try:
            accepted = dialog.exec()
            spec = dialog.spec("")  # read while the dialog lives (never WA_DeleteOnClose here)
        finally:
            dialog.deleteLater()
        if not accepted:
            return
        gif = spec.kind == "gif"
        path, _ = save_path(
            self.window, "Export animation" if gif else "Export frames (numbered from this name)",
            "steps.gif" if gif else "steps.png", "Animated GIF (*.gif)" if gif else "PNG frames (*.png)")
        target = with_ending(self.window, path, with_suffix(path, ".gif" if gif else ".png")) if path else None
        if target:
            self.export_animation(replace(spec, path=target))


    # --- the worked example on paper ------------------------------------------------------
    def ask_export_handout(self) -> None:
        """File > Export worked example…: its dialog, then the file chooser, then one
        question naming the files already there that it would replace (No: the chooser
        again), then the files."""
        steps = self.window.step_page.controller.steps
        dialog = HandoutDialog(len(steps), self.window, last=self.handout_last)
        try:
            accepted = dialog.exec()
            spec = dialog.spec()  # read while the dialog lives
        finally:
            dialog.deleteLater()
        if not accepted:
            return
        self.handout_last = spec  # offered again next time, the export done or not (a worksheet stays one)
        suggested = f"{'worksheet' if spec.blank else 'worked-example'}.{spec.ending}"
        while True:
            path, _ = save_path(self.window, "Export worked example", suggested, spec.filter, ask_to_replace=False)
            if not path:
                return
            path = with_suffix(path, "." + spec.ending)
            if self._may_replace(handout_files(spec, path)):
                break
            suggested = path
        self.export_handout(spec, path)

    def _may_replace(self, files: list[str]) -> bool:
        """Whether the files of ``files`` already there may be replaced: yes when there are
        none (or a file is refused: the export says why), else the user's answer."""
        try:
            taken = [path for path in files if write_target(path).exists()]
        except OSError:
            return True
        if not taken:
            return True
        roles = {files[0]: "the worked example", **({files[1]: "its picture of the graph"} if len(files) > 1 else {})}
        what = " and ".join(roles[path] for path in taken)
        return may_replace(self.window, taken, f"Replace {'it' if len(taken) == 1 else 'them'} with {what}? "
                                               f"No chooses another name.")

    def export_handout(self, spec: HandoutSpec, path) -> bool:
        """Write steps ``spec.first`` to ``spec.last`` of the row shown to ``path`` as
        ``spec.kind``; Markdown and LaTeX get the graph as a PNG beside them (see
        ``handout_files``), both written or neither. A message (and False) when it cannot;
        then no file has changed."""
        page = self.window.step_page
        steps = page.controller.steps
        problem = ending_problem(path, (spec.ending,))
        if not problem and not 0 <= spec.first <= spec.last < len(steps):
            problem = f"steps: expected a range within 1 to {len(steps)}, first before last; " \
                      f"got {spec.first + 1} to {spec.last + 1}"
        if problem:
            self.window.show_error("Could not export the worked example", f"{shown_path(path)}: {problem}")
            return False
        worked = handout.handout(steps, *self._about(page), first=spec.first, last=spec.last, blank=spec.blank)
        network = page.network_shown()
        files = handout_files(spec, path)
        try:
            if spec.kind == "pdf":
                atomic_write_bytes(path, handout_pdf(worked, steps, network, spec.paper))
            else:
                graph = os.path.basename(files[1])
                text = handout.markdown(worked, graph) if spec.kind == "markdown" else \
                    handout.latex(worked, graph, spec.paper)
                atomic_write_files([(path, text.encode("utf-8")), (files[1], graph_png(network, steps, worked.graph_step))])
        except OSError as exc:
            self.window.show_error("Could not export the worked example", write_problem(exc.filename or path, exc))
            return False
        beside = f", its graph to {os.path.basename(files[1])}" if len(files) > 1 else ""
        what = "worksheet" if spec.blank else "worked example"
        self._say(f"Exported the {what} (steps {spec.first + 1} to {spec.last + 1}) to {path}{beside}")
        return True

    @staticmethod
    def _about(page) -> tuple[str, tuple[str, ...]]:
        """The handout's title and lines about the row shown: the table, the network."""
        session = page.session
        table = session.table
        return handout.about_lines(table.name, session.sample + 1, session.m, session.net, session.recipe.lr,
                                   dict(zip(table.feature_names, session.x())),
                                   dict(zip(table.target_names, session.y())))


def handout_files(spec: HandoutSpec, path: str) -> list[str]:
    """The files a handout to ``path`` writes: ``path``, then, for Markdown and LaTeX, the
    graph's picture beside it (``handout.graph_name``: "notes-graph.png" beside "notes.md")."""
    if spec.kind == "pdf":
        return [path]
    stem = os.path.splitext(os.path.basename(path))[0]
    return [path, os.path.join(os.path.dirname(path), handout.graph_name(stem, spec.kind))]


def with_suffix(path: str, suffix: str) -> str:
    """``path`` ending in ``suffix``, added when it is missing; but a folder ("/", "lessons/")
    stays as chosen, to be refused by that name (never "/.png")."""
    if path.lower().endswith(suffix) or os.path.basename(path) in ("", ".", "..") or os.path.isdir(path):
        return path
    return path + suffix
