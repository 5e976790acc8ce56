#!/usr/bin/env bash
# Install the system packages Octavo needs, when they are missing (Debian 12).
#
#   WeasyPrint:  Pango, HarfBuzz (with its subsetter), fontconfig, a fallback font
#   tests:       Java for EPUBCheck, Chromium for Ace by DAISY, qpdf, poppler-utils
#                (pdftoppm, pdffonts)
#   venv:        python3-venv, on a Debian Python that lacks ensurepip
#
# Runs apt-get only when something is missing, as root or through sudo.
set -euo pipefail

python=${PYTHON:-python3}
# Fonts for what EB Garamond lacks (the classic theme's font-family chain): Noto Serif,
# Naskh Arabic and Serif Hebrew (fonts-noto-core), Noto Serif CJK SC/JP for Chinese and
# Japanese (fonts-noto-cjk), and colour emoji, which WeasyPrint draws from their PNGs.
packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fontconfig
          fonts-dejavu-core fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji
          qpdf poppler-utils)
if [ "${1:-}" = "--with-tests" ]; then
  command -v java >/dev/null 2>&1 || packages+=(default-jre-headless)
  packages+=(chromium)
fi

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$package")
done
if ! "$python" -c "import ensurepip, venv" >/dev/null 2>&1; then
  version=$("$python" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
  missing+=("python${version}-venv")
fi

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "Octavo needs these system packages: ${missing[*]}" >&2
  echo "This is not a Debian system: install their equivalents, then run make again." >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo="sudo"
  else
    echo "Octavo needs these system packages: ${missing[*]}" >&2
    echo "Run as root: apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi
echo "Installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
