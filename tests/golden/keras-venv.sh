#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Keras 3 on its JAX CPU backend, pinned, in a venv outside the test path:
# the reference that writes the golden vectors of the Keras losses computed
# from Keras itself (gen_circle.py). Prints the venv's python.
#   tests/golden/keras-venv.sh   (SIMDLOSS_KERAS_VENV: the venv's directory,
#                                 default ~/.cache/simdloss/keras)
set -euo pipefail
venv=${SIMDLOSS_KERAS_VENV:-$HOME/.cache/simdloss/keras}
keras_version=3.15.1
jax_version=0.10.2
numpy_version=2.4.6
if ! "$venv/bin/python" -c "import keras, jax; assert keras.__version__ == '$keras_version' and jax.__version__ == '$jax_version'" \
    >/dev/null 2>&1; then
    if [ ! -x /usr/bin/python3 ] || ! /usr/bin/python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
        sudo=""
        [ "$(id -u)" -ne 0 ] && sudo="sudo"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3-venv >&2
    fi
    /usr/bin/python3 -m venv "$venv" >&2
    "$venv/bin/pip" install -q "keras==$keras_version" "jax[cpu]==$jax_version" \
        "jaxlib==$jax_version" "numpy==$numpy_version" >&2
fi
echo "$venv/bin/python"
