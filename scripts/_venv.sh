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

# has_extras "[a,b]" "[b]": whether the first list of extras holds every one of the second.
has_extras() {
    for extra in $(echo "$2" | tr -d '[]' | tr ',' ' '); do
        case ",$(echo "$1" | tr -d '[]')," in
        *",$extra,"*) ;;
        *) return 1 ;;
        esac
    done
    return 0
}

# make_venv EXTRAS: create .venv if missing and install the project (editable) with EXTRAS.
make_venv() {
    extras="$1"
    python=$(find_python) || exit 1
    if [ ! -x .venv/bin/python ]; then
        "$python" -m venv .venv
    fi
    # Reinstall only when pyproject.toml changed since the last install, or that install had
    # fewer extras (scripts/test's [dev,server] covers scripts/run's [server]).
    stamp=".venv/.installed$(echo "$extras" | tr -c 'a-z' '-')"
    want=$(cat pyproject.toml; echo "$extras")
    for done in .venv/.installed-*; do
        if [ -f "$done" ] && [ "$(sed '$d' "$done")" = "$(cat pyproject.toml)" ] &&
            has_extras "$(tail -n 1 "$done")" "$extras"; then
            return 0
        fi
    done
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet --editable ".${extras}"
    printf '%s' "$want" > "$stamp"
}
