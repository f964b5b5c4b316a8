"""The desktop app: the only package of bpviz that imports PySide6 and pyqtgraph."""
