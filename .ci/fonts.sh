#!/usr/bin/env bash
# Fonts for the report's charts (matplotlib): Noto Sans for Thai, Khmer, Lao and the rest
# (fonts-noto-core) and Noto Sans CJK for Chinese, Japanese and Korean (fonts-noto-cjk).
# Without them, chart labels in those scripts are drawn as empty boxes.
# Idempotent: installs only what is missing, on Debian/Ubuntu (apt-get), as root or through sudo.
set -euo pipefail
packages=(fonts-noto-core fonts-noto-cjk)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "fonts: apt-get not found; install Noto Sans (Thai, Khmer, Lao) and Noto Sans CJK for chart labels" >&2
  exit 0
fi
as_root=()
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as_root=(sudo -n)
  else
    echo "fonts: not root; run 'sudo bash .ci/fonts.sh' to install ${missing[*]} (chart labels in Thai, Khmer, Lao, CJK)" >&2
    exit 0
  fi
fi
echo "fonts: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
