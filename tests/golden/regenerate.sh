#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Regenerates tests/golden/<loss>.txt (gen.py), tests/golden/class/<loss>.txt
# (gen_class.py), tests/golden/embedding/<loss>.txt (gen_embedding.py) and
# tests/golden/ctc/ctc.txt (gen_ctc.py), tests/golden/ce_ex/ce_ex.txt
# (gen_ce_ex.py), tests/golden/linear/linear_ce.txt (gen_linear_ce.py) and
# tests/golden/linear/adaptive.txt (gen_adaptive.py) from
# PyTorch 1.13 (Debian's python3-torch), and tests/golden/keras/circle.txt
# (gen_circle.py) and tests/golden/keras/ctc.txt (gen_keras_ctc.py) from
# Keras 3 itself in a pinned venv (keras-venv.sh).
# Installs python3-torch and python3-numpy first when /usr/bin/python3 lacks them.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3
if ! "$PY" -c 'import torch, numpy' >/dev/null 2>&1; then
    SUDO=
    [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO apt-get update
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y python3-torch python3-numpy
fi
"$PY" "$here/gen.py" "$@"
"$PY" "$here/gen_class.py"
"$PY" "$here/gen_embedding.py"
"$PY" "$here/gen_ctc.py"
"$PY" "$here/gen_ce_ex.py"
"$PY" "$here/gen_linear_ce.py"
"$PY" "$here/gen_adaptive.py"
KERAS_PY=$("$here/keras-venv.sh")
"$KERAS_PY" "$here/gen_circle.py"
exec "$KERAS_PY" "$here/gen_keras_ctc.py"
