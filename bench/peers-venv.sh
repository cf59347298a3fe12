#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The benchmark's PyPI peers, pinned, in a venv outside the test path:
# the current PyTorch (beside Debian's 1.13) and Apple's Cut Cross-Entropy
# (its torch.compile path runs on the CPU), the peer of the fused linear
# cross-entropy. Prints the venv's python.
#   bench/peers-venv.sh        (SIMDLOSS_VENV: the venv's directory,
#                               default ~/.cache/simdloss/peers)
set -euo pipefail
torch_version=2.15.0
cce_version=25.1.1
exec "$(dirname "$0")/../scripts/pypi-venv.sh" "${SIMDLOSS_VENV:-$HOME/.cache/simdloss/peers}" \
    "import torch, cut_cross_entropy; assert torch.__version__.split('+')[0] == '$torch_version'" \
    "torch==$torch_version" "cut-cross-entropy==$cce_version" numpy
