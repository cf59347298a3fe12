#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""simdloss_ctc_f32 against F.ctc_loss, forward + backward, MEAN, interleaved.

Times both on the issue's shapes (T, N, C, S) = (200, 32, 30, 40) and
(100, 16, 5000, 30): 7 rounds, each running simdloss then torch for 0.3 s,
medians of the rounds. simdloss is called through ctypes on the library of
a build directory (default build/release); torch is whichever
/usr/bin/python3 imports (Debian's python3-torch 1.13). One thread for both
unless --threads is given (SIMDLOSS_NUM_THREADS is read by the library).

    taskset -c 1 /usr/bin/python3 bench/ctc_vs_torch.py [--lib PATH] [--threads K]
"""
import argparse
import ctypes
import os
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
SHAPES = [(200, 32, 30, 40), (100, 16, 5000, 30)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lib", default=os.path.join(HERE, "..", "build", "release", "libsimdloss.so"))
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    os.environ["SIMDLOSS_NUM_THREADS"] = str(args.threads)
    torch.set_num_threads(args.threads)
    lib = ctypes.CDLL(args.lib)
    f = lib.simdloss_ctc_f32
    P = ctypes.c_void_p
    f.argtypes = [ctypes.c_size_t] * 3 + [P, P, ctypes.c_size_t, P, P, ctypes.c_int64,
                                          ctypes.c_int, ctypes.c_int, P, P]
    print(f"torch {torch.__version__}, {args.threads} thread(s), fwd+bwd MEAN, medians of 7")
    for T, N, C, S in SHAPES:
        rng = np.random.default_rng(0)
        lp = torch.log_softmax(torch.randn(T, N, C), -1).numpy().copy()
        tg = rng.integers(1, C, size=(N, S)).astype(np.int64)
        il = np.full(N, T, np.int64)
        tl = rng.integers(S // 2, S + 1, size=N).astype(np.int64)
        loss = np.zeros(1, np.float32)
        g = np.zeros_like(lp)
        ptrs = [a.ctypes.data_as(P) for a in (lp, tg, il, tl, loss, g)]

        def ours():
            rc = f(T, N, C, ptrs[0], ptrs[1], S, ptrs[2], ptrs[3], 0, 0, 1, ptrs[4], ptrs[5])
            assert rc == 0

        lpt = torch.tensor(lp, requires_grad=True)
        tt, ilt, tlt = torch.tensor(tg), torch.tensor(il), torch.tensor(tl)

        def theirs():
            lpt.grad = None
            torch.nn.functional.ctc_loss(lpt, tt, ilt, tlt).backward()

        res = {"simdloss": [], "torch": []}
        for _ in range(7):
            for name, fn in (("simdloss", ours), ("torch", theirs)):
                fn()
                t0, k = time.perf_counter(), 0
                while time.perf_counter() - t0 < 0.3:
                    fn()
                    k += 1
                res[name].append((time.perf_counter() - t0) / k)
        mo, mt = np.median(res["simdloss"]), np.median(res["torch"])
        print(f"T={T} N={N} C={C} S={S}: simdloss {mo * 1e3:.3f} ms, torch {mt * 1e3:.3f} ms, "
              f"{mt / mo:.2f}x")


if __name__ == "__main__":
    main()
