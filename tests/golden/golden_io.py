# SPDX-License-Identifier: Apache-2.0
"""What every golden-vector generator writes with: float32 values as hex bits
(NaN canonical) and a case's random generator seeded from its name. numpy
only, so that the Keras generators (their own venv, no torch) and the torch
ones (gen.py and those importing from it) share it."""
import os
import zlib

import numpy as np

F32 = np.float32


def hexs(v):
    a = np.asarray(v, dtype=F32).ravel()
    b = a.view(np.uint32).copy()
    b[np.isnan(a)] = 0x7FC00000
    return " ".join("%08x" % int(u) for u in b)


def write_lines(path, lines):
    """The generator's lines to path (its directory made), and says so."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("wrote", path)


def rng_for(*parts):
    return np.random.default_rng(zlib.crc32("/".join(str(p) for p in parts).encode()))
