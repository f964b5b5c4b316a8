"""Exports of what the app shows: each view as PNG and SVG, a range of steps as an
animated GIF or numbered PNG frames, decoded back and checked."""

from __future__ import annotations

import struct
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QPushButton

from bpviz.gui import style
from bpviz.gui.stepper.animation import AnimationSpec
from tests.gui.userpath import answer_dialog, button, choose_file, click_menu, ok_button, press, type_into


@pytest.fixture
def out(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


@pytest.fixture
def window(main_window):
    window = main_window
    for _ in range(21):  # a backward step: blue and red on the graph, a chain in the panel
        window.step_page.controller.step_forward()
    return window


def _ink(image: QImage, predicate) -> int:
    small = image.scaled(image.width() // 4, image.height() // 4)
    return sum(1 for y in range(small.height()) for x in range(small.width()) if predicate(small.pixelColor(x, y)))


def _reddish(c):
    return c.red() > 150 and c.green() < 120 and c.blue() < 110


def _bluish(c):
    return c.blue() > 150 and c.red() < 100


def _svg_image(path, width=800) -> QImage:
    renderer = QSvgRenderer(str(path))
    assert renderer.isValid()
    size = renderer.defaultSize()
    image = QImage(width, round(width * size.height() / size.width()), QImage.Format.Format_ARGB32)
    image.fill(0xFFFFFFFF)
    painter = QPainter(image)
    renderer.render(painter)
    painter.end()
    return image


def test_the_graph_exports_as_a_sharp_png_and_a_vector_svg(window, out):
    graph = window.step_page.graph
    assert window.exports.export_view("graph", out / "graph.png")
    image = QImage(str(out / "graph.png"))
    assert not image.isNull()
    zoom = graph.transform().m11()
    assert image.width() == round(2 * round(graph.sceneRect().width() * zoom))  # twice the screen's pixels
    assert _ink(image, _reddish) > 20 and _ink(image, _bluish) > 5  # the backward arrow, the z values
    assert window.exports.export_view("graph", out / "graph.svg")
    root = ET.parse(out / "graph.svg").getroot()
    assert root.tag.endswith("svg")
    texts = "".join(t.text or "" for t in root.iter() if t.tag.endswith("text"))
    assert "5.888" in texts and "13.54" in texts  # the numbers stay text, not pixels
    rendered = _svg_image(out / "graph.svg")
    assert _ink(rendered, _reddish) > 10


def test_the_equation_panel_and_the_loss_plot_export(window, out):
    for name in ("equation", "loss"):
        for kind in ("png", "svg"):
            path = out / f"{name}.{kind}"
            assert window.exports.export_view(name, path), window.message and window.message.text()
            if kind == "png":
                assert not QImage(str(path)).isNull()
            else:
                assert ET.parse(path).getroot().tag.endswith("svg")
    texts = "".join(t.text or "" for t in ET.parse(out / "equation.svg").getroot().iter() if t.tag.endswith("text"))
    assert "5.888" in texts  # dw = -5.888
    assert _ink(QImage(str(out / "equation.png")), _reddish) > 10


def test_a_bad_export_path_is_a_message_naming_the_file(window, out):
    assert not window.exports.export_view("graph", out / "graph.jpg")
    assert "graph.jpg" in window.message.text() and ".png or .svg" in window.message.text()
    assert not window.exports.export_view("graph", out / "missing" / "graph.png")
    assert "graph.png" in window.message.text()
    assert not (out / "missing").exists()


def test_a_range_of_steps_becomes_an_animated_gif(window, out, qtbot):
    spec = AnimationSpec(first=6, last=20, width=640, height=360, fps=4, kind="gif", path=str(out / "steps.gif"))
    job = window.exports.export_animation(spec)
    assert job is not None and window.exports.progress.isVisible()
    assert window.exports.progress.maximum() == 15
    with qtbot.waitSignal(job.finished, timeout=60_000) as done:
        pass
    assert "15 frames" in done.args[0]
    assert window.exports.progress is None and window.exports.animation is None
    gif = Image.open(out / "steps.gif")
    assert gif.n_frames == 15 and gif.size == (640, 360)
    assert gif.info["duration"] == 250
    gif.seek(14)  # the last frame is step 21: the backward red on the graph
    last = QImage(gif.convert("RGB").tobytes(), 640, 360, 640 * 3, QImage.Format.Format_RGB888)
    assert _ink(last, _reddish) > 12


def test_numbered_png_frames_decode_in_order(window, out, qtbot):
    spec = AnimationSpec(0, 3, 800, 450, 2, "png", str(out / "lesson.png"))
    job = window.exports.export_animation(spec)
    with qtbot.waitSignal(job.finished, timeout=60_000):
        pass
    names = sorted(p.name for p in out.iterdir())
    assert names == ["lesson-001.png", "lesson-002.png", "lesson-003.png", "lesson-004.png"]
    for name in names:
        image = QImage(str(out / name))
        assert (image.width(), image.height()) == (800, 450)
    assert QImage(str(out / names[0])) != QImage(str(out / names[1]))  # each its own step


def test_cancelling_an_export_leaves_no_file(window, out, qtbot):
    spec = AnimationSpec(0, 25, 640, 360, 2, "png", str(out / "frames.png"))
    job = window.exports.export_animation(spec)
    qtbot.waitUntil(lambda: job.done >= 3, timeout=30_000)
    cancel = window.exports.progress.findChild(QPushButton)
    assert cancel.text() == "Cancel"
    cancel.click()
    with qtbot.waitSignal(job.failed, timeout=10_000) as ended:
        pass
    assert "cancelled" in ended.args[0]
    assert list(out.iterdir()) == []
    gif = AnimationSpec(0, 25, 640, 360, 2, "gif", str(out / "steps.gif"))
    job = window.exports.export_animation(gif)
    qtbot.waitUntil(lambda: job.done >= 2, timeout=30_000)
    job.cancel()
    with qtbot.waitSignal(job.failed, timeout=10_000):
        pass
    assert list(out.iterdir()) == []


def test_frames_never_replace_files_already_there(window, out, qtbot):
    (out / "frames-002.png").write_bytes(b"the user's own picture")
    spec = AnimationSpec(0, 3, 640, 360, 2, "png", str(out / "frames.png"))
    assert window.exports.export_animation(spec) is None
    assert "frames-002.png" in window.message.text() and "choose another name" in window.message.text()
    assert [p.name for p in out.iterdir()] == ["frames-002.png"]
    assert (out / "frames-002.png").read_bytes() == b"the user's own picture"


def test_gif_frame_times_keep_the_chosen_pace():
    from bpviz.gui.stepper.animation import gif_durations

    for fps in (1, 2.5, 3, 4, 7, 30):
        times = gif_durations(60, fps)
        assert all(t % 10 == 0 and t > 0 for t in times)  # GIF counts hundredths of a second
        assert abs(sum(times) - 60_000 / fps) <= 10


@pytest.mark.parametrize("spec, expected", [
    (AnimationSpec(5, 2), "steps: expected a range within 1 to 32"),
    (AnimationSpec(0, 99), "steps: expected a range within 1 to 32"),
    (AnimationSpec(0, 3, width=100), "size: expected 320x240 to 3840x2160"),
    (AnimationSpec(0, 3, fps=0), "frames per second"),
    (AnimationSpec(0, 3, kind="avi"), "format: expected gif or png"),
])
def test_an_impossible_animation_is_refused_by_name(window, out, spec, expected):
    from dataclasses import replace

    assert window.exports.export_animation(replace(spec, path=str(out / "a.gif"))) is None
    assert expected in window.message.text() and "a.gif" in window.message.text()
    assert list(out.iterdir()) == []


def test_file_export_animation_writes_the_gif_chosen_in_its_dialog_every_time(qtbot, main_window, tmp_path, monkeypatch):
    """File > Export animation of steps…: the dialog's choices, then the file chooser, then
    the GIF; a second export works as the first did (the dialog was once deleted before its
    values were read, so no file was ever written)."""
    window = main_window
    for attempt, (first, last) in enumerate(((3, 6), (10, 11))):
        target = tmp_path / f"steps-{attempt}.gif"
        choose_file(monkeypatch, target, save=True)

        def fill(dialog, first=first, last=last):
            type_into(qtbot, dialog.first, str(first))
            type_into(qtbot, dialog.last, str(last))
            dialog.size_choice.setCurrentIndex(dialog.size_choice.findText("640 × 360 (small)"))
            qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)

        with answer_dialog(qtbot, fill):
            click_menu(qtbot, window, "File", "Export animation of steps…")
        qtbot.waitUntil(lambda: window.exports.animation is None and target.exists(), timeout=30_000)
        gif = Image.open(target)
        assert gif.n_frames == last - first + 1 and gif.size == (640, 360)


def test_views_of_the_page_not_shown_export_at_their_real_size(qtbot, main_window, tmp_path, monkeypatch):
    """The training plots and the diagram, exported from the step page before the training
    page was ever shown, come out at the size they have on screen (they were 640×480 and
    155×112: Qt had never laid them out), and the step page stays in front."""
    window = main_window
    tabs = window.train_page.inside
    for view, item in (("plots", "Training plots as PNG…"), ("diagram", "Model diagram as PNG…"),
                       ("gradients", "Gradient plots as PNG…")):
        path = tmp_path / f"{view}.png"
        choose_file(monkeypatch, path, save=True)
        click_menu(qtbot, window, "File", "Export view", item)
        assert window.pages.currentWidget() is window.step_page
        assert tabs.currentWidget() is window.train_page.weights  # its tab not left in front either
        exported = Image.open(path).size
        window.pages.setCurrentWidget(window.train_page)
        tabs.setCurrentWidget(window.exports.view_widget(view) if view == "gradients" else tabs.currentWidget())
        qtbot.waitUntil(lambda: window.exports.view_widget(view).isVisible())
        widget = window.exports.view_widget(view)
        assert exported == (2 * widget.width(), 2 * widget.height()), view
        tabs.setCurrentWidget(window.train_page.weights)
        window.pages.setCurrentWidget(window.step_page)


# --- the frames of File > Export animation, as a class would see them -----------------------
def _export_through_menu(qtbot, window, monkeypatch, target, size: str, kind: str, first=1, last=12):
    """File > Export animation of steps…: steps ``first`` to ``last`` at ``size`` (the
    dialog's name for it), 4 frames a second, as ``kind`` ("Animated GIF" or "Numbered PNG
    frames"), into ``target``; waits for the export to end."""
    choose_file(monkeypatch, target, save=True)

    def fill(dialog):
        type_into(qtbot, dialog.first, str(first))
        type_into(qtbot, dialog.last, str(last))
        dialog.size_choice.setCurrentIndex(dialog.size_choice.findText(size))
        type_into(qtbot, dialog.fps, "4")
        dialog.kind.setCurrentIndex(dialog.kind.findText(kind))
        assert dialog.fps.value() == 4
        qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)

    with answer_dialog(qtbot, fill):
        click_menu(qtbot, window, "File", "Export animation of steps…")
    qtbot.waitUntil(lambda: window.exports.animation is None, timeout=60_000)


def _gif_frames(path) -> list:
    gif = Image.open(path)
    frames = []
    for i in range(gif.n_frames):
        gif.seek(i)
        frames.append(np.asarray(gif.convert("RGB")).astype(int))
    return frames


def _png_frames(folder, stem: str, count: int) -> list:
    return [np.asarray(Image.open(folder / f"{stem}-{i + 1:03d}.png").convert("RGB")).astype(int) for i in range(count)]


def _rgb(color) -> np.ndarray:
    return np.array(color.getRgb()[:3])


def _split_row(frame) -> int:
    """The first row under the graph: where the graph's background ends down the frame's
    left side (row 0 is the view's border)."""
    off = np.abs(frame[1:, 3] - _rgb(style.BACKGROUND)).max(axis=1) > 6
    return int(np.flatnonzero(off)[0]) + 1


def _stored_gif_frames(data: bytes) -> list:
    """Each frame's rectangle and whether it has a transparent colour, read from the GIF's
    blocks as they are stored: what a tool that shows the frames one by one shows."""
    def table(flags):
        return 3 * 2 ** ((flags & 7) + 1) if flags & 0x80 else 0

    def skip_blocks(pos):
        while data[pos]:
            pos += data[pos] + 1
        return pos + 1

    pos, frames, transparent = 13 + table(data[10]), [], False
    while data[pos] != 0x3B:
        if data[pos] == 0x21:  # an extension; 0xF9 is a frame's graphic control
            if data[pos + 1] == 0xF9:
                transparent = bool(data[pos + 3] & 1)
            pos = skip_blocks(pos + 2)
        else:
            assert data[pos] == 0x2C, f"unexpected GIF block {data[pos]:#x} at {pos}"
            rect = struct.unpack("<4H", data[pos + 1:pos + 9])
            pos = skip_blocks(pos + 10 + table(data[pos + 9]) + 1)
            frames.append((rect, transparent))
            transparent = False
    return frames


@pytest.mark.parametrize("size, dims", [("1280 × 720 (HD)", (1280, 720)), ("640 × 360 (small)", (640, 360))])
def test_exported_frames_keep_one_layout_with_the_graph_large_and_nothing_cut(qtbot, main_window, tmp_path,
                                                                               monkeypatch, size, dims):
    """Steps 1 to 12 as a GIF and as PNG frames: the graph takes most of every frame (it
    was a strip 190 px tall over an empty equation panel), the split between graph and
    equation stays on one row (it jumped from frame to frame), and nothing reaches the
    panel's right edge (the chain's title and the notes were cut there)."""
    width, height = dims
    _export_through_menu(qtbot, main_window, monkeypatch, tmp_path / "steps.png", size, "Numbered PNG frames")
    frames = _png_frames(tmp_path, "steps", 12)
    assert all(f.shape == (height, width, 3) for f in frames)
    splits = [_split_row(f) for f in frames]
    assert min(splits) >= 0.45 * height, f"the graph is {min(splits)} of {height} px tall"
    assert max(splits) - min(splits) <= 1, f"the graph's lower edge moves between rows {splits}"
    surface = _rgb(style.SURFACE)
    for step, (frame, split) in enumerate(zip(frames, splits), start=1):
        edge = frame[split + 3:height - 3, width - 12:width - 2]  # the panel's right margin and 4 px more
        ink = np.abs(edge - surface).max(axis=2) > 40
        assert not ink.any(), f"step {step}: something is drawn at the right edge, rows {np.flatnonzero(ink.any(axis=1))[:5] + split + 3}"


def test_exported_gif_frames_are_whole_and_crisp(qtbot, main_window, tmp_path, monkeypatch):
    """The GIF's frames are the PNG frames' pixels: each frame stored whole and opaque (a
    frame stored as its difference from the last, unchanged pixels transparent, showed
    ghost outlines around text in tools that show frames one by one), a still pixel keeps
    its colour from frame to frame (a palette per frame made the text shimmer), and no
    dithering (the text as sharp as in the PNG)."""
    for kind, name in (("Animated GIF", "steps.gif"), ("Numbered PNG frames", "steps.png")):
        _export_through_menu(qtbot, main_window, monkeypatch, tmp_path / name, "1280 × 720 (HD)", kind)
    stored = _stored_gif_frames((tmp_path / "steps.gif").read_bytes())
    assert len(stored) == 12
    assert all(rect == (0, 0, 1280, 720) and not transparent for rect, transparent in stored), stored
    gif, png = _gif_frames(tmp_path / "steps.gif"), _png_frames(tmp_path, "steps", 12)
    for step in range(12):
        difference = np.abs(gif[step] - png[step])
        assert difference.mean() < 1.0, f"step {step + 1}: the GIF is {difference.mean():.2f} levels off on average"
        assert (difference.max(axis=2) > 48).mean() < 0.001, f"step {step + 1}: pixels far off the PNG's"
        if step:
            still = (png[step] == png[step - 1]).all(axis=2)
            changed = (gif[step] != gif[step - 1]).any(axis=2) & still
            assert changed.sum() == 0, f"step {step + 1}: {changed.sum()} still pixels change colour in the GIF"


def test_a_frame_gives_every_text_the_room_it_needs(main_window):
    """Laid out once for the export, the frame's equation panel shows each step's texts
    whole (a label laid out for the last step cut the "Shapes" line), at one scale."""
    from PySide6.QtWidgets import QLabel

    from bpviz.gui.stepper.animation import FrameRenderer

    page = main_window.step_page
    steps = page.controller.steps
    for width, height in ((1280, 720), (640, 360), (1920, 1080)):
        renderer = FrameRenderer(steps, page.network_shown(), width, height)
        try:
            places = set()
            for index in range(len(steps)):
                renderer.frame(steps, index)
                places.add((renderer.graph.geometry().getRect(), renderer.equation.geometry().getRect(),
                            renderer.equation.scale))
                for label in renderer.equation.findChildren(QLabel):
                    if label.isVisible() and label.text() and label.wordWrap():
                        assert label.height() >= label.heightForWidth(label.width()), \
                            f"{width}x{height} step {index + 1}: {label.text()[:30]!r} is cut"
            assert len(places) == 1, places
            (_, _, _, graph_height), (_, top, _, equation_height), _ = next(iter(places))
            assert graph_height >= 0.45 * height and top + equation_height == height
            assert renderer.equation.planned_height() == equation_height <= 0.45 * height
        finally:
            renderer.deleteLater()


def test_a_frame_is_the_size_asked_for_even_the_smallest(main_window):
    """At 320×240 the equation cannot keep to its share; the frame still is 320×240 (the
    panel's height pushed it to 320×285) and shows the whole panel, the graph above it."""
    from bpviz.gui.stepper.animation import FrameRenderer

    page = main_window.step_page
    steps = page.controller.steps
    renderer = FrameRenderer(steps, page.network_shown(), 320, 240)
    try:
        image = renderer.frame(steps, 10)
        assert (image.width(), image.height()) == (320, 240)
        assert renderer.equation.geometry().bottom() == 239 and renderer.graph.height() > 0
    finally:
        renderer.deleteLater()


# --- every file an export would write is checked before a frame is drawn ---------------------
@pytest.fixture
def drawn(monkeypatch):
    """The frames drawn by exports in this test."""
    from bpviz.gui.stepper import animation

    frames = []
    original = animation.FrameRenderer.frame
    monkeypatch.setattr(animation.FrameRenderer, "frame",
                        lambda self, steps, index: frames.append(index) or original(self, steps, index))
    return frames


def test_a_frame_name_too_long_is_refused_by_name_through_the_menu(qtbot, main_window, out, monkeypatch, drawn):
    """Numbered PNG frames from a 248-character name: lesson-001.png would be 256 bytes,
    more than the file system takes (it was a traceback, OSError: File name too long)."""
    target = out / ("n" * 248 + ".png")
    _export_through_menu(qtbot, main_window, monkeypatch, target, "640 × 360 (small)", "Numbered PNG frames")
    text = main_window.message.text()
    assert "-001.png" in text and "choose a shorter name" in text, text
    assert drawn == [] and list(out.iterdir()) == []


def test_an_unwritable_target_is_refused_before_a_frame_is_drawn(window, out, drawn):
    """A FIFO, a link to /dev/stdout or a 300-character name as the GIF, or a FIFO among the
    numbered frames: refused, naming the file and why, before any frame is drawn (they
    were refused only when written, after every frame had been drawn)."""
    import os

    os.mkfifo(out / "pipe.gif")
    os.symlink("/dev/stdout", out / "stdout.gif")
    os.mkfifo(out / "frames-002.png")
    cases = [(AnimationSpec(0, 3, 640, 360, 2, "gif", str(out / "pipe.gif")), "pipe.gif", "FIFO"),
             (AnimationSpec(0, 3, 640, 360, 2, "gif", str(out / "stdout.gif")), "stdout.gif", "not a regular file"),
             (AnimationSpec(0, 3, 640, 360, 2, "gif", str(out / ("g" * 300 + ".gif"))), "gggg", "choose a shorter name"),
             (AnimationSpec(0, 3, 640, 360, 2, "png", str(out / "frames.png")), "frames-002.png", "FIFO")]
    for spec, name, why in cases:
        assert window.exports.export_animation(spec) is None, name
        text = window.message.text()
        assert name in text and "could not write" in text and why in text, text
        window.message.close()
    assert drawn == []
    assert sorted(p.name for p in out.iterdir()) == ["frames-002.png", "pipe.gif", "stdout.gif"]


def _deep_network(qtbot, window) -> int:
    """Three hidden layers of 8 units on the step page, through its form; the steps."""
    hidden = window.step_page.controls.hidden
    type_into(qtbot, hidden, "8,8,8")
    qtbot.keyClick(hidden, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(window.step_page.controller.steps) > 300)
    return len(window.step_page.controller.steps)


def test_a_gif_too_big_for_memory_is_refused_before_drawing(qtbot, main_window, out, monkeypatch, drawn):
    """A GIF's frames are held until it is written (~3 bytes a pixel): every step of a
    deep network at 3840×2160 would need gigabytes. The dialog says so and what to choose
    instead, and the export is refused before drawing; PNG frames, written one by one,
    are not limited."""
    from dataclasses import replace

    from bpviz.gui.stepper.animation import GIF_MEMORY_BUDGET

    window = main_window
    count = _deep_network(qtbot, window)
    choose_file(monkeypatch, out / "all.gif", save=True)
    seen = {}

    def fill(dialog):
        type_into(qtbot, dialog.first, "1")
        type_into(qtbot, dialog.last, str(count))
        dialog.size_choice.setCurrentIndex(dialog.size_choice.findText("1920 × 1080 (full HD)"))
        seen["gif"] = (dialog.summary.text(), ok_button(dialog).isEnabled())
        dialog.kind.setCurrentIndex(dialog.kind.findText("Numbered PNG frames"))
        seen["png"] = (dialog.summary.text(), ok_button(dialog).isEnabled())
        dialog.reject()

    with answer_dialog(qtbot, fill):
        click_menu(qtbot, window, "File", "Export animation of steps…")
    text, enabled = seen["gif"]
    assert not enabled and f"{count} steps at 1920×1080" in text and "PNG frames" in text, text
    assert "a smaller size" in text and "choose at most" in text
    assert seen["png"][1] and "frames" in seen["png"][0]

    spec = AnimationSpec(0, count - 1, 3840, 2160, 2, "gif", str(out / "all.gif"))
    assert count * 3840 * 2160 * 3 > GIF_MEMORY_BUDGET
    assert window.exports.export_animation(spec) is None
    text = window.message.text()
    assert "all.gif" in text and f"{count} steps at 3840×2160" in text and "GB" in text and "PNG frames" in text
    assert drawn == [] and list(out.iterdir()) == []
    assert replace(spec, kind="png", path=str(out / "all.png")).problem(count) == ""


@pytest.mark.parametrize("chosen, expected", [
    (".png", "has only an extension; expected a name before it"),
    ("/", "is a folder; expected a file name ending in .png or .svg"),
    ("graph.jpg", "expected a file name ending in .png or .svg; it ends in .jpg"),
    ("graph", "expected a file name ending in .png or .svg; it has no extension"),
])
def test_an_export_name_is_judged_by_how_it_ends(window, out, chosen, expected):
    """Path(".png") has no suffix (its name is ".png"): the name's ending decides, and the
    message says what is wrong (".png" and "/" were "expected a file name ending in .png
    or .svg")."""
    path = chosen if chosen == "/" else str(out / chosen)
    assert not window.exports.export_view("graph", path)
    text = window.message.text()
    assert text.startswith(path if chosen == "/" else str(out)) and expected in text, text
    assert list(out.iterdir()) == []


@pytest.mark.parametrize("chosen, kind, expected", [
    ("/", "png", "/: could not write: is a folder; expected a file name ending in .png"),
    (".png", "png", ".png: could not write: has only an extension"),
    (".gif", "gif", ".gif: has only an extension"),
])
def test_a_folder_or_a_bare_extension_chosen_in_the_file_chooser_is_refused_as_chosen(
        qtbot, main_window, out, monkeypatch, drawn, chosen, kind, expected):
    """"/" chosen for a PNG is refused as "/", a folder (it became "/.png"); ".png" and
    ".gif" are refused as names without a name."""
    path = chosen if chosen == "/" else str(out / chosen)
    choose_file(monkeypatch, path, save=True)
    if kind == "gif":
        _export_through_menu(qtbot, main_window, monkeypatch, path, "640 × 360 (small)", "Animated GIF", 1, 3)
    else:
        click_menu(qtbot, main_window, "File", "Export view", "Graph as PNG…")
    text = main_window.message.text()
    assert expected in text, text
    assert drawn == [] and list(out.iterdir()) == []


def test_a_file_chooser_opens_where_the_last_file_was_saved(qtbot, main_window, tmp_path, monkeypatch):
    """Export view to a folder, then Export animation: its chooser offers the same folder
    (it offered the folder the app was started in, every time)."""
    folder = tmp_path / "slides"
    folder.mkdir()
    first = choose_file(monkeypatch, folder / "graph.png", save=True)
    click_menu(qtbot, main_window, "File", "Export view", "Graph as PNG…")
    assert first[-1]["directory"] == "graph.png" and (folder / "graph.png").exists()
    shown = choose_file(monkeypatch, None, save=True)  # looked at, then cancelled
    with answer_dialog(qtbot, lambda dialog: qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)):
        click_menu(qtbot, main_window, "File", "Export animation of steps…")
    assert shown[-1]["directory"] == str(folder / "steps.gif")


def test_a_folder_where_the_export_failed_is_not_offered_next(qtbot, main_window, tmp_path, monkeypatch):
    """An export refused (a read-only folder; /proc, where a chooser opened next reading
    /proc/kmsg hung the app) does not make its folder the one the next chooser opens in."""
    good = tmp_path / "slides"
    good.mkdir()
    choose_file(monkeypatch, good / "graph.png", save=True)
    click_menu(qtbot, main_window, "File", "Export view", "Graph as PNG…")
    assert (good / "graph.png").exists()
    bad = tmp_path / "not-a-folder.png" / "graph.png"  # under a file: the write fails
    (tmp_path / "not-a-folder.png").write_text("a file")
    choose_file(monkeypatch, bad, save=True)
    click_menu(qtbot, main_window, "File", "Export view", "Graph as PNG…")
    qtbot.waitUntil(lambda: main_window.message is not None and main_window.message.isVisible())
    main_window.message.close()
    shown = choose_file(monkeypatch, None, save=True)
    click_menu(qtbot, main_window, "File", "Export view", "Graph as SVG…")
    assert shown[-1]["directory"] == str(good / "graph.svg")


def test_export_view_asks_before_replacing_a_file_its_ending_names(qtbot, main_window, tmp_path, monkeypatch):
    """Ctrl+E, "view" typed when "view.png" is there: one question names view.png; No
    keeps it (the chooser asked about "view" alone, and view.png was replaced silently)."""
    picture = tmp_path / "view.png"
    picture.write_bytes(b"the teacher's own picture")
    choose_file(monkeypatch, tmp_path / "view", save=True)
    seen = []

    def no(question):
        seen.append(question.text())
        qtbot.mouseClick(button(question, "No"), Qt.MouseButton.LeftButton)

    with answer_dialog(qtbot, no):
        press(qtbot, main_window, "Ctrl+E")
    assert seen == [f"view.png already exists in {tmp_path}."]
    assert picture.read_bytes() == b"the teacher's own picture"
