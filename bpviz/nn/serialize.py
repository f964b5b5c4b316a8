"""Save and load a network as .npz: its parameters plus a JSON header, never pickle.

The file holds one array per parameter ("W1", "b1", ...) and ``bpviz.json``, a string
array with the format version, the network's config and any extra settings (the recipe).
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path

import numpy as np

from bpviz.errors import BpvizError
from bpviz.fileio import atomic_write_bytes, read_problem
from bpviz.nn.network import Network

FORMAT = "bpviz-model"
VERSION = 1
HEADER_KEY = "bpviz.json"


class ModelFileError(BpvizError, ValueError):
    """A model file that cannot be read back. The message names the file."""

    def __init__(self, path, message: str):
        self.path = Path(path)
        super().__init__(f"{self.path}: {message}")


def save_model(path: str | os.PathLike, net: Network, extra: dict | None = None) -> Path:
    """Write ``net`` to ``path`` (.npz) atomically: a temporary file, fsync, rename."""
    header = {"format": FORMAT, "version": VERSION, "network": net.config, "extra": extra or {}}
    buffer = io.BytesIO()
    np.savez(buffer, **{HEADER_KEY: np.array(json.dumps(header))}, **net.params)
    return atomic_write_bytes(path, buffer.getvalue())


def load_model(path: str | os.PathLike) -> tuple[Network, dict]:
    """The network saved at ``path`` and the extra settings saved with it.

    Refuses anything that is not a bpviz model: pickled objects are never loaded.
    """
    path = Path(path)
    try:
        archive = np.load(path, allow_pickle=False)
    except FileNotFoundError:
        raise ModelFileError(path, "file not found") from None
    except (PermissionError, IsADirectoryError) as exc:
        raise ModelFileError(path, read_problem(exc)) from None
    except (ValueError, OSError, zipfile.BadZipFile, EOFError) as exc:
        raise ModelFileError(path, f"not a bpviz model: expected an .npz archive saved by bpviz ({_reason(exc)})") from None
    if not isinstance(archive, np.lib.npyio.NpzFile):
        raise ModelFileError(path, "not a bpviz model: expected an .npz archive, found a single array")
    with archive:
        try:
            header = json.loads(str(archive[HEADER_KEY]))
            params = {key: archive[key] for key in archive.files if key != HEADER_KEY}
        except KeyError:
            raise ModelFileError(path, f"not a bpviz model: no {HEADER_KEY} entry") from None
        except (ValueError, OSError, zipfile.BadZipFile, EOFError) as exc:
            raise ModelFileError(path, f"damaged model file: expected plain arrays saved by bpviz ({_reason(exc)})") from None
    if header.get("format") != FORMAT:
        raise ModelFileError(path, f"not a bpviz model: format {header.get('format')!r}")
    if header.get("version") != VERSION:
        raise ModelFileError(
            path, f"model format version {header.get('version')!r}; expected version {VERSION}, the one this bpviz reads"
        )
    config = header.get("network", {})
    try:
        net = Network(config["layer_sizes"], config["activations"], config["loss"],
                      config.get("init", "tutorial"), config.get("seed"), config["dtype"],
                      params=params)
    except KeyError as exc:
        raise ModelFileError(path, f"the network settings lack {exc}") from None
    except BpvizError as exc:
        raise ModelFileError(path, f"inconsistent model: {exc}") from None
    return net, header.get("extra", {})


def _reason(exc: Exception) -> str:
    text = str(exc)
    if "pickle" in text:
        return "it holds pickled Python objects, which bpviz never loads"
    return text or type(exc).__name__
