#!/usr/bin/env bash
# Installs the Debian packages simdloss needs that are missing (apt-get, as
# root or through sudo). Usage: scripts/deps.sh [build|bench|golden]...
set -euo pipefail

pkgs=(cmake make gcc g++ pkg-config libsleef-dev check libsubunit-dev)
for what in "$@"; do
    case "$what" in
    build) ;;
    bench) pkgs+=(libbenchmark-dev) ;;
    golden) pkgs+=(python3-torch python3-numpy) ;;
    *) echo "deps.sh: unknown set '$what'" >&2; exit 2 ;;
    esac
done

missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
