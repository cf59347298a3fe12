#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The benchmark's PyPI peers, pinned, in a venv outside the test path:
# the current PyTorch (beside Debian's 1.13) and Apple's Cut Cross-Entropy
# (its torch.compile path runs on the CPU), the peer of the fused linear
# cross-entropy. Prints the venv's python.
#   bench/peers-venv.sh        (SIMDLOSS_VENV: the venv's directory,
#                               default ~/.cache/simdloss/peers)
set -euo pipefail
venv=${SIMDLOSS_VENV:-$HOME/.cache/simdloss/peers}
torch_version=2.15.0
cce_version=25.1.1
if ! "$venv/bin/python" -c "import torch, cut_cross_entropy; assert torch.__version__.split('+')[0] == '$torch_version'" \
    >/dev/null 2>&1; then
    if [ ! -x /usr/bin/python3 ] || ! /usr/bin/python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
        sudo=""
        [ "$(id -u)" -ne 0 ] && sudo="sudo"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3-venv >&2
    fi
    /usr/bin/python3 -m venv "$venv" >&2
    "$venv/bin/pip" install -q "torch==$torch_version" "cut-cross-entropy==$cce_version" numpy >&2
fi
echo "$venv/bin/python"
