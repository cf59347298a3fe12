#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A venv of pinned PyPI packages outside the test path, made when missing
# or when its check fails; prints the venv's python. Used by the scripts
# that need such tools (bench/peers-venv.sh, tests/golden/keras-venv.sh).
#   scripts/pypi-venv.sh DIR CHECK PACKAGE==VERSION...
# DIR: the venv; CHECK: Python code that succeeds when the venv is right.
set -euo pipefail
[ $# -ge 3 ] || { echo "usage: scripts/pypi-venv.sh DIR CHECK PACKAGE==VERSION..." >&2; exit 2; }
venv=$1 check=$2
shift 2
if ! "$venv/bin/python" -c "$check" >/dev/null 2>&1; then
    if [ ! -x /usr/bin/python3 ] || ! /usr/bin/python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
        sudo=""
        [ "$(id -u)" -ne 0 ] && sudo="sudo"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3-venv >&2
    fi
    /usr/bin/python3 -m venv "$venv" >&2
    "$venv/bin/pip" install -q "$@" >&2
fi
echo "$venv/bin/python"
