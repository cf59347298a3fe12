#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Keras 3 on its JAX CPU backend, pinned, in a venv outside the test path:
# the reference that writes the golden vectors of the Keras losses computed
# from Keras itself (gen_circle.py, gen_keras_ctc.py). Prints the venv's
# python.
#   tests/golden/keras-venv.sh   (SIMDLOSS_KERAS_VENV: the venv's directory,
#                                 default ~/.cache/simdloss/keras)
set -euo pipefail
keras_version=3.15.1
jax_version=0.10.2
numpy_version=2.4.6
exec "$(dirname "$0")/../../scripts/pypi-venv.sh" "${SIMDLOSS_KERAS_VENV:-$HOME/.cache/simdloss/keras}" \
    "import keras, jax; assert keras.__version__ == '$keras_version' and jax.__version__ == '$jax_version'" \
    "keras==$keras_version" "jax[cpu]==$jax_version" "jaxlib==$jax_version" "numpy==$numpy_version"
