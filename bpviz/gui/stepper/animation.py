"""A range of steps as an animated GIF (Pillow) or as numbered PNG frames.

Each frame is the layer graph above the equation panel, drawn offscreen at the chosen
size. One frame is drawn per turn of the event loop, so the progress dialog stays live
and Cancel stops between frames; a cancelled export leaves no file behind.
"""

from __future__ import annotations

import io
import math
import os
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image
from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

from bpviz.fileio import atomic_write_bytes, shown_path, size_text, write_problem, write_target
from bpviz.gui.export import ending_problem, image_png, render_image
from bpviz.gui.graph.view import GraphView
from bpviz.gui.stepper.equation import EquationPanel

KINDS = ("gif", "png")
MIN_SIZE, MAX_SIZE = QSize(320, 240), QSize(3840, 2160)
MAX_FPS = 30
#: A small frame's equation may shrink this far to leave the graph its share (a 640×360
#: frame is a 1280×720 one at half the size).
MIN_FRAME_SCALE = 0.4
#: A GIF's frames are all held in memory until the file is written: about 3 bytes a pixel
#: at the peak (measured: the frames in the shared palette and Pillow's copies of them as
#: it encodes, as much as the RGB frames would take) ...
GIF_BYTES_PER_PIXEL = 3
#: ... and a GIF whose frames would need more than this is refused before a frame is drawn
#: (552 steps at 3840×2160 would need 12.8 GB). PNG frames are written one by one as they
#: are drawn, never held: they have no such limit.
GIF_MEMORY_BUDGET = 3 << 29  # 1.5 GB


@dataclass(frozen=True)
class AnimationSpec:
    """Steps ``first`` to ``last`` (0-based, inclusive) at ``width`` x ``height`` pixels and
    ``fps`` frames a second, as "gif" (one file at ``path``) or "png" (``path``'s name
    numbered: lesson.png gives lesson-001.png, lesson-002.png, ...)."""

    first: int
    last: int
    width: int = 1280
    height: int = 720
    fps: float = 2.0
    kind: str = "gif"
    path: str = "steps.gif"

    @property
    def count(self) -> int:
        return self.last - self.first + 1

    def problem(self, steps: int) -> str:
        """What is wrong with this spec for a trace of ``steps`` steps, as a message that
        names the file ("" when nothing). Everything is checked before a frame is drawn:
        the choices, the memory a GIF would need, and every file the export would write."""
        wrong = self._choice_problem(steps) or ending_problem(self.path, (self.kind,)) or self.memory_problem()
        if wrong:
            return f"{shown_path(self.path)}: {wrong}"
        return self._target_problem()

    def _choice_problem(self, steps: int) -> str:
        if steps == 0:
            return "there are no steps to export"
        if not 0 <= self.first <= self.last < steps:
            return f"steps: expected a range within 1 to {steps}, first before last; got {self.first + 1} to {self.last + 1}"
        if not (MIN_SIZE.width() <= self.width <= MAX_SIZE.width() and MIN_SIZE.height() <= self.height <= MAX_SIZE.height()):
            return (f"size: expected {MIN_SIZE.width()}x{MIN_SIZE.height()} to {MAX_SIZE.width()}x{MAX_SIZE.height()} "
                    f"pixels; got {self.width}x{self.height}")
        if not 0 < self.fps <= MAX_FPS:
            return f"frames per second: expected more than 0 and at most {MAX_FPS}; got {self.fps:g}"
        if self.kind not in KINDS:
            return f"format: expected gif or png; got {self.kind!r}"
        return ""

    def memory_problem(self) -> str:
        """Why a GIF of these steps at this size would need too much memory ("" when it
        would not, and always for PNG frames, which are never held)."""
        if self.kind != "gif":
            return ""
        frame = self.width * self.height * GIF_BYTES_PER_PIXEL
        if self.count * frame <= GIF_MEMORY_BUDGET:
            return ""
        most = GIF_MEMORY_BUDGET // frame
        return (f"a GIF of {self.count} steps at {self.width}×{self.height} would hold about "
                f"{size_text(self.count * frame)} of frames in memory, more than the {size_text(GIF_MEMORY_BUDGET)} "
                f"allowed; choose at most {most} steps at this size, a smaller size, or numbered PNG frames "
                f"(written one by one, never held)")

    def _target_problem(self) -> str:
        """Why a file the export would write cannot be written, naming it ("" when all can):
        a missing folder, a device, a FIFO, a link to a stream, a name too long, a
        read-only file, or (for PNG frames) a file already there."""
        folder = os.path.dirname(os.path.join(os.getcwd(), os.fsdecode(os.fspath(self.path))))
        if not os.path.isdir(folder):  # never raises
            return f"{shown_path(self.path)}: its folder {shown_path(folder)} does not exist; choose an existing folder"
        targets = [Path(self.path)] if self.kind == "gif" else [self.frame_path(i) for i in range(self.count)]
        taken = []
        for target in targets:
            try:
                write_target(target)
            except OSError as exc:
                return write_problem(target, exc)
            if self.kind == "png" and os.path.lexists(target):  # never raises
                taken.append(target.name)
        if taken:
            return (f"{shown_path(self.path)}: {len(taken)} of the frames would replace files already there "
                    f"({shown_path(taken[0])} …); choose another name or folder")
        return ""

    def frame_path(self, i: int) -> Path:
        path = Path(self.path)
        digits = max(3, len(str(self.count)))
        return path.with_name(f"{path.stem}-{i + 1:0{digits}d}.png")


def frame_scale(height: int) -> float:
    """The equation's scale a frame ``height`` pixels tall asks for (before it is fitted)."""
    return max(0.7, min(2.5, height / 600))


class FrameRenderer(QWidget):
    """The graph over the equation panel, laid out offscreen at one frame's size, once for
    the whole export: as on the step page, the equation gets the height its plan asks for
    the trace at this width (at the largest scale, in tenths, whose plan takes at most
    EQUATION_SHARE of the frame) and the graph all the rest, the same in every frame."""

    def __init__(self, steps, network: tuple, width: int, height: int):
        super().__init__()
        self.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
        self.graph = GraphView()
        self.graph.set_network(*network)
        self.equation = EquationPanel()
        self.equation.set_trace(steps)
        self.equation.set_check("")  # a frame shows the step, not the page's gradient check
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.graph, 1)
        layout.addWidget(self.equation)
        self.graph.setMinimumSize(1, 1)
        self.setFixedSize(width, height)  # never larger: a frame is the size asked for
        self.show()  # not on screen: lays the children out and sends them their resizes
        layout.activate()  # the panel has the frame's width: its plan follows from it
        self.scale = self.equation.fit_to(height, frame_scale(height), least=MIN_FRAME_SCALE)
        self.equation.setFixedHeight(min(self.equation.planned_height(), height - 1))
        layout.activate()

    def frame(self, steps, index: int) -> QImage:
        self.graph.show_step(steps, index, animate=False)
        self.equation.set_step(steps[index])
        # The step's texts change the labels' wishes: lay the panel out for them now (Qt
        # would on its next turn, after this frame was drawn with the last step's places).
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        self.graph.reset_zoom()
        return render_image(self, 1.0, self.size())


def gif_durations(count: int, fps: float) -> list[int]:
    """Each frame's time in ms. GIF counts in hundredths of a second, so the rounding is
    spread over the frames: 30 fps alternates 30 and 40 ms and keeps the pace on average."""
    ends = [round(100 * (i + 1) / fps) * 10 for i in range(count)]
    return [end - start for start, end in zip([0, *ends], ends)]


class GifFrames:
    """The frames of one GIF, and one palette for them all, built from every frame (a
    sample of its pixels), without dithering: text keeps its sharp edges, and a pixel that
    does not change keeps its colour from frame to frame (a palette per frame made still
    text shimmer). Frames wait compressed (a 1920×1080 frame is ~0.2 MB, not 6)."""

    #: The palette is taken from at most about this many pixels over all the frames ...
    SAMPLE_PIXELS = 4_000_000
    #: ... and holds their most common colours exactly (backgrounds, lines, ink).
    COMMON = 32

    def __init__(self, count: int, width: int, height: int):
        self.size = (width, height)
        self.step = max(1, math.ceil(math.sqrt(count * width * height / self.SAMPLE_PIXELS)))
        self.frames: list[bytes] = []
        self.samples: list[Image.Image] = []
        self.indexed: list[Image.Image] = []  # the frames in the shared palette, so far
        self._nearest: NearestColour | None = None

    def add(self, image: Image.Image) -> None:
        self.frames.append(zlib.compress(image.tobytes(), 1))
        w, h = (math.ceil(n / self.step) for n in self.size)
        self.samples.append(image.resize((w, h), Image.Resampling.NEAREST))  # real pixels, never blends

    def palette(self) -> np.ndarray:
        """256 colours (rows of r, g, b): the samples' most common ones, then an octree's."""
        w, h = self.samples[0].size
        sheet = Image.new("RGB", (w, h * len(self.samples)))
        for i, sample in enumerate(self.samples):
            sheet.paste(sample, (0, i * h))
        counts = sorted(sheet.getcolors(sheet.width * sheet.height), reverse=True)
        common = [colour for _, colour in counts[:self.COMMON]]
        rest = sheet.quantize(256 - len(common), method=Image.Quantize.FASTOCTREE).getpalette()
        return np.array([*common, *zip(rest[0::3], rest[1::3], rest[2::3])][:256], dtype=np.int32)

    def index_next(self) -> bool:
        """Put one more frame in the shared palette (the first call builds it); False when
        all are. One a turn of the event loop keeps the progress dialog and Cancel live."""
        i = len(self.indexed)
        if i == len(self.frames):
            return False
        if self._nearest is None:
            self._nearest = NearestColour(self.palette())
        rgb = Image.frombytes("RGB", self.size, zlib.decompress(self.frames[i]))
        frame = Image.frombytes("P", self.size, self._nearest.indices(rgb))
        frame.putpalette(self._nearest.palette.astype(np.uint8).tobytes())
        self.indexed.append(frame)
        self.frames[i] = b""  # not needed any more
        return True

    def encode(self, durations: list[int]) -> bytes:
        """The GIF. Each frame is stored whole and opaque (disposal 2, no transparent
        colour): stored as its difference from the last, with unchanged pixels transparent,
        a frame showed ghost outlines of text in tools that show frames one by one."""
        while self.index_next():
            pass
        buffer = io.BytesIO()
        first, *rest = self.indexed
        first.save(buffer, "GIF", save_all=True, append_images=rest, loop=0, duration=durations,
                   disposal=2, optimize=False)
        return buffer.getvalue()


class NearestColour:
    """Each pixel as the index of the palette's nearest colour. (Pillow's quantize with a
    palette looks colours up at reduced precision: white became (250, 250, 250).)"""

    def __init__(self, palette: np.ndarray):
        self.palette = palette
        self.index = np.zeros(1 << 24, dtype=np.uint8)  # by 0xRRGGBB, for the colours met
        self.known = np.zeros(1 << 24, dtype=bool)

    def indices(self, image: Image.Image) -> bytes:
        colours = np.array([c for _, c in image.getcolors(image.width * image.height)], dtype=np.int32)
        new = colours[~self.known[self._keys(colours)]]
        for start in range(0, len(new), 4096):
            part = new[start:start + 4096]
            distance = ((part[:, None, :] - self.palette[None, :, :]) ** 2).sum(axis=2)
            self.index[self._keys(part)] = distance.argmin(axis=1)
        self.known[self._keys(new)] = True
        return self.index[self._keys(np.asarray(image))].tobytes()

    @staticmethod
    def _keys(rgb: np.ndarray) -> np.ndarray:
        """0xRRGGBB of each colour (the last axis: r, g, b)."""
        r, g, b = (rgb[..., i].astype(np.uint32) for i in range(3))
        return (r << 16) | (g << 8) | b


def pil_image(image: QImage) -> Image.Image:
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    return Image.frombuffer("RGB", (rgb.width(), rgb.height()), bytes(rgb.constBits()), "raw", "RGB",
                            rgb.bytesPerLine(), 1).copy()


class AnimationExport(QObject):
    """One export under way. ``progressed(frames done)``; then ``finished(message)`` with
    what was written, or ``failed(message)`` (cancelled, or a file that could not be written)."""

    progressed = Signal(int)
    finished = Signal(str)
    failed = Signal(str)

    def __init__(self, spec: AnimationSpec, steps, network: tuple, parent: QObject | None = None):
        """``network``: GraphView.set_network's arguments (layer sizes, params, feature
        names, inputs) for the trace ``steps``."""
        super().__init__(parent)
        self.spec, self.steps, self.network = spec, list(steps), network
        self.gif: GifFrames | None = None
        self.written: list[Path] = []
        self.done = 0
        self.cancelled = False
        self.running = False
        self._renderer: FrameRenderer | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._next)

    def start(self) -> None:
        self.running = True
        if self.spec.kind == "gif":
            self.gif = GifFrames(self.spec.count, self.spec.width, self.spec.height)
        self._renderer = FrameRenderer(self.steps, self.network, self.spec.width, self.spec.height)
        self._timer.start()

    def cancel(self) -> None:
        """Stop before the next frame and remove what this export wrote."""
        if self.running:
            self.cancelled = True

    def _next(self) -> None:
        spec = self.spec
        target = spec.path  # the file being written, for a message
        try:
            if self.cancelled:
                self._end(failed="Export cancelled; nothing was written.")
                return
            if self.done < spec.count:
                image = self._renderer.frame(self.steps, spec.first + self.done)
                if spec.kind == "gif":
                    self.gif.add(pil_image(image))
                else:
                    path = target = spec.frame_path(self.done)
                    atomic_write_bytes(path, image_png(image))
                    self.written.append(path)
                self.done += 1
                self.progressed.emit(self.done)
                return
            if spec.kind == "gif" and self.gif.index_next():  # a frame a turn, in one palette
                return
            if spec.kind == "gif":
                atomic_write_bytes(spec.path, self.gif.encode(gif_durations(spec.count, spec.fps)))
                where = f"{spec.path} ({spec.count} frames)"
            else:
                where = f"{spec.count} frames, {self.written[0].name} to {self.written[-1].name}"
            self._end(done=f"Exported steps {spec.first + 1} to {spec.last + 1}: {where}")
        except OSError as exc:
            self._end(failed=write_problem(target, exc))  # never the hidden temporary file's name
        except Exception as exc:  # a frame that cannot be drawn ends the export, not the app
            what = (f"draw step {spec.first + self.done + 1}" if self.done < spec.count else "encode the GIF")
            self._end(failed=f"{spec.path}: could not {what}: {exc!r}")

    def _end(self, done: str = "", failed: str = "") -> None:
        self._timer.stop()
        self.running = False
        if self._renderer is not None:
            self._renderer.deleteLater()
            self._renderer = None
        self.gif = None
        if failed:
            for path in self.written:
                try:
                    os.unlink(path)
                except OSError:
                    pass
            self.written = []
            self.failed.emit(failed)
        else:
            self.finished.emit(done)
