#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""simdloss against its limits and against PyTorch 1.13, with a report and plots.

Runs simdloss-bench (every loss of the registry, src/losses.def, read by
registry.py; forward + gradient, MEAN, each runnable ISA)
and PyTorch (the same loss, forward with reduction='mean' + backward(), one
thread) on the same cases, interleaved: for each size n, for each loss, the
simdloss ISAs, then PyTorch. Writes to --out (default bench/results/):

  <date>-<cpu>.md            machine, method, reference limits, a table per
                             loss family (FAMILIES: grouped by the registry's
                             data domains, "other" for the rest), a summary,
                             the losses furthest from their limit
  <date>-<cpu>-<family>.png  Melem/s vs n per loss: simdloss per ISA, PyTorch,
                             the limit
  <date>-<cpu>-speedup.png   speed-up over PyTorch per loss at n = 1M
  <date>-<cpu>-class.png     the class-dimension losses at their shapes:
                             simdloss, PyTorch, the limit
  <date>-<cpu>.json          the medians everything above is made from

The class-dimension losses (class_cases.py: cross_entropy f32 and bf16 at
six shapes from 8192x10 to 64x128256 and 8x21x262144, the other class losses
at their kind's shapes, shapes_of()) run after the elementwise ones, each
shape's reference kernels first; their limits are class_cases.limits() (read
the input (+ target) + write the gradient, the registry's SLEEF calls: one
exp per logit for the softmax losses; the losses over several inputs,
cosine_embedding and triplet_margin, read every input and write every
gradient: ref_stream_rw2 / ref_stream_rw3).

Limits, per ISA and n (simdloss-bench's reference kernels):
  memory   ref_stream/<isa>/<n> (read 2 arrays, write 1), scaled by 3/arrays
           for losses that move more (a second input, a full-length cyclic
           array: registry.arrays_moved);
  compute  1 / (sum of the ns/element of the SLEEF calls the loss makes (the
           registry's sleef column), from ref_log|ref_exp|ref_log1p|ref_expm1/<isa>
           over 4096 cached elements); none for losses without SLEEF calls;
  limit    the smaller of the two; "% of limit" = measured / limit.

Usually run through bench/compare.sh, which installs the Debian packages,
builds simdloss-bench and simdloss-cpu (Release) and calls this script. Pin
it to one CPU (taskset -c N) on a machine that is otherwise idle.

usage: bench/compare.py --bench PATH [--probe PATH] [--sizes ...] [--losses ...|none]
                        [--class-losses ...|none] [--shapes 8192x10,...]
                        [--reps 9] [--min-time 0.1] [--torch-reps 9]
                        [--torch-min-time 0.1] [--out DIR] [--quick]
       bench/compare.py --from-json RESULTS.json [--out DIR]   (report only)
"""
import argparse
import datetime
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import class_cases as CC  # noqa: E402
import registry as R  # noqa: E402


def _entry(nm):
    """The registry's entry of a loss, None for a name it does not have (an
    old results JSON)."""
    try:
        return R.loss(nm)
    except KeyError:
        return None


def calls_of(nm):
    """SLEEF calls per element (the registry's sleef column), None if unknown."""
    L = _entry(nm)
    return None if L is None else R.sleef_calls(L)


def arrays_of(nm):
    """Arrays moved per element by forward + gradient, None if unknown."""
    L = _entry(nm)
    return None if L is None else R.arrays_moved(L)


def _tgt(L):
    return L["targets"][0]["dom"] if L["targets"] else None


# The report's sections (a presentation choice), by the data a loss reads (its
# registry domains): a loss goes to the first section whose rule it matches,
# to "other" when none does.
FAMILIES = [
    ("regression", "Regression",
     lambda L: not R.full_length_cyc(L) and _tgt(L) in ("real", "away0", "positive")),
    ("binary", "Binary classification", lambda L: _tgt(L) in ("label01", "soft01")),
    ("margin", "Margin", lambda L: _tgt(L) == "pm1"),
    ("likelihood", "Divergence and likelihood",
     lambda L: bool(R.full_length_cyc(L)) or _tgt(L) in ("count", "prob", "logprob")),
]
OTHER = ("other", "Other")


def families(names):
    """[(slug, title, losses)]: the sections of FAMILIES, then "other", each with
    its losses in the order of names; empty sections are left out."""
    sections = [(slug, title) for slug, title, _ in FAMILIES] + [OTHER]
    groups = {slug: [] for slug, _ in sections}
    for nm in names:
        L = _entry(nm)
        slug = next((sl for sl, _, rule in FAMILIES if L is not None and rule(L)), OTHER[0])
        groups[slug].append(nm)
    return [(slug, title, groups[slug]) for slug, title in sections if groups[slug]]


ISA_ORDER = ["avx512", "avx2", "neon", "scalar"]  # best first
SIZES = [4096, 65536, 1048576, 16777216]
MATH = ["log", "exp", "log1p", "expm1"]


def size_name(n):
    return f"{n >> 20}M" if n >= 1 << 20 else f"{n >> 10}K"


# ----------------------------------------------------------------- measuring --

def run_bench(binary, regex, reps, min_time):
    """Runs simdloss-bench on the benchmarks matching regex; returns
    {name: {"melem": median Melem/s, "cv": cv of the CPU time or None}}."""
    cmd = [binary, f"--benchmark_filter={regex}", "--benchmark_format=json",
           f"--benchmark_min_time={min_time}"]
    if reps > 1:
        cmd += [f"--benchmark_repetitions={reps}", "--benchmark_report_aggregates_only=true"]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"compare.py: {' '.join(cmd)} failed:\n{p.stderr}")
    out = {}
    for b in json.loads(p.stdout)["benchmarks"]:
        if b.get("error_occurred"):
            sys.exit(f"compare.py: {b['name']}: {b.get('error_message')}")
        name = b.get("run_name", b["name"])
        r = out.setdefault(name, {"melem": None, "cv": None})
        if b.get("run_type") == "aggregate":
            if b["aggregate_name"] == "median":
                r["melem"] = b["items_per_second"] / 1e6
            elif b["aggregate_name"] == "cv":
                r["cv"] = b.get("cpu_time")
        else:
            r["melem"] = b["items_per_second"] / 1e6
    return out


def list_isas(binary):
    """The ISAs of the binary's benchmarks, best first; exits when its
    elementwise losses are not the registry's (a stale build)."""
    p = subprocess.run([binary, "--benchmark_list_tests=true"],
                       capture_output=True, text=True, check=True)
    lines = p.stdout.split()
    found = {line.split("/")[1] for line in lines
             if line.startswith("ref_stream/") and line.count("/") == 2}
    elem = {line.split("/")[0] for line in lines
            if re.fullmatch(r"[^/]+/fwdgrad/[^/]+/[0-9]+", line)}
    if elem != set(R.names()):
        sys.exit(f"compare.py: {binary} benchmarks other elementwise losses than "
                 f"src/losses.def (rebuild it?): only in the binary: "
                 f"{', '.join(sorted(elem - set(R.names()))) or '-'}; only in the registry: "
                 f"{', '.join(sorted(set(R.names()) - elem)) or '-'}")
    return [i for i in ISA_ORDER if i in found] + sorted(found - set(ISA_ORDER))


def probe(path):
    if not path or not os.path.exists(path):
        return {}
    p = subprocess.run([path, "--json"], capture_output=True, text=True)
    return json.loads(p.stdout) if p.returncode == 0 else {}


def sh(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, shell=True).stdout.strip()
    except OSError:
        return ""


def measure(args):
    import torch  # noqa: E402  (Debian's python3-torch)
    import torch_ref

    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    import warnings
    warnings.filterwarnings("ignore", message="reduction: 'mean' divides")

    isas = list_isas(args.bench)
    losses = args.losses.split(",") if args.losses else R.names()
    losses = [] if losses == ["none"] else losses
    closses = args.class_losses.split(",") if args.class_losses else list(CC.CLASS_LOSSES)
    closses = [] if closses == ["none"] else closses
    cshapes = args.shapes.split(",") if args.shapes else None
    for nm in closses:
        if nm not in CC.CLASS_LOSSES:
            sys.exit(f"compare.py: unknown class loss {nm}")
    sizes = [int(s) for s in args.sizes.split(",")]
    for nm in losses:
        if nm not in R.names():
            sys.exit(f"compare.py: unknown loss {nm} (not in src/losses.def)")
    isa_re = "(" + "|".join(isas) + ")"
    info = probe(args.probe)
    meta = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": {k: info.get(k) for k in ("vendor", "brand", "uarch", "family", "model",
                                         "stepping", "caches", "logical_cpus", "features",
                                         "selected")},
        "affinity": sorted(os.sched_getaffinity(0)),
        "kernel": platform.release(),
        "compiler": sh("cc --version | head -1"),
        "sleef": sh("dpkg-query -W -f='${Version}\\n' libsleef3 2>/dev/null | head -1"),
        "benchmark": sh("dpkg-query -W -f='${Version}\\n' libbenchmark1debian 2>/dev/null | head -1"),
        "torch": torch.__version__,
        "torch_capability": torch_ref.cpu_capability(),
        "torch_threads": torch.get_num_threads(),
        "isas": isas,
        "sizes": sizes,
        "losses": losses,
        "class_cases": [[nm, CC.shape_name(s)] for nm, s in CC.cases(closses, cshapes)],
        "reps": args.reps, "min_time": args.min_time,
        "torch_reps": args.torch_reps, "torch_min_time": args.torch_min_time,
        "loadavg_before": os.getloadavg()[0],
    }
    res = {"meta": meta, "simdloss": {}, "torch": {}, "torch_what": dict(torch_ref.LABELS),
           "torch_class": {}}
    t_start = time.time()

    def log(msg):
        print(f"[{time.time() - t_start:6.0f} s] {msg}", file=sys.stderr, flush=True)

    log(f"ISAs {', '.join(isas)}; SLEEF references")
    res["simdloss"].update(run_bench(args.bench, f"^ref_({'|'.join(MATH)})/{isa_re}$",
                                     args.reps, args.min_time))
    for n in sizes if losses else []:
        log(f"n = {n}: stream references")
        res["simdloss"].update(run_bench(args.bench, f"^ref_stream(_nt)?/{isa_re}/{n}$",
                                         args.reps, args.min_time))
        for nm in losses:
            r = run_bench(args.bench, f"^{nm}/fwdgrad/{isa_re}/{n}$", args.reps, args.min_time)
            res["simdloss"].update(r)
            t = torch_ref.measure(nm, n, args.torch_reps, min_time=args.torch_min_time)
            res["torch"][f"{nm}/{n}"] = t["melem_per_s"]
            best = r.get(f"{nm}/fwdgrad/{isas[0]}/{n}", {}).get("melem")
            log(f"n = {n} {nm:16s} {isas[0]} {best or 0:8.1f}  torch {t['melem_per_s']:8.1f} Melem/s")
    refs_done = set()
    for nm, sn in meta["class_cases"]:
        if sn not in refs_done:
            log(f"{sn}: references")
            res["simdloss"].update(run_bench(
                args.bench,
                f"^ref_(stream_rw|stream_rw_bf16|stream_rw2|stream_rw3|exp_stream|stream)/"
                f"{isa_re}/{sn}$",
                args.reps, args.min_time))
            refs_done.add(sn)
        r = run_bench(args.bench, f"^{nm}/(fwd|fwdgrad)/{isa_re}/{sn}$", args.reps, args.min_time)
        res["simdloss"].update(r)
        best = r.get(f"{nm}/fwdgrad/{isas[0]}/{sn}", {}).get("melem")
        tv = None
        if nm in CC.TORCH_CLASS_LOSSES:
            t = torch_ref.measure_class(nm, CC.parse_shape(sn), args.torch_reps,
                                        min_time=args.torch_min_time)
            res["torch"][f"{nm}/{sn}"] = tv = t["melem_per_s"]
            res["torch_class"][f"{nm}/{sn}"] = t
        log(f"{sn:>12} {nm:24s} {isas[0]} {best or 0:8.1f}  torch "
            f"{'-' if tv is None else f'{tv:8.1f}'} Melem/s")
    meta["seconds"] = round(time.time() - t_start)
    meta["loadavg_after"] = os.getloadavg()[0]
    return res


# ------------------------------------------------------------------- analysis --

def analyse(res):
    """Per loss, ISA and n: measured Melem/s, the limits and the fraction of
    the limit; and the SLEEF costs in ns per element per (ISA, function)."""
    B = res["simdloss"]
    meta = res["meta"]

    def med(name):
        v = B.get(name)
        return v["melem"] if v else None

    ns = {}  # (isa, fn) -> ns per element
    for isa in meta["isas"]:
        for f in MATH:
            v = med(f"ref_{f}/{isa}")
            if v:
                ns[(isa, f)] = 1e3 / v
    rows = {}
    for nm in meta["losses"]:
        for n in meta["sizes"]:
            for isa in meta["isas"]:
                v = med(f"{nm}/fwdgrad/{isa}/{n}")
                stream = med(f"ref_stream/{isa}/{n}")
                arrays = arrays_of(nm)
                mem = stream * 3.0 / arrays if stream and arrays else None
                calls = calls_of(nm) or []
                cost = sum(ns.get((isa, c), float("nan")) for c in calls)
                cpu = 1e3 / cost if calls and cost == cost else None
                lim = min(x for x in (mem, cpu) if x) if (mem or cpu) else None
                bound = None if lim is None else ("memory" if lim == mem else "compute")
                rows[(nm, isa, n)] = {
                    "melem": v, "mem": mem, "cpu": cpu, "limit": lim, "bound": bound,
                    "frac": v / lim if v and lim else None,
                    "cv": (B.get(f"{nm}/fwdgrad/{isa}/{n}") or {}).get("cv")}
    return rows, ns


def analyse_class(res, ns):
    """Per class case and ISA: fwdgrad and fwd Melem/s, the limits
    (class_cases.limits) and the fractions of them."""
    B = res["simdloss"]
    meta = res["meta"]

    def med(name):
        v = B.get(name)
        return v["melem"] if v else None

    rows = {}
    for nm, sn in meta.get("class_cases", []):
        for isa in meta["isas"]:
            lim = CC.limits(med, nm, isa, CC.parse_shape(sn), ns)
            v = med(f"{nm}/fwdgrad/{isa}/{sn}")
            f = med(f"{nm}/fwd/{isa}/{sn}")
            lim.update({
                "melem": v, "fwd": f,
                "frac": v / lim["limit"] if v and lim["limit"] else None,
                "fwd_frac": f / lim["fwd_limit"] if f and lim["fwd_limit"] else None,
                "cv": (B.get(f"{nm}/fwdgrad/{isa}/{sn}") or {}).get("cv")})
            rows[(nm, isa, sn)] = lim
    return rows


def fmt(v, nd=0):
    return "–" if v is None else f"{v:,.{nd}f}"


def pct(v):
    return "–" if v is None else f"{100 * v:.0f} %"


def speedup(a, b):
    return a / b if a and b else None


def fx(v):
    return "–" if v is None else (f"{v:.1f}×" if v < 100 else f"{v:.0f}×")


def cpu_slug(meta):
    c = meta.get("cpu") or {}
    name = c.get("uarch") if c.get("uarch") not in (None, "", "unknown") else c.get("brand")
    name = name or platform.machine()
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def machine_lines(meta):
    c = meta.get("cpu") or {}
    caches = c.get("caches") or {}

    def csize(k):
        v = caches.get(k)
        if not v:
            return "?"
        s = v["size"]
        return f"{s >> 20} MiB" if s >= 1 << 20 else f"{s >> 10} KiB"
    feats = c.get("features") or {}
    simd = [f for f in ("avx2", "fma", "avx512f", "avx512bw", "avx512dq", "avx512vl",
                        "avx512_bf16", "avx512_fp16", "amx_tile", "asimd", "sve", "sve2")
            if feats.get(f)]
    return [
        f"- CPU: {c.get('brand', '?')} — {c.get('vendor', '?')} family {c.get('family', '?')} "
        f"model {c.get('model', '?')} stepping {c.get('stepping', '?')}, "
        f"microarchitecture **{c.get('uarch', '?')}**; {c.get('logical_cpus', '?')} logical CPUs; "
        f"L1d {csize('l1d')}, L2 {csize('l2')}, L3 {csize('l3')} (from `simdloss-cpu --json`)",
        f"- SIMD: {', '.join(simd) or '?'}; simdloss selects `{c.get('selected', '?')}`",
        f"- Linux {meta.get('kernel', '?')}; {meta.get('compiler', '?')}; SLEEF "
        f"{meta.get('sleef', '?')}; google-benchmark {meta.get('benchmark', '?')}; "
        f"PyTorch {meta.get('torch', '?')} (ATen CPU capability {meta.get('torch_capability', '?')}, "
        f"{meta.get('torch_threads', '?')} thread)",
        f"- pinned to CPU(s) {','.join(map(str, meta.get('affinity', [])))}; load average "
        f"{meta.get('loadavg_before', 0):.2f} before, {meta.get('loadavg_after', 0):.2f} after; "
        f"{meta.get('seconds', 0) // 60} min {meta.get('seconds', 0) % 60} s in all",
    ]


def class_markdown(res, crows, pngs):
    """The class-dimension section of the report (empty without class cases)."""
    meta = res["meta"]
    cases = meta.get("class_cases") or []
    if not cases:
        return []
    isas, best = meta["isas"], meta["isas"][0]
    T, TC = res["torch"], res.get("torch_class", {})
    L = ["## Class-dimension losses", ""]
    L.append(
        "Shapes are batch x classes (x inner positions: `8x21x262144` is 8 images of 21 "
        "classes and 512 × 512 pixels, PyTorch's (8, 21, 512, 512)); Melem/s counts "
        "batch × classes × inner elements. `<loss>/fwdgrad/<isa>/<shape>`: loss (MEAN) + "
        "gradient; *fwd*: the loss only. Logits N(0, 3²) (also the real-valued inputs; "
        "probabilities their softmax), class indices uniform with none ignored, real "
        "targets N(0, 1), a teacher's logits N(0, 3²) (`jsd`: student and teacher the "
        "log-softmax of such logits), masks 1 to 8 classes a row; `cosine_embedding` and "
        "`triplet_margin` take two and three N(0, 3²) inputs of the shape (batch × dim) "
        "and write every input's gradient (PyTorch: backward to every input), "
        "`cosine_embedding` a target ±1 per row; "
        "`cross_entropy_bf16` takes the same logits rounded to bfloat16 and writes a "
        "bfloat16 gradient (PyTorch: `F.cross_entropy` on bfloat16 tensors, its loss "
        "bfloat16 too). **Limit** of fwdgrad: the smaller of *memory* — reading the input "
        "and writing the gradient, `ref_stream_rw` (read n floats, write n) at the same "
        "shape, `ref_stream_rw_bf16` for bfloat16, `ref_stream` (read 2, write 1) for the "
        "losses with a target array, `ref_stream_rw2` / `ref_stream_rw3` (read 2n / 3n "
        "floats, write as many, counted as n elements: the bytes and working set of two / "
        "three inputs and their gradients) for `cosine_embedding` / `triplet_margin`, "
        "scaled for the class indices (8 bytes per row or "
        "pixel), the int64 label rows of `multilabel_margin` and `cosine_embedding`'s row "
        "targets — and *compute*: one SLEEF "
        "exp per logit for the softmax losses (`ref_exp`, cached), a log for the Keras "
        "cross-entropies, exp + log for `multilabel_soft_margin`, two exp for "
        "`kl_div_logits` (student and teacher), a log and two exp for `jsd`. Limit of fwd "
        "(`cross_entropy` f32): `ref_exp_stream`, the logits read with one exp each, at the "
        "same shape. The Keras losses and `jsd` (Liger-Kernel's) have no PyTorch "
        "counterpart (–). `nll` reads one input value per row (its gradient does not "
        "depend on the input): its fwd "
        "rate is not a throughput, and its fwdgrad limit is half `ref_stream_rw`'s traffic "
        "(a write-only stream runs faster than that, hence > 100 %).")
    L.append("")
    if pngs.get("class"):
        L.append(f"![class-dimension losses]({pngs['class']})")
        L.append("")
    L.append("| loss | shape | " + " | ".join(f"{i} Melem/s (% of limit)" for i in isas) +
             f" | limit ({best}) | fwd {best} Melem/s (% of limit) | PyTorch Melem/s | "
             "speed-up |")
    L.append("|---|---:|" + "---:|" * len(isas) + "---:|---:|---:|---:|")
    prev = None
    for nm, sn in cases:
        cells = []
        for i in isas:
            r = crows[(nm, i, sn)]
            cells.append(f"{fmt(r['melem'])} ({pct(r['frac'])})" if r["melem"] else "–")
        r = crows[(nm, best, sn)]
        lim = f"{fmt(r['limit'])} {r['bound']}" if r["limit"] else "–"
        fwd = "–" if r["fwd"] is None else (
            f"{fmt(r['fwd'])} ({pct(r['fwd_frac'])})" if r["fwd_frac"] else fmt(r["fwd"]))
        t = T.get(f"{nm}/{sn}")
        tc = TC.get(f"{nm}/{sn}") or {}
        tcell = "unsupported" if tc.get("unsupported") else fmt(t, 1)
        label = f"`{nm}`" if nm != prev else ""
        prev = nm
        L.append(f"| {label} | {sn} | " + " | ".join(cells) +
                 f" | {lim} | {fwd} | {tcell} | {fx(speedup(r['melem'], t))} |")
    L.append("")
    return L


def write_markdown(res, rows, ns, stem, out_dir, pngs, crows=None):
    meta, T, W = res["meta"], res["torch"], res["torch_what"]
    isas, sizes = meta["isas"], meta["sizes"]
    best = isas[0]
    B = res["simdloss"]
    L = []
    c = meta.get("cpu") or {}
    L.append(f"# simdloss vs PyTorch {meta.get('torch', '')}: {c.get('uarch', '?')}, "
             f"{meta['date'][:10]}")
    L.append("")
    L.append("Generated by `bench/compare.sh` (`bench/compare.py`); raw medians in "
             f"[`{stem}.json`]({stem}.json).")
    L.append("")
    L.append("## Machine and method")
    L.append("")
    L += machine_lines(meta)
    L.append("")
    if meta.get("note"):
        L.append(meta["note"])
        L.append("")
    L.append(
        "Every number is Melem/s of **loss (MEAN) + gradient w.r.t. the inputs**, one thread, "
        "float32. simdloss: `simdloss-bench` `<loss>/fwdgrad/<isa>/<n>`, median of "
        f"{meta['reps']} repetitions of at least {meta['min_time']} s each (CPU time of the "
        "benchmark thread). PyTorch: `loss = f(x, y, reduction='mean'); loss.backward()` with "
        f"`x.grad = None` before each call, median of {meta['torch_reps']} repetitions of at "
        f"least {meta['torch_min_time']} s each (wall time) after two warm-up calls. Data in each "
        "loss's domain, the same distributions on both sides (`bench/bench.cc`, "
        "`bench/torch_ref.py`); the registry's default parameters (`src/losses.def`). The "
        "cases are interleaved: for each n, for each loss, simdloss (every ISA) then PyTorch.")
    L.append("")
    more = [(nm, arrays_of(nm)) for nm in meta["losses"] if arrays_of(nm) not in (None, 3)]
    more = ("" if not more else " (×3/arrays for a loss that moves more arrays of n floats: " +
            ", ".join(f"`{nm}` {a}" for nm, a in more) + ")")
    L.append(
        "**Limit** (per ISA and n): the smaller of the *memory* limit — `ref_stream` at the "
        f"same n, a read-2-write-1 loop with ordinary stores{more} "
        "— and the *compute* limit, 1 / Σ (ns per element of the SLEEF "
        "calls the loss makes), from the `ref_log/exp/log1p/expm1` kernels over 4096 cached "
        "elements; losses without SLEEF calls have only the memory limit. A cell "
        "`1234 (80 %)` is Melem/s and the fraction of that ISA's limit. **Speed-up** is "
        f"simdloss `{best}` (the table simdloss selects here) over PyTorch. The limit "
        "is a model, not a bound: a loss that overlaps two SLEEF calls better than the "
        "one-call reference loop does can exceed 100 %. At 4K the same 4096 elements are "
        "processed again and again, so the data and even the branch history stay in the "
        "core (branchy scalar code is faster there than at 64K), and the per-call overhead "
        "counts.")
    L.append("")
    formula = {}  # label -> losses, for the losses whose torch side is not a torch function
    for nm in meta["losses"]:
        if W.get(nm, "torch") != "torch":
            formula.setdefault(W[nm], []).append(nm)
    if formula:
        L.append(
            "Where the loss's reference is not a torch function, the PyTorch column runs the "
            "reference's formula op-by-op in torch (autograd for the gradient), as the loss's "
            "own reference would run it on the torch backend: " +
            "; ".join(f"**{what}** for " + ", ".join(f"`{nm}`" for nm in names)
                      for what, names in formula.items()) + ".")
        L.append("")

    L.append("## Reference limits")
    L.append("")
    L.append("| kernel | n | " + " | ".join(isas) + " |")
    L.append("|---|---:|" + "---:|" * len(isas))
    for k, what in (("ref_stream", "stream, ordinary stores (Melem/s)"),
                    ("ref_stream_nt", "stream, non-temporal stores (Melem/s)")):
        for n in sizes:
            vals = [B.get(f"{k}/{i}/{n}", {}).get("melem") for i in isas]
            if any(vals):
                gbs = [None if v is None else v * 12 / 1e3 for v in vals]
                L.append(f"| {what} | {size_name(n)} | " +
                         " | ".join(f"{fmt(v)} ({fmt(g, 1)} GB/s)" if v else "–"
                                    for v, g in zip(vals, gbs)) + " |")
    for f in MATH:
        vals = [ns.get((i, f)) for i in isas]
        L.append(f"| SLEEF {f}f u10 (ns/element) | 4K cached | " +
                 " | ".join(fmt(v, 3) for v in vals) + " |")
    L.append("")

    for slug, title, names in families(meta["losses"]):
        L.append(f"## {title}")
        L.append("")
        L.append(f"![{title}]({pngs[slug]})")
        L.append("")
        L.append("| loss | n | " + " | ".join(f"{i} Melem/s (% of limit)" for i in isas) +
                 f" | limit ({best}) | PyTorch Melem/s | speed-up |")
        L.append("|---|---:|" + "---:|" * len(isas) + "---:|---:|---:|")
        for nm in names:
            first = True
            for n in sizes:
                cells = []
                for i in isas:
                    r = rows[(nm, i, n)]
                    cells.append(f"{fmt(r['melem'])} ({pct(r['frac'])})" if r["melem"] else "–")
                r = rows[(nm, best, n)]
                lim = f"{fmt(r['limit'])} {r['bound']}" if r["limit"] else "–"
                t = T.get(f"{nm}/{n}")
                label = f"`{nm}`" if first else ""
                if first and W.get(nm, "torch") != "torch":
                    label += f"<br><sub>{W[nm]}</sub>"
                first = False
                L.append(f"| {label} | {size_name(n)} | " + " | ".join(cells) +
                         f" | {lim} | {fmt(t, 1)} | {fx(speedup(r['melem'], t))} |")
        L.append("")

    L += class_markdown(res, crows or {}, pngs)

    L.append("## Summary")
    L.append("")
    big = [n for n in (1048576, 16777216) if n in sizes] or sizes[-2:]
    L.append(f"simdloss `{best}`; bound: what limits the loss at each of these sizes.")
    L.append("")
    L.append("| loss | " + " | ".join(f"Melem/s {size_name(n)}" for n in big) + " | " +
             " | ".join(f"% of limit {size_name(n)}" for n in big) + " | bound | " +
             " | ".join(f"speed-up {size_name(n)}" for n in big) + " | PyTorch side |")
    L.append("|---|" + "---:|" * (2 * len(big)) + "---|" + "---:|" * len(big) + "---|")
    for nm in meta["losses"]:
        rs = [rows[(nm, best, n)] for n in big]
        bounds = [r["bound"] or "–" for r in rs]
        bound = bounds[0] if len(set(bounds)) == 1 else " / ".join(bounds)
        what = W.get(nm, "torch")
        if what == "torch":
            side = R.torch_side(_entry(nm)) if _entry(nm) else "?"
        else:
            side = what[7:-1]
        L.append(f"| `{nm}` | " + " | ".join(fmt(r["melem"]) for r in rs) + " | " +
                 " | ".join(pct(r["frac"]) for r in rs) + f" | {bound} | " +
                 " | ".join(fx(speedup(r["melem"], T.get(f"{nm}/{n}")))
                            for r, n in zip(rs, big)) + f" | {side} |")
    L.append("")
    L.append(f"![speed-up over PyTorch at 1M]({pngs['speedup']})")
    L.append("")

    far = furthest(res, rows, big)
    L.append("## Furthest from the limit")
    L.append("")
    L.append(f"Mean fraction of the limit over n = {', '.join(size_name(n) for n in big)} "
             f"(`{best}`):")
    L.append("")
    for nm, f, rs in far[:5]:
        detail = "; ".join(f"{size_name(n)}: {fmt(r['melem'])} of {fmt(r['limit'])} "
                           f"({r['bound']})" for n, r in zip(big, rs))
        L.append(f"- `{nm}`: {pct(f)} — {detail}")
    L.append("")
    path = os.path.join(out_dir, f"{stem}.md")
    with open(path, "w") as fh:
        fh.write("\n".join(L))
    return path


def furthest(res, rows, big):
    best = res["meta"]["isas"][0]
    out = []
    for nm in res["meta"]["losses"]:
        rs = [rows[(nm, best, n)] for n in big]
        fr = [r["frac"] for r in rs if r["frac"]]
        if fr:
            out.append((nm, statistics.mean(fr), rs))
    return sorted(out, key=lambda t: t[1])


# ---------------------------------------------------------------------- plots --

COLORS = {"avx512": "tab:blue", "avx2": "tab:orange", "scalar": "tab:green", "neon": "tab:red"}


def plot(res, rows, stem, out_dir):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator

    meta, T, W = res["meta"], res["torch"], res["torch_what"]
    isas, sizes = meta["isas"], meta["sizes"]
    best = isas[0]
    c = meta.get("cpu") or {}
    pngs = {}
    for slug, title, names in families(meta["losses"]):
        ncol = len(names) if len(names) <= 5 else 4
        nrow = (len(names) + ncol - 1) // ncol
        height = 3.1 * nrow + 0.4  # inches; the bottom 0.4 for the legend
        fig, axes = plt.subplots(nrow, ncol, figsize=(3.6 * ncol, height), squeeze=False)
        for ax in axes.flat[len(names):]:
            ax.axis("off")
        for ax, nm in zip(axes.flat, names):
            for i in isas:
                ys = [rows[(nm, i, n)]["melem"] for n in sizes]
                ax.plot(sizes, ys, "o-", color=COLORS.get(i), label=f"simdloss {i}", ms=4)
            ax.plot(sizes, [T.get(f"{nm}/{n}") for n in sizes], "s-", color="black", ms=4,
                    label="PyTorch (or the reference's formula in torch)")
            ax.plot(sizes, [rows[(nm, best, n)]["limit"] for n in sizes], "--", color="gray",
                    label=f"limit ({best})")
            ax.set_xscale("log", base=2)
            ax.set_yscale("log")
            ax.set_xticks(sizes)
            ax.set_xticklabels([size_name(n) for n in sizes])
            ax.xaxis.set_minor_locator(NullLocator())
            ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
            lo, hi = ax.get_ylim()
            if hi / lo < 100:  # up to two decades: label 2x and 5x too
                ax.yaxis.set_minor_locator(LogLocator(subs=(2.0, 5.0)))
                ax.yaxis.set_minor_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
            what = W.get(nm, "torch")
            ax.set_title(nm if what == "torch" else f"{nm}  [PyTorch: {what[7:-1]}]",
                         fontsize=9)
            ax.grid(True, which="both", alpha=0.3)
            ax.tick_params(labelsize=8)
            ax.set_xlabel("n", fontsize=8)
            ax.set_ylabel("Melem/s", fontsize=8)
        handles, labels = axes.flat[0].get_legend_handles_labels()
        fig.suptitle(f"{title}: loss + gradient, one thread — {c.get('uarch', '')} "
                     f"({meta['date'][:10]})", fontsize=11)
        fig.tight_layout(rect=(0, 0.4 / height, 1, 1))
        fig.legend(handles, labels, loc="lower center", ncol=len(labels), fontsize=8,
                   frameon=False)
        name = f"{stem}-{slug}.png"
        fig.savefig(os.path.join(out_dir, name), dpi=90)
        plt.close(fig)
        pngs[slug] = name

    n1m = 1048576 if 1048576 in sizes else sizes[-1]
    names = meta["losses"]
    fig, ax = plt.subplots(figsize=(12, 4.4))
    width = 0.8 / len(isas)
    for k, i in enumerate(isas):
        xs, ys, hatches = [], [], []
        for j, nm in enumerate(names):
            s = speedup(rows[(nm, i, n1m)]["melem"], T.get(f"{nm}/{n1m}"))
            xs.append(j + (k - (len(isas) - 1) / 2) * width)
            ys.append(s or 0)
            hatches.append("" if W.get(nm, "torch") == "torch" else "//")
        bars = ax.bar(xs, ys, width, color=COLORS.get(i), label=f"simdloss {i}")
        for b, h, y in zip(bars, hatches, ys):
            b.set_hatch(h)
            if i == isas[0] and y:
                ax.annotate(f"{y:.0f}" if y >= 10 else f"{y:.1f}",
                            (b.get_x() + b.get_width() / 2, y), ha="center", va="bottom",
                            fontsize=6.5, xytext=(0, 1), textcoords="offset points")
    ax.axhline(1.0, color="black", lw=0.8)
    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.yaxis.set_minor_locator(LogLocator(subs=(2.0, 5.0)))
    ax.yaxis.set_minor_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.tick_params(axis="y", which="minor", labelsize=7)
    ax.set_xticks(range(len(names)))
    ax.set_xticklabels(names, rotation=45, ha="right", fontsize=8)
    ax.set_ylabel(f"speed-up over PyTorch at n = {size_name(n1m)}")
    ax.grid(True, axis="y", which="both", alpha=0.3)
    from matplotlib.patches import Patch
    handles, _ = ax.get_legend_handles_labels()
    handles.append(Patch(facecolor="white", edgecolor="black", hatch="//",
                         label="torch side is the reference's formula op-by-op"))
    ax.legend(handles=handles, fontsize=8)
    ax.set_title(f"simdloss vs PyTorch {meta.get('torch', '')} (1 thread), loss + gradient, "
                 f"n = {size_name(n1m)} — {c.get('uarch', '')}", fontsize=10)
    fig.tight_layout()
    name = f"{stem}-speedup.png"
    fig.savefig(os.path.join(out_dir, name), dpi=90)
    plt.close(fig)
    pngs["speedup"] = name
    return pngs


def plot_class(res, crows, stem, out_dir):
    """Bars per class case: simdloss (best ISA) fwdgrad, PyTorch, the limit."""
    cases = res["meta"].get("class_cases") or []
    if not cases:
        return None
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    meta, T = res["meta"], res["torch"]
    best = meta["isas"][0]
    c = meta.get("cpu") or {}
    fig, ax = plt.subplots(figsize=(max(8.0, 0.55 * len(cases) + 2), 4.8))
    xs = range(len(cases))
    series = [
        ([crows[(nm, best, sn)]["melem"] for nm, sn in cases], f"simdloss {best}",
         COLORS.get(best)),
        ([T.get(f"{nm}/{sn}") for nm, sn in cases], "PyTorch", "black"),
        ([crows[(nm, best, sn)]["limit"] for nm, sn in cases], f"limit ({best})", "lightgray"),
    ]
    width = 0.27
    for k, (ys, label, color) in enumerate(series):
        ax.bar([x + (k - 1) * width for x in xs], [y or 0 for y in ys], width, label=label,
               color=color, edgecolor="gray", linewidth=0.4)
    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.set_xticks(list(xs))
    ax.set_xticklabels([f"{nm}\n{sn}" for nm, sn in cases], rotation=60, ha="right",
                       fontsize=7)
    ax.set_ylabel("Melem/s (loss + gradient)")
    ax.grid(True, axis="y", which="both", alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_title(f"class-dimension losses, one thread — {c.get('uarch') or ''} "
                 f"({meta['date'][:10]})", fontsize=10)
    fig.tight_layout()
    name = f"{stem}-class.png"
    fig.savefig(os.path.join(out_dir, name), dpi=90)
    plt.close(fig)
    return name


# ----------------------------------------------------------------------- main --

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bench", help="simdloss-bench binary")
    ap.add_argument("--probe", help="simdloss-cpu binary (machine description)")
    ap.add_argument("--sizes", default=",".join(map(str, SIZES)))
    ap.add_argument("--losses", help="comma-separated subset (default: all), or 'none'")
    ap.add_argument("--class-losses", help="comma-separated subset of the class losses "
                    "(default: all), or 'none'")
    ap.add_argument("--shapes", help="comma-separated subset of the class shapes, e.g. "
                    "8192x10,512x1000 (default: each class loss's shapes)")
    ap.add_argument("--reps", type=int, default=9, help="simdloss-bench repetitions (median)")
    ap.add_argument("--min-time", type=float, default=0.1,
                    help="simdloss-bench --benchmark_min_time per repetition (s)")
    ap.add_argument("--torch-reps", type=int, default=9)
    ap.add_argument("--torch-min-time", type=float, default=0.1)
    ap.add_argument("--out", default=os.path.join(HERE, "results"))
    ap.add_argument("--quick", action="store_true",
                    help="smoke run: n = 4K and 64K, class shapes 8192x10 and 512x1000, "
                    "2 repetitions of 0.01 s")
    ap.add_argument("--from-json", help="re-make the report from a results JSON, no measuring")
    ap.add_argument("--note", help="a paragraph for the report (e.g. on the machine's state); "
                    "kept in the JSON")
    args = ap.parse_args()

    if args.from_json:
        with open(args.from_json) as fh:
            res = json.load(fh)
    else:
        if not args.bench:
            ap.error("--bench is required (or --from-json)")
        if args.quick:
            args.sizes, args.reps, args.min_time = "4096,65536", 2, 0.01
            args.shapes = args.shapes or "8192x10,512x1000"
            args.torch_reps, args.torch_min_time = 2, 0.01
        res = measure(args)
    os.makedirs(args.out, exist_ok=True)
    stem = f"{res['meta']['date'][:10]}-{cpu_slug(res['meta'])}"
    if args.note is not None:
        res["meta"]["note"] = args.note
    if not args.from_json or args.note is not None:
        with open(os.path.join(args.out, f"{stem}.json"), "w") as fh:
            json.dump(res, fh, indent=0, sort_keys=True)
            fh.write("\n")
    rows, ns = analyse(res)
    crows = analyse_class(res, ns)
    pngs = plot(res, rows, stem, args.out)
    cpng = plot_class(res, crows, stem, args.out)
    if cpng:
        pngs["class"] = cpng
    md = write_markdown(res, rows, ns, stem, args.out, pngs, crows)
    print(md)


if __name__ == "__main__":
    main()
