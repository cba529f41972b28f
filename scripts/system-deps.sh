#!/usr/bin/env bash
# Install the Debian packages the test suite needs, only when they are missing.
set -euo pipefail
need=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
# grep reads to the end (no -q): with pipefail an early exit would fail fc-list on SIGPIPE and reinstall.
fc-list 2>/dev/null | grep -i garuda >/dev/null || need+=(fonts-thai-tlwg fontconfig)
ls /usr/lib/*/libharfbuzz-subset.so.0 >/dev/null 2>&1 || need+=(libharfbuzz-subset0)
[ -x /usr/bin/chromium ] || need+=(chromium)
# The mailbox tests run a real Dovecot IMAP server on 127.0.0.1 (tests/connect/dovecot.py).
[ -x /usr/sbin/dovecot ] || need+=(dovecot-imapd)
[ ${#need[@]} -eq 0 ] && exit 0
echo "installing Debian packages: ${need[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
