#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Turn simdloss-bench and torch_ref.py JSON into the limits table (markdown).

usage: bench/summarize.py SIMDLOSS_JSON [TORCH_JSON] [--isa avx512] [--sizes 1048576,16777216]
                          [--run2 SIMDLOSS_JSON_2]

SIMDLOSS_JSON: google-benchmark output (--benchmark_out_format=json) holding
  <loss>/fwdgrad/<isa>/<n> for the ISAs compared, ref_stream/<isa>/<n> and
  ref_log|ref_exp|ref_log1p|ref_expm1/<isa>; with repetitions, the median
  aggregate is used.
TORCH_JSON: bench/torch_ref.py --json output (optional).
--run2: a second simdloss-bench run of the same ISA, shown as an extra column
  (run-to-run spread on a shared machine); the limits come from the first run.

For each loss of the registry (src/losses.def, read by registry.py) and n, on
the chosen ISA:
  memory limit  = ref_stream Melem/s at the same n (read 2, write 1 array),
                  scaled by 3 / (arrays moved) for losses that move more (a
                  second input, a full-length cyclic array:
                  registry.arrays_moved);
  compute limit = 1 / (sum of the ns/elem of the SLEEF calls the loss makes,
                  the registry's sleef column, from ref_log/exp/log1p/expm1);
  limit         = min of the two; "% of limit" = measured / limit.

Then, when SIMDLOSS_JSON holds class-dimension benchmarks
(<loss>/fwdgrad/<isa>/<shape>, see class_cases.py), one table of them: the
limits of class_cases.limits() (ref_stream_rw / ref_stream_rw_bf16 /
ref_stream and ref_exp_stream at the shape, the SLEEF costs), the fwd-only
numbers, and PyTorch's from TORCH_JSON's class results.
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import class_cases as CC  # noqa: E402
import registry as R  # noqa: E402


def load_bench(path):
    d = json.load(open(path))
    out = {}
    for b in d["benchmarks"]:
        name = b.get("run_name", b["name"])
        if b.get("run_type") == "aggregate":
            if b.get("aggregate_name") != "median":
                continue
        elif name in out:  # plain repetitions without aggregates: keep the first
            continue
        out[name] = b.get("items_per_second", 0.0) / 1e6  # Melem/s
    return out


def load_torch(path):
    if not path:
        return {}
    d = json.load(open(path))
    # class results are keyed by their shape name ("512x1000"), with None
    # (unsupported) kept
    return {(r["loss"], r.get("shape", r["n"])): r["melem_per_s"] for r in d["results"]}


def fmt(v, nd=0):
    return "-" if v is None else f"{v:.{nd}f}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("simdloss_json")
    ap.add_argument("torch_json", nargs="?")
    ap.add_argument("--isa", default="avx512")
    ap.add_argument("--sizes", default="1048576,16777216")
    ap.add_argument("--run2")
    args = ap.parse_args()
    B = load_bench(args.simdloss_json)
    T = load_torch(args.torch_json)
    R2 = load_bench(args.run2) if args.run2 else None
    isa = args.isa

    ns = {f: 1e3 / B[f"ref_{f}/{isa}"] for f in ("log", "exp", "log1p", "expm1")
          if f"ref_{f}/{isa}" in B}
    print(f"SLEEF cost on {isa} (ref kernels, 4096 cached elements): " +
          ", ".join(f"{k} {v:.3f} ns/elem ({1e3 / v:.0f} Melem/s)"
                    for k, v in ns.items() if v) + "\n")

    for n in [int(s) for s in args.sizes.split(",") if s]:  # --sizes "": class only
        mem = B.get(f"ref_stream/{isa}/{n}")
        print(f"### n = {n} ({n >> 20}M), fwdgrad, MEAN; ref_stream/{isa} = "
              f"{fmt(mem)} Melem/s\n")
        r2h, r2s = (" run 2 |", "---:|") if R2 else ("", "")
        print(f"| loss | SLEEF calls | {isa} Melem/s |{r2h} mem limit | compute limit | limit "
              f"| % of limit | avx2 | scalar | {isa}/scalar | PyTorch | vs PyTorch |")
        print(f"|---|---|---:|{r2s}---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for L in R.losses():
            name, calls, arrays = L["name"], R.sleef_calls(L), R.arrays_moved(L)
            v = B.get(f"{name}/fwdgrad/{isa}/{n}")
            v2 = B.get(f"{name}/fwdgrad/avx2/{n}")
            sc = B.get(f"{name}/fwdgrad/scalar/{n}")
            ml = mem * 3.0 / arrays if mem else None
            cost = sum(ns[c] for c in calls) if calls and all(ns.get(c) for c in calls) else None
            cl = 1e3 / cost if cost else None
            lim = min(x for x in (ml, cl) if x is not None) if (ml or cl) else None
            bound = "" if lim is None else (" (mem)" if lim == ml else " (cpu)")
            frac = 100.0 * v / lim if v and lim else None
            tv = T.get((name, n))
            r2c = f" {fmt(R2.get(f'{name}/fwdgrad/{isa}/{n}'))} |" if R2 else ""
            print(f"| {name} | {'+'.join(calls) or '-'} | {fmt(v)} |{r2c} {fmt(ml)} | "
                  f"{fmt(cl)} | {fmt(lim)}{bound} | {fmt(frac)}% | {fmt(v2)} | {fmt(sc, 1)} | "
                  f"{fmt(v / sc if v and sc else None, 1)}x | {fmt(tv, 1)} | "
                  f"{fmt(v / tv if v and tv else None, 1)}{'x' if v and tv else ''} |")
        print()
    print_class(B, T, R2, isa, ns)


def print_class(B, T, R2, isa, ns_isa):
    """The class-dimension benchmarks found in B, one row per (loss, shape)."""
    found = [(nm, s) for nm, s in CC.cases()
             if f"{nm}/fwdgrad/{isa}/{CC.shape_name(s)}" in B]
    if not found:
        return
    ns = {(isa, f): v for f, v in ns_isa.items()}
    print(f"### class-dimension losses, MEAN, {isa}; limits: read input + write gradient "
          f"(ref_stream_rw / _bf16 / ref_stream at the shape) and the SLEEF calls "
          f"(one exp per logit for the softmax losses)\n")
    r2h, r2s = (" run 2 |", "---:|") if R2 else ("", "")
    print(f"| loss | shape | SLEEF calls | fwdgrad Melem/s |{r2h} mem limit | compute limit | "
          f"limit | % of limit | fwd Melem/s | fwd % of limit | avx2 | scalar | PyTorch | "
          f"vs PyTorch |")
    print(f"|---|---:|---|---:|{r2s}---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for nm, s in found:
        sn = CC.shape_name(s)
        lim = CC.limits(B.get, nm, isa, s, ns)
        v = B.get(f"{nm}/fwdgrad/{isa}/{sn}")
        f = B.get(f"{nm}/fwd/{isa}/{sn}")
        frac = 100.0 * v / lim["limit"] if v and lim["limit"] else None
        ffrac = 100.0 * f / lim["fwd_limit"] if f and lim["fwd_limit"] else None
        key = (nm, sn)
        tv = T.get(key)
        tcell = "unsupported" if key in T and tv is None else fmt(tv, 1)
        r2c = f" {fmt(R2.get(f'{nm}/fwdgrad/{isa}/{sn}'))} |" if R2 else ""
        bound = {"memory": " (mem)", "compute": " (cpu)"}.get(lim["bound"], "")
        print(f"| {nm} | {sn} | {'+'.join(CC.CLASS_LOSSES[nm][1]) or '-'} | {fmt(v)} |{r2c} "
              f"{fmt(lim['mem'])} | {fmt(lim['cpu'])} | {fmt(lim['limit'])}{bound} | "
              f"{fmt(frac)}% | {fmt(f)} | {fmt(ffrac)}{'%' if ffrac else ''} | "
              f"{fmt(B.get(f'{nm}/fwdgrad/avx2/{sn}'))} | "
              f"{fmt(B.get(f'{nm}/fwdgrad/scalar/{sn}'), 1)} | {tcell} | "
              f"{fmt(v / tv if v and tv else None, 1)}{'x' if v and tv else ''} |")
    print()


if __name__ == "__main__":
    sys.exit(main())
