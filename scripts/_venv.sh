# Sourced by the scripts: make .venv on first use and (re)install bpviz into it only
# when pyproject.toml has changed since the last install.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV="$ROOT/.venv"
STAMP="$VENV/.bpviz-installed"

find_python() {
    local candidate
    for candidate in "${PYTHON:-}" python3 python3.13 python3.12 python3.11 python; do
        [ -n "$candidate" ] || continue
        command -v "$candidate" >/dev/null 2>&1 || continue
        if "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            echo "$candidate"
            return 0
        fi
    done
    echo "bpviz needs Python 3.11 or newer: none found on PATH (set PYTHON=/path/to/python3.11)" >&2
    return 1
}

# ensure_venv [EXTRA]: EXTRA is empty (run the app), "test" (run the suite) or "bundle"
# (build the standalone app).
ensure_venv() {
    local extra=${1:-}
    local python hash want spec
    if ! "$VENV/bin/python" -c '' >/dev/null 2>&1; then
        python=$(find_python) || return 1
        echo "bpviz: creating $(basename "$VENV") with $("$python" --version 2>&1) ..." >&2
        rm -rf "$VENV"
        "$python" -m venv "$VENV" || return 1
    fi
    hash=$("$VENV/bin/python" -c 'import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], "rb").read()).hexdigest())' "$ROOT/pyproject.toml")
    want="$hash ${extra:-base}"
    # Any stamp line "HASH EXTRA" also satisfies a base install (an extra is a superset).
    if [ -f "$STAMP" ] && { grep -qx "$want" "$STAMP" || { [ -z "$extra" ] && grep -q "^$hash " "$STAMP"; }; }; then
        return 0
    fi
    spec="$ROOT"
    [ -n "$extra" ] && spec="$ROOT[$extra]"
    echo "bpviz: installing bpviz${extra:+ with [$extra]} into .venv (pyproject.toml changed or first run) ..." >&2
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e "$spec" || return 1
    { grep "^$hash " "$STAMP" 2>/dev/null || true; echo "$want"; } | sort -u > "$STAMP.new"
    mv "$STAMP.new" "$STAMP"
}

# Qt draws offscreen unless there is a display to draw on.
use_offscreen_qt_without_display() {
    if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
        export QT_QPA_PLATFORM=offscreen
    fi
}
