#!/usr/bin/env bash
# Install everything the project needs on a fresh Debian machine (run as root, or with sudo):
# Debian's chromium (browser tests, static charts), CJK fonts (Chinese in PDFs and screenshots),
# DejaVu Sans (symbols the CJK font lacks, e.g. the breach mark ✗, in PDFs), poppler (PDF pages to PNG in tests),
# Java 17 (the Spark engine, `refresh --engine spark`, and its parity test), then the pinned Python packages
# (pyspark among them) and the project itself.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
DEBS="chromium fonts-noto-cjk fonts-dejavu-core poppler-utils openjdk-17-jre-headless"
missing=""
for pkg in $DEBS; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
done
if [ -n "$missing" ]; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
fi

python3.11 -m pip install -q --disable-pip-version-check -r requirements.txt
python3.11 -m pip install -q --disable-pip-version-check --no-deps -e .
