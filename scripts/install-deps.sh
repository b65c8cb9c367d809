#!/usr/bin/env bash
# Installs the Debian packages needed to build Vigie's tray (vigie-tray: GTK / AppIndicator) and
# window (vigie-app: Tauri v2 / WebKitGTK), and to test them headless (Xvfb, a session D-Bus,
# trayer as XEmbed tray host, xdotool and ImageMagick for pixel checks, jq and python3 modules for
# tests/e2e). Idempotent: apt is skipped when all are present.
set -euo pipefail

PACKAGES=(
  build-essential
  pkg-config
  curl
  file
  procps
  libwebkit2gtk-4.1-dev
  libgtk-3-dev
  libayatana-appindicator3-dev
  librsvg2-dev
  libxdo-dev
  xvfb
  xauth
  dbus
  x11-utils
  xdotool
  imagemagick
  trayer
  chromium
  # tests/e2e: jq edits fixture JSON, python3-xlib closes windows the way a window manager does,
  # python3-dbus and python3-gi run the StatusNotifierWatcher of the sni scenario
  jq
  python3-xlib
  python3-dbus
  python3-gi
  # tests/e2e webdriver scenario: WebKitWebDriver, which tauri-driver drives
  webkit2gtk-driver
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages already installed"
else
  echo "install-deps: installing ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
  fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update
  $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
fi

# tauri-driver (WebDriver proxy in front of WebKitWebDriver) for tests/e2e, pinned to 2.x:
# 3.0 (in alpha on crates.io) must not replace the tested 2.x series once released.
if command -v tauri-driver >/dev/null 2>&1; then
  echo "install-deps: tauri-driver already installed"
else
  echo "install-deps: installing tauri-driver 2.x (cargo install, 1-2 min)"
  cargo install tauri-driver --locked --version '^2'
fi
