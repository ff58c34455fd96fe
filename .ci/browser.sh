#!/usr/bin/env bash
# Install (from Debian's packages) a headless Chromium and the fonts every script of the community
# needs (Thai, Khmer, Lao, Myanmar in fonts-noto-core; Chinese, Japanese, Korean in fonts-noto-cjk),
# for tests/web/test_browser.py. Idempotent: does nothing when they are there. Prints the browser's
# path; exits non-zero (and the browser test skips, saying why) when they cannot be installed.
set -euo pipefail
want=()
command -v chromium >/dev/null 2>&1 || want+=(chromium)
for pkg in fonts-noto-core fonts-noto-cjk; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || want+=("$pkg")
done
if (( ${#want[@]} )); then
  if [[ $(id -u) != 0 ]] && ! command -v sudo >/dev/null 2>&1; then
    echo "cannot install ${want[*]}: not root and no sudo" >&2
    exit 1
  fi
  SUDO=$([[ $(id -u) == 0 ]] && echo "" || echo sudo)
  ($SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    "${want[@]}") >&2
fi
command -v chromium
