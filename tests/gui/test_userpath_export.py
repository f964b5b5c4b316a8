from PIL import Image

from tests.gui.userpath import answer_dialog, choose_file, click_menu, ok_button, press, type_into


def test_file_export_animation_writes_the_gif_chosen_in_its_dialog(qtbot, main_window, tmp_path, monkeypatch):
    window = main_window
    target = tmp_path / "lesson-steps.gif"
    choose_file(monkeypatch, target, save=True)

    def fill(dialog):
        type_into(qtbot, dialog.first, "3")
        type_into(qtbot, dialog.last, "6")
        dialog.size_choice.setCurrentIndex(dialog.size_choice.findText("640 × 360 (small)"))
        qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)

    from PySide6.QtCore import Qt
    with answer_dialog(qtbot, fill):
        click_menu(qtbot, window, "File", "Export animation of steps…")
    qtbot.waitUntil(target.exists, timeout=30_000)
    qtbot.waitUntil(lambda: window.exports.animation is None, timeout=30_000)
    gif = Image.open(target)
    assert gif.n_frames == 4 and gif.size == (640, 360)
