#!/bin/sh
# The kiosk's command line on an installed machine (deploy/install.sh installs this file as
# /usr/local/bin/kiosk): kiosk status, kiosk enroll ..., kiosk queue list, kiosk --help.
#
# On a kiosk (there is a "kiosk" system user), root and the kiosk user work on the kiosk's own
# data dir and configuration, as the service does; root's commands run as the kiosk user, so
# that no file in the data dir ends up owned by root (the service could not write it any more).
# Anyone else (a clerk at a counter machine) runs it as themselves, on their own data dir.
set -eu
KIOSK=/opt/municipal-kiosk/kiosk
KIOSK_CONFIG=${KIOSK_CONFIG:-/etc/municipal-kiosk/kiosk.toml}
export KIOSK_CONFIG
if getent passwd kiosk >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ]; then
        KIOSK_DATA_DIR=${KIOSK_DATA_DIR:-/var/lib/municipal-kiosk}
        export KIOSK_DATA_DIR
        exec runuser -u kiosk -- "$KIOSK" "$@"
    fi
    if [ "$(id -un)" = kiosk ]; then
        KIOSK_DATA_DIR=${KIOSK_DATA_DIR:-/var/lib/municipal-kiosk}
        export KIOSK_DATA_DIR
    fi
fi
exec "$KIOSK" "$@"
