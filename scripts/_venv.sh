# Shared by scripts/run and scripts/test: find Python 3.11+ and make the project's .venv.
# shellcheck shell=sh

find_python() {
    for candidate in "${PYTHON:-}" python3.13 python3.12 python3.11 python3; do
        [ -n "$candidate" ] || continue
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            echo "$candidate"
            return 0
        fi
    done
    echo "error: Python 3.11 or newer is needed (set PYTHON=/path/to/python3.11)" >&2
    return 1
}

# make_venv EXTRAS: create .venv if missing and install the project (editable) with EXTRAS.
make_venv() {
    extras="$1"
    python=$(find_python) || exit 1
    if [ ! -x .venv/bin/python ]; then
        "$python" -m venv .venv
    fi
    # Reinstall only when pyproject.toml or the extras changed since the last install.
    stamp=".venv/.installed$(echo "$extras" | tr -c 'a-z' '-')"
    want=$(cat pyproject.toml; echo "$extras")
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
        return 0
    fi
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet --editable ".${extras}"
    printf '%s' "$want" > "$stamp"
}
