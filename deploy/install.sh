#!/bin/sh
# Install, update or remove the packaged municipal service kiosk on Linux. Run as root;
# docs/deploy.md explains each step.
#
#   deploy/install.sh [--from DIR]   a kiosk: the cage kiosk service on tty1 (default)
#   deploy/install.sh --x11          a kiosk: LightDM logs in to an X11 kiosk session instead
#   deploy/install.sh --counter      a counter machine: a launcher for clerks, no kiosk user
#   deploy/install.sh --uninstall    remove the program, the service and the session files;
#                                    keep the data dir, the configuration and the kiosk user
# Options:
#   --from DIR    the build to install (default: dist/kiosk next to this folder)
#   --dry-run     print what would be done, change nothing
#   --root DIR    install into DIR as if it were / (for packaging and tests): no user, no
#                 ownership, no systemctl, no self-test
#
# Running it again is safe: it updates the build and the unit, keeps the configuration and the
# data, and restarts a running kiosk on the new build.
set -eu

APP=municipal-kiosk
USER_NAME=kiosk
HERE=$(cd "$(dirname "$0")" && pwd)

from="$HERE/../dist/kiosk"
root=""
dry_run=0
action=install
mode=service

usage() {
    sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'
    exit "${1:-0}"
}

die() {
    echo "install.sh: error: $*" >&2
    exit 1
}

note() {
    if [ "$dry_run" -eq 1 ]; then
        echo "install.sh (dry run): $*"
    else
        echo "install.sh: $*"
    fi
}

while [ $# -gt 0 ]; do
    case "$1" in
    --from)
        [ $# -ge 2 ] || die "--from needs a directory"
        from=$2
        shift 2
        ;;
    --root)
        [ $# -ge 2 ] || die "--root needs a directory"
        root=$2
        shift 2
        ;;
    --dry-run)
        dry_run=1
        shift
        ;;
    --x11)
        mode=x11
        shift
        ;;
    --counter)
        mode=counter
        shift
        ;;
    --uninstall)
        action=uninstall
        shift
        ;;
    -h | --help) usage 0 ;;
    *)
        echo "install.sh: error: unknown option $1" >&2
        usage 2 >&2
        ;;
    esac
done

if [ -n "$root" ]; then
    [ -d "$root" ] || die "--root $root is not a directory"
    root=$(cd "$root" && pwd)
elif [ "$(id -u)" -ne 0 ] && [ "$dry_run" -eq 0 ]; then
    die "run as root (or with --dry-run, or --root DIR)"
fi

PREFIX="$root/opt/$APP"
DATA_DIR="$root/var/lib/$APP"
CONF_DIR="$root/etc/$APP"
CONF_FILE="$CONF_DIR/kiosk.toml"
UNIT_FILE="$root/etc/systemd/system/$APP.service"
CLI="$root/usr/local/bin/kiosk"
LAUNCHER="$root/usr/share/applications/$APP-counter.desktop"
SESSION_SCRIPT="$root/usr/local/libexec/$APP-session"
XSESSION="$root/usr/share/xsessions/$APP.desktop"
LIGHTDM_CONF="$root/etc/lightdm/lightdm.conf.d/50-$APP.conf"

# run CMD...: a command that changes the machine; with --dry-run, only printed.
run() {
    if [ "$dry_run" -eq 1 ]; then
        echo "would run: $*"
    else
        "$@"
    fi
}

# system CMD...: like run, for what only the real machine has (users, ownership, systemctl).
system() {
    if [ -n "$root" ]; then
        echo "skipped (--root): $*"
    else
        run "$@"
    fi
}

# put SOURCE TARGET MODE: install one file.
put() {
    run mkdir -p "$(dirname "$2")"
    run cp "$1" "$2"
    run chmod "$3" "$2"
}

have_systemd() {
    [ -z "$root" ] && [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1
}

check_build() {
    if [ ! -x "$from/kiosk" ] || [ ! -d "$from/_internal" ]; then
        die "$from is not a kiosk build (expected $from/kiosk and $from/_internal):" \
            "run ./scripts/build, or name the build with --from DIR"
    fi
    from=$(cd "$from" && pwd)
    version=$("$from/kiosk" --version) || die "$from/kiosk does not run on this machine"
    note "installing $version from $from ($mode)"
}

# The build takes graphics, Wayland and font libraries from the system: name any that is
# missing, with the Debian/Ubuntu packages that have them.
check_libraries() {
    command -v ldd >/dev/null 2>&1 || return 0
    missing=$(
        for lib in "$from"/_internal/PySide6/Qt/plugins/platforms/*.so \
            "$from"/_internal/PySide6/Qt/plugins/wayland-*/*.so; do
            [ -e "$lib" ] && ldd "$lib" 2>/dev/null
        done | awk '/not found/ { print $1 }' | sort -u | tr '\n' ' '
    )
    if [ -n "$missing" ]; then
        note "warning: libraries missing on this machine: $missing"
        note "  Debian/Ubuntu: apt-get install libgl1 libegl1 libwayland-client0" \
            "libwayland-cursor0 libwayland-egl1 libxkbcommon0 libfontconfig1"
    fi
}

check_tools() {
    [ -z "$root" ] || return 0
    case "$mode" in
    service)
        command -v cage >/dev/null 2>&1 ||
            note "warning: cage is not installed; the service needs it (apt-get install cage xwayland)"
        if command -v cage >/dev/null 2>&1 && ! command -v Xwayland >/dev/null 2>&1; then
            note "warning: Xwayland is missing; cage 0.1.x refuses to start without it" \
                "(apt-get install xwayland)"
        fi
        ;;
    x11)
        command -v lightdm >/dev/null 2>&1 ||
            note "warning: LightDM is not installed; the X11 session needs it (apt-get install lightdm)"
        ;;
    esac
}

install_user() {
    if [ -n "$root" ]; then
        echo "skipped (--root): the system user $USER_NAME"
        return 0
    fi
    if ! getent passwd "$USER_NAME" >/dev/null; then
        run useradd --system --user-group --home-dir "/var/lib/$APP" --no-create-home \
            --shell /usr/sbin/nologin --comment "Municipal service kiosk" "$USER_NAME"
    fi
    # Receipt printers: USB printers are usually in group lp, serial ports in dialout.
    for group in lp dialout; do
        getent group "$group" >/dev/null || continue
        if ! id -nG "$USER_NAME" 2>/dev/null | tr ' ' '\n' | grep -qx "$group"; then
            run usermod --append --groups "$group" "$USER_NAME"
        fi
    done
}

install_build() {
    run mkdir -p "$(dirname "$PREFIX")"
    run rm -rf "$PREFIX.new" "$PREFIX.old"
    run cp -R "$from" "$PREFIX.new"
    run chmod -R u=rwX,go=rX "$PREFIX.new"
    system chown -R root:root "$PREFIX.new"
    if [ -e "$PREFIX" ]; then
        run mv "$PREFIX" "$PREFIX.old"
    fi
    run mv "$PREFIX.new" "$PREFIX"
    run rm -rf "$PREFIX.old"
    put "$HERE/kiosk-cli.sh" "$CLI" 0755
}

install_data_dir() {
    run mkdir -p "$DATA_DIR"
    run chmod 0700 "$DATA_DIR"
    # Everything in it belongs to the kiosk user: a command once run as root (before this
    # install, or without /usr/local/bin/kiosk) leaves root-owned files the kiosk cannot write.
    system chown -R "$USER_NAME:$USER_NAME" "$DATA_DIR"
}

install_config() {
    if [ -e "$CONF_FILE" ]; then
        note "keeping $CONF_FILE"
        return 0
    fi
    if [ "$mode" = counter ]; then
        put "$HERE/kiosk.toml.example" "$CONF_FILE" 0644 # read by every clerk's account
    else
        put "$HERE/kiosk.toml.example" "$CONF_FILE" 0640
        system chown "root:$USER_NAME" "$CONF_FILE"
    fi
}

install_unit() {
    put "$HERE/$APP.service" "$UNIT_FILE" 0644
    if ! have_systemd; then
        echo "skipped (no systemd here): systemctl daemon-reload; systemctl enable $APP"
        return 0
    fi
    run systemctl daemon-reload
    run systemctl enable "$APP.service"
    if [ "$(systemctl get-default)" != graphical.target ]; then
        note "the kiosk starts with graphical.target: making it the default target"
        run systemctl set-default graphical.target
    fi
    if systemctl is-enabled --quiet display-manager.service 2>/dev/null; then
        note "warning: a display manager is enabled; the kiosk needs tty1 and the seat:" \
            "systemctl disable display-manager.service"
    fi
    if systemctl is-active --quiet "$APP.service"; then
        note "restarting the running kiosk on the new build"
        run systemctl restart "$APP.service"
    else
        note "the kiosk starts at the next boot, or now: systemctl start $APP"
    fi
}

install_x11_session() {
    put "$HERE/x11/$APP-session" "$SESSION_SCRIPT" 0755
    put "$HERE/x11/$APP.desktop" "$XSESSION" 0644
    put "$HERE/x11/50-$APP.conf" "$LIGHTDM_CONF" 0644
    note "LightDM logs $USER_NAME in to the kiosk session at the next boot"
}

self_test() {
    [ -z "$root" ] && [ "$dry_run" -eq 0 ] || return 0
    # The installed build, through /usr/local/bin/kiosk (as the kiosk user, on the real data
    # dir and configuration): this creates or migrates the queue and proves the permissions.
    if ! "$CLI" status >/dev/null; then
        die "the installed kiosk does not start: see the message above"
    fi
    note "self-test passed: kiosk status"
}

uninstall() {
    if have_systemd; then
        if systemctl is-active --quiet "$APP.service"; then
            run systemctl stop "$APP.service"
        fi
        if systemctl is-enabled --quiet "$APP.service" 2>/dev/null; then
            run systemctl disable "$APP.service"
        fi
    fi
    run rm -f "$UNIT_FILE" "$CLI" "$LAUNCHER" "$SESSION_SCRIPT" "$XSESSION" "$LIGHTDM_CONF"
    if have_systemd; then
        run systemctl daemon-reload
    fi
    run rm -rf "$PREFIX" "$PREFIX.new" "$PREFIX.old"
    note "removed the program; kept $DATA_DIR (the queue with any unsent requests, receipts," \
        "logs), $CONF_DIR and the user $USER_NAME"
    note "to remove those too, once the queue is delivered: rm -rf $DATA_DIR $CONF_DIR;" \
        "userdel $USER_NAME"
}

if [ "$action" = uninstall ]; then
    uninstall
    exit 0
fi

check_build
check_tools
check_libraries
case "$mode" in
service)
    install_user
    install_build
    install_data_dir
    install_config
    install_unit
    ;;
x11)
    install_user
    install_build
    install_data_dir
    install_config
    install_x11_session
    ;;
counter)
    install_build
    install_config
    put "$HERE/$APP-counter.desktop" "$LAUNCHER" 0644
    note "clerks start the counter from their desktop menu (or: kiosk run --counter);" \
        "each desktop account keeps its own data dir (~/.local/share/$APP)"
    ;;
esac
if [ "$mode" != counter ]; then
    self_test
fi
note "done: $PREFIX"
