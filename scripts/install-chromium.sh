#!/usr/bin/env bash
# Installs Debian's chromium for the report's browser tests (test/report/browser.test.ts)
# when no Chromium is found, with the search of test/support/browser.ts: PROBE_CHROMIUM,
# /usr/bin/chromium, /usr/bin/chromium-browser, then chromium or chromium-browser on PATH.
# It installs only where the machine allows it (root, or sudo without a password, and
# apt-get); elsewhere it says how and exits 0: `make setup` must not fail for want of apt,
# the browser tests then fail saying the same.
set -uo pipefail

found() {
  if [ -n "${PROBE_CHROMIUM:-}" ]; then
    [ -f "$PROBE_CHROMIUM" ] && [ -x "$PROBE_CHROMIUM" ] && echo "$PROBE_CHROMIUM"
    return
  fi
  local path
  for path in /usr/bin/chromium /usr/bin/chromium-browser; do
    if [ -f "$path" ] && [ -x "$path" ]; then echo "$path"; return; fi
  done
  command -v chromium || command -v chromium-browser
}

if chromium=$(found) && [ -n "$chromium" ]; then
  echo "chromium: $chromium"
  exit 0
fi
if [ -n "${PROBE_CHROMIUM:-}" ]; then
  echo "chromium: PROBE_CHROMIUM=$PROBE_CHROMIUM is not an executable file; the browser tests (test/report/browser.test.ts) will fail until it is"
  exit 0
fi

how="install Debian's chromium (apt-get install -y --no-install-recommends chromium) or set PROBE_CHROMIUM to a Chromium executable"
if ! command -v apt-get >/dev/null 2>&1; then
  echo "chromium: not found and no apt-get here: $how, else the browser tests (test/report/browser.test.ts) fail"
  exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  echo "chromium: not found, and installing it needs root or sudo without a password: $how, else the browser tests (test/report/browser.test.ts) fail"
  exit 0
fi

install() {
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium
}

echo "chromium: not found; installing Debian's chromium package for the browser tests"
# apt's package lists are refreshed only when the install fails without them (a fresh image has none)
if ! install; then
  "${as_root[@]}" apt-get update -q && install
fi
if chromium=$(found) && [ -n "$chromium" ]; then
  echo "chromium: $chromium"
else
  echo "chromium: the install failed: $how, else the browser tests (test/report/browser.test.ts) fail"
fi
exit 0
