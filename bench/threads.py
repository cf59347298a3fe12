#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Thread scaling of simdloss (and of PyTorch 1.13) on the same cases, with a report.

Runs simdloss-bench's /threads:<k> benchmarks (bench.cc, --sl_threads: forward
+ gradient, MEAN, the best ISA, simdloss_set_num_threads(k); Melem/s per wall
second) and PyTorch (forward with reduction='mean' + backward(),
torch.set_num_threads(k); bench/torch_ref.py's calls and data) at each thread
count k of --threads (default 1,2,0; 0 = the CPUs of the affinity mask; 1 and
2 are always measured). Cases:

  elementwise   every loss of the registry (src/losses.def) at n = 16384,
                1048576 and 16777216
  class         cross_entropy at 512x1000, 8x32000 and 64x128256, every other
                class loss at 512x1000, or at its first shape where it does not
                run at 512x1000 (class_cases.py's shapes_of())
  references    ref_stream/<isa>/<n>/threads:<k> (read 2 arrays, write 1, split
                over k OpenMP threads) at each n, and the class losses' memory
                references (class_cases.mem_ref: ref_stream_rw,
                ref_stream_rw_bf16, ref_stream) at their shapes

Interleaved: for each case, --reps rounds, each running every thread count
(in alternating order) once on simdloss (one simdloss-bench process, one
repetition of --min-time seconds) and once on PyTorch (the call looped for
--torch-min-time seconds); the results are the medians over the rounds. So
slow drifts and bursts of load hit every count alike.

Writes to --out (default bench/results/):
  <date>-<cpu>-threads.md    the tables (per case: simdloss at each count,
                             speed-up 2T/1T, % of the 2-thread stream
                             reference for the memory-bound losses, PyTorch
                             at each count, simdloss 2T / PyTorch 2T) and the
                             targets check (PASS / MISS)
  <date>-<cpu>-threads.png   speed-up over one thread vs threads, per loss
  <date>-<cpu>-threads.json  every run, the medians, the machine

Usually run through bench/threads.sh (installs the Debian packages, builds).
Do not pin it to one CPU: "all" is the affinity mask. Run it on an otherwise
idle machine: a second thread that has to wait for a busy CPU makes every
parallel call wait (the load averages before and after are in the report).

usage: bench/threads.py --bench PATH [--probe PATH] [--threads 1,2,0]
                        [--sizes 16384,1048576,16777216] [--losses ...|none]
                        [--class-cases cross_entropy:512x1000,...|none]
                        [--reps 5] [--min-time 0.1] [--torch-min-time 0.1]
                        [--no-torch] [--out DIR] [--quick] [--note TEXT]
       bench/threads.py --from-json RESULTS.json [--out DIR]   (report only)
"""
import argparse
import datetime
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import class_cases as CC  # noqa: E402
import compare as CMP  # noqa: E402  (probe, list_isas, cpu_slug, formatting)
import registry as R  # noqa: E402

SIZES = [16384, 1048576, 16777216]
# cross_entropy at these shapes (the targets' shapes), every other class loss at 512x1000
CE_SHAPES = ["512x1000", "8x32000", "64x128256"]
ROW_SHAPE = "512x1000"
# --quick: a smoke run (memory-bound, SLEEF-bound, a second input, a class loss
# of each kind), 2 rounds of short runs
QUICK_SIZES = [16384, 1048576]
QUICK_LOSSES = ["mse", "margin_ranking", "bce", "bce_with_logits", "log_cosh"]
QUICK_CLASS = [("cross_entropy", "512x1000"), ("cross_entropy", "8x32000"),
               ("nll", "512x1000"), ("multi_margin", "512x1000")]

# the targets (see targets())
T_SCALE = 1.8  # (a) 2T / 1T of the SLEEF-calling losses at n >= 1M and cross_entropy
T_SCALE_MIN_N = 1 << 20
T_SCALE_CE = ("512x1000", "8x32000", "64x128256")
T_STREAM = 0.80  # (b) memory-bound losses: fraction of the 2-thread stream reference
T_SMALL = 0.95  # (c) n <= 16K: 2T / 1T at least (no more than 5 % slower)
T_SMALL_MAX_N = 16384
T_TORCH = 5.0  # (d) simdloss 2T / PyTorch 2T


def default_class_cases():
    out = []
    for nm, (shapes, _, _, _) in CC.CLASS_LOSSES.items():
        names = [CC.shape_name(s) for s in shapes]  # simdloss-bench runs it at these only
        sns = CE_SHAPES if nm == "cross_entropy" else [ROW_SHAPE if ROW_SHAPE in names
                                                       else names[0]]
        out += [(nm, sn) for sn in sns]
    return out


def resolve_counts(spec):
    """The thread counts of a --threads list: 0 = the CPUs of the affinity
    mask; 1 and 2 added; sorted, no duplicates."""
    cpus = len(os.sched_getaffinity(0))
    out = {1, 2}
    for s in spec.split(","):
        k = int(s)
        if k < 0:
            raise ValueError(f"thread count {k} < 0")
        out.add(cpus if k == 0 else k)
    return sorted(out)


def size_label(size):
    """"16K", "1M" for an elementwise n, the shape name for a class case."""
    return CMP.size_name(size) if isinstance(size, int) else size


def sim_name(case, isa, k):
    """simdloss-bench's name of a case (a dict, see cases()) at k threads."""
    mid = "fwdgrad/" if case["kind"] in ("elem", "class") else ""
    return f"{case['loss']}/{mid}{isa}/{case['size']}/threads:{k}"


def torch_key(case, k):
    return f"{case['loss']}/{case['size']}/threads:{k}"


# ----------------------------------------------------------------- measuring --

def run_bench(binary, name, counts, min_time):
    """One run of the benchmark name (one repetition): (Melem/s per wall second,
    the "threads" counter, the JSON context)."""
    cmd = [binary, f"--sl_threads={','.join(map(str, counts))}",
           f"--benchmark_filter=^{name}$", "--benchmark_format=json",
           f"--benchmark_min_time={min_time}"]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"threads.py: {' '.join(cmd)} failed ({p.returncode}):\n{p.stderr}")
    d = json.loads(p.stdout)
    for b in d["benchmarks"]:
        if b["name"] != name:
            continue
        if b.get("error_occurred"):
            sys.exit(f"threads.py: {name}: {b.get('error_message')}")
        return b["items_per_second"] / 1e6, b.get("threads"), d.get("context", {})
    sys.exit(f"threads.py: {' '.join(cmd)}: no result for {name}")


def cases(args):
    """The cases in measuring order: for each n the stream reference, then the
    elementwise losses; for each class shape its memory references, then its
    class losses. Each {"kind": "elem" | "class" | "ref", "loss", "size"}
    (size: n, or the shape's name)."""
    out = []
    for n in args.sizes if args.losses else []:
        out.append({"kind": "ref", "loss": "ref_stream", "size": n})
        out += [{"kind": "elem", "loss": nm, "size": n} for nm in args.losses]
    shapes = []
    for _, sn in args.class_cases:
        if sn not in shapes:
            shapes.append(sn)
    for sn in shapes:
        refs = []
        for nm, s in args.class_cases:
            ref = CC.mem_ref(nm, CC.parse_shape(s)[1])[0]
            if s == sn and ref not in refs:
                refs.append(ref)
        out += [{"kind": "ref", "loss": ref, "size": sn} for ref in refs]
        out += [{"kind": "class", "loss": nm, "size": sn} for nm, s in args.class_cases if s == sn]
    return out


def measure(args):
    import torch  # noqa: E402  (Debian's python3-torch)
    import warnings

    import torch_ref  # noqa: E402  (sets torch.set_num_threads(1) at import, via gen.py)

    warnings.filterwarnings("ignore", message="reduction: 'mean' divides")
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:  # already set (only possible once)
        pass
    counts = args.counts
    isas = CMP.list_isas(args.bench)
    isa = isas[0]
    # a binary without the /threads:<k> benchmarks (older than --sl_threads)
    p = subprocess.run([args.bench, f"--sl_threads={','.join(map(str, counts))}",
                        "--benchmark_list_tests=true"], capture_output=True, text=True)
    listed = set(p.stdout.split())
    want = f"ref_stream/{isa}/{args.sizes[0] if args.sizes else 16384}/threads:{counts[-1]}"
    if p.returncode != 0 or want not in listed:
        sys.exit(f"threads.py: {args.bench} has no {want} (built without OpenMP, or older "
                 f"than --sl_threads: rebuild it)\n{p.stderr}")
    todo = cases(args)
    for c in todo:
        if sim_name(c, isa, counts[0]) not in listed:
            sys.exit(f"threads.py: {args.bench} has no {sim_name(c, isa, counts[0])}")
    info = CMP.probe(args.probe)
    parallel = [ln.strip() for ln in torch.__config__.parallel_info().splitlines()
                if "parallel backend" in ln]
    meta = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": {k: info.get(k) for k in ("vendor", "brand", "uarch", "family", "model",
                                         "stepping", "caches", "logical_cpus", "features",
                                         "selected")},
        "affinity": sorted(os.sched_getaffinity(0)),
        "kernel": platform.release(),
        "compiler": CMP.sh("cc --version | head -1"),
        "sleef": CMP.sh("dpkg-query -W -f='${Version}\\n' libsleef3 2>/dev/null | head -1"),
        "benchmark": CMP.sh("dpkg-query -W -f='${Version}\\n' libbenchmark1debian 2>/dev/null"
                            " | head -1"),
        "torch_capability": torch_ref.cpu_capability(),
        "torch_parallel": parallel[0] if parallel else "?",
        "isa": isa,
        "counts": counts,
        "sizes": args.sizes,
        "losses": args.losses,
        "class_cases": [list(c) for c in args.class_cases],
        "cases": todo,
        "reps": args.reps, "min_time": args.min_time, "torch_min_time": args.torch_min_time,
        "torch": torch.__version__ if not args.no_torch else None,
        "loadavg_before": os.getloadavg()[0],
        "quick": args.quick,
    }
    res = {"meta": meta, "simdloss": {}, "torch": {}, "torch_what": dict(torch_ref.LABELS)}
    t_start = time.time()

    def log(msg):
        print(f"[{time.time() - t_start:6.0f} s] {msg}", file=sys.stderr, flush=True)

    log(f"ISA {isa}; threads {', '.join(map(str, counts))}; {len(todo)} cases x "
        f"{args.reps} rounds")
    for c in todo:
        once, unsupported = None, None
        has_torch = not args.no_torch and c["kind"] != "ref" and (
            c["kind"] == "elem" or c["loss"] in CC.TORCH_CLASS_LOSSES)
        if has_torch:
            if c["kind"] == "elem":
                once = torch_ref.elem_call(c["loss"], c["size"])
            else:
                once, _ = torch_ref.class_call(c["loss"], CC.parse_shape(c["size"]))
            torch.set_num_threads(counts[0])
            try:
                for _ in range(2):
                    once()
            except RuntimeError as e:  # no CPU kernel for this dtype
                unsupported, once = str(e).splitlines()[0], None
        n = c["size"] if isinstance(c["size"], int) else CC.elems(CC.parse_shape(c["size"]))
        sruns = {k: [] for k in counts}
        truns = {k: [] for k in counts}
        reported = {}
        for rnd in range(args.reps):
            for k in (counts if rnd % 2 == 0 else counts[::-1]):
                v, thr, ctx = run_bench(args.bench, sim_name(c, isa, k), counts, args.min_time)
                sruns[k].append(v)
                reported[k] = thr
                meta.setdefault("engine", ctx.get("simdloss_thread_engine"))
                if once is not None:
                    torch.set_num_threads(k)
                    if rnd == 0:
                        once()  # the thread pool at this count
                    times, loss = torch_ref.time_calls(once, 1, args.torch_min_time)
                    if not math.isfinite(loss.item()):
                        print(f"warning: torch {torch_key(c, k)}: loss = {loss.item()}",
                              file=sys.stderr)
                    truns[k].append(n / times[0] / 1e6)
        for k in counts:
            res["simdloss"][sim_name(c, isa, k)] = {
                "melem": statistics.median(sruns[k]), "runs": sruns[k], "threads": reported[k]}
            if once is not None:
                res["torch"][torch_key(c, k)] = {"melem": statistics.median(truns[k]),
                                                 "runs": truns[k]}
            elif unsupported:
                res["torch"][torch_key(c, k)] = {"melem": None, "unsupported": unsupported}
        once = None
        s = [res["simdloss"][sim_name(c, isa, k)]["melem"] for k in counts]
        t = [(res["torch"].get(torch_key(c, k)) or {}).get("melem") for k in counts]
        log(f"{c['loss']:>24} {size_label(c['size']):>10}  simdloss " +
            " ".join(f"{v:9.1f}" for v in s) + ("  torch " + " ".join(
                "–" if v is None else f"{v:8.1f}" for v in t) if has_torch else "") +
            f"  Melem/s at {','.join(map(str, counts))} threads  (load {os.getloadavg()[0]:.2f})")
    meta["seconds"] = round(time.time() - t_start)
    meta["loadavg_after"] = os.getloadavg()[0]
    return res


# ------------------------------------------------------------------ analysis --

def analyse(res):
    """One row per loss case: Melem/s per count (simdloss, PyTorch), speed-ups,
    the 2-thread memory limit and the fraction of it (memory-bound losses)."""
    meta = res["meta"]
    counts, isa = meta["counts"], meta["isa"]
    B, T, W = res["simdloss"], res["torch"], res.get("torch_what", {})

    def med(name):
        v = B.get(name)
        return v["melem"] if v else None

    rows = []
    for c in meta["cases"]:
        if c["kind"] == "ref":
            continue
        nm, size = c["loss"], c["size"]
        s = {k: med(sim_name(c, isa, k)) for k in counts}
        t = {k: (T.get(torch_key(c, k)) or {}).get("melem") for k in counts}
        unsupported = any((T.get(torch_key(c, k)) or {}).get("unsupported") for k in counts)
        if c["kind"] == "elem":
            L = CMP._entry(nm)
            calls = R.sleef_calls(L) if L else []
            arrays = R.arrays_moved(L) if L else None

            def mem(k):
                ref = med(f"ref_stream/{isa}/{size}/threads:{k}")
                return ref * 3.0 / arrays if ref and arrays else None
            what = W.get(nm, "torch")
        else:
            calls = CC.CLASS_LOSSES[nm][1] if nm in CC.CLASS_LOSSES else []

            def mem(k):
                if nm not in CC.CLASS_LOSSES:
                    return None
                return CC.limits(lambda name: med(f"{name}/threads:{k}"), nm, isa,
                                 CC.parse_shape(size), {})["mem"]
            what = "torch" if nm in CC.TORCH_CLASS_LOSSES else None
        mem1, mem2 = mem(1), mem(2)
        membound = not calls
        rows.append({
            "case": c, "loss": nm, "size": size, "calls": calls, "membound": membound,
            "s": s, "t": t, "what": what, "unsupported": unsupported,
            "scale": {k: s[k] / s[1] if s[k] and s[1] else None for k in counts},
            "tscale": {k: t[k] / t[1] if t[k] and t[1] else None for k in counts},
            "mem1": mem1, "mem2": mem2,
            "frac1": s[1] / mem1 if membound and s[1] and mem1 else None,
            "frac2": s[2] / mem2 if membound and s[2] and mem2 else None,
            "vs_torch2": s[2] / t[2] if s[2] and t[2] else None,
            "threads_reported": {k: (B.get(sim_name(c, isa, k)) or {}).get("threads")
                                 for k in counts},
        })
    return rows


def targets(res, rows):
    """[(label, description, checked cases, misses)]: misses are (case label,
    value) of the checked cases that miss the target."""
    def lab(r):
        return f"`{r['loss']}` {size_label(r['size'])}"

    def is_n(r, pred):
        return isinstance(r["size"], int) and pred(r["size"])

    out = []
    a = [r for r in rows if (r["case"]["kind"] == "elem" and r["calls"] and
                             is_n(r, lambda n: n >= T_SCALE_MIN_N)) or
         (r["loss"] == "cross_entropy" and r["size"] in T_SCALE_CE)]
    out.append(("a", f"at n ≥ 1M every SLEEF-calling loss, and `cross_entropy` at "
                     f"{', '.join(T_SCALE_CE)}: 2 threads ≥ {T_SCALE}× one thread",
                a, [(lab(r), fx2(r["scale"][2])) for r in a
                    if r["scale"][2] is None or r["scale"][2] < T_SCALE]))
    b = [r for r in rows if r["membound"] and (r["case"]["kind"] == "class" or
                                                is_n(r, lambda n: n >= T_SCALE_MIN_N))]
    out.append(("b", f"memory-bound losses (no SLEEF calls; elementwise at n ≥ 1M, class "
                     f"losses at their shapes): 2 threads ≥ {T_STREAM:.0%} of the 2-thread "
                     "stream reference", b,
                [(lab(r), CMP.pct(r["frac2"]) + f" (1T: {CMP.pct(r['frac1'])})") for r in b
                 if r["frac2"] is None or r["frac2"] < T_STREAM]))
    c = [r for r in rows if is_n(r, lambda n: n <= T_SMALL_MAX_N)]
    out.append(("c", f"at n ≤ 16K no loss is more than {1 - T_SMALL:.0%} slower at 2 threads "
                     "than at one (2T/1T ≥ " + f"{T_SMALL})", c,
                [(lab(r), f"{r['scale'][2]:.3f}" if r["scale"][2] else "–") for r in c
                 if r["scale"][2] is None or r["scale"][2] < T_SMALL]))
    d = [r for r in rows if r["what"] == "torch" and not r["unsupported"]]
    out.append(("d", f"simdloss at 2 threads ≥ {T_TORCH:g}× PyTorch at 2 threads, every loss "
                     "PyTorch has (a torch function; not the formula ports)", d,
                [(lab(r), CMP.fx(r["vs_torch2"])) for r in d
                 if r["vs_torch2"] is None or r["vs_torch2"] < T_TORCH]))
    return out


# ------------------------------------------------------------------- report --

def machine_lines(meta):
    lines = CMP.machine_lines(meta)[:2]  # the CPU, its SIMD
    lines.append(
        f"- Linux {meta.get('kernel', '?')}; {meta.get('compiler', '?')}; SLEEF "
        f"{meta.get('sleef', '?')}; google-benchmark {meta.get('benchmark', '?')}; PyTorch "
        f"{meta.get('torch') or '(not run)'} (ATen CPU capability "
        f"{meta.get('torch_capability', '?')}, {meta.get('torch_parallel', '?')})")
    lines.append(
        f"- affinity: CPU(s) {','.join(map(str, meta.get('affinity', [])))}; simdloss thread "
        f"engine `{meta.get('engine', '?')}`; load average {meta.get('loadavg_before', 0):.2f} "
        f"before, {meta.get('loadavg_after', 0):.2f} after; {meta.get('seconds', 0) // 60} min "
        f"{meta.get('seconds', 0) % 60} s in all")
    return lines


def thread_label(k, meta):
    """"2T"; "8T (all)" for the CPUs of the affinity mask (when more than 2)."""
    return f"{k}T (all)" if k == len(meta.get("affinity") or []) and k > 2 else f"{k}T"


def write_markdown(res, rows, stem, out_dir, png):
    meta = res["meta"]
    counts, isa = meta["counts"], meta["isa"]
    B = res["simdloss"]
    fmt, fx, pct = CMP.fmt, CMP.fx, CMP.pct
    c = meta.get("cpu") or {}
    L = [f"# simdloss thread scaling: {c.get('uarch', '?')}, {meta['date'][:10]}", ""]
    L.append("Generated by `bench/threads.sh` (`bench/threads.py`); every run in "
             f"[`{stem}.json`]({stem}.json).")
    L.append("")
    if meta.get("quick"):
        L.append("**Quick (smoke) run**: few cases, short runs; not a measurement.")
        L.append("")
    L.append("## Machine and method")
    L.append("")
    L += machine_lines(meta)
    L.append("")
    if meta.get("note"):
        L.append(meta["note"])
        L.append("")
    busy = max(meta.get("loadavg_before", 0), meta.get("loadavg_after", 0))
    if busy > 0.5:
        L.append(f"**Warning:** the load average reached {busy:.2f}: other work shared the "
                 "CPUs, and a parallel call waits for its slowest thread, so the multi-thread "
                 "numbers are likely too low.")
        L.append("")
    L.append(
        "Melem/s of **loss (MEAN) + gradient w.r.t. the inputs**, float32 (bfloat16 where "
        f"said), per second of wall time. simdloss: `simdloss-bench --sl_threads=...` "
        f"`<loss>/fwdgrad/{isa}/<n or shape>/threads:<k>` (`simdloss_set_num_threads(k)`, "
        f"the `{meta.get('engine', '?')}` engine). PyTorch: `torch.set_num_threads(k)`, "
        "`loss = f(x, y, reduction='mean'); loss.backward()` (`bench/torch_ref.py`'s calls and "
        f"data). Interleaved: {meta['reps']} rounds per case, each running every thread count "
        "once on both sides (in alternating order); the cells are the medians of the rounds "
        f"(simdloss: one repetition of at least {meta['min_time']} s per round; PyTorch: the "
        f"call looped for at least {meta['torch_min_time']} s). **2T/1T**: speed-up of 2 "
        "threads over one. **% of 2T stream**: for the memory-bound losses (no SLEEF calls; "
        "the registry's sleef column), the 2-thread rate over the 2-thread stream reference "
        f"of the same size in the same binary: `ref_stream/{isa}/<n>/threads:2` (read 2 arrays, "
        "write 1; scaled by 3/arrays for a loss that moves more arrays), for a class loss "
        "its memory reference at the shape (`class_cases.mem_ref`: `ref_stream_rw`, "
        "`ref_stream_rw_bf16` or `ref_stream` `/threads:2`, scaled to its bytes). **vs "
        "PyTorch 2T**: simdloss 2T over PyTorch 2T. **% of 1T stream**: the same at one "
        "thread, to tell a loss that is slow on one thread already from one that does not "
        "scale. The library runs a call of one task on the calling thread whatever the "
        "count (task sizes: `src/elementwise.c`, `src/class_call.c`), so small calls may "
        "stay at their 1-thread rate.")
    L.append("")
    L.append(f"![speed-up vs threads]({png})")
    L.append("")

    kcols = [thread_label(k, meta) for k in counts]
    more = [k for k in counts if k > 2]

    def table(rs, what):
        hdr = (f"| loss | {what} | SLEEF | " + " | ".join(f"simdloss {h}" for h in kcols) +
               " | 2T/1T | " + "".join(f"{k}T/1T | " for k in more) +
               "% of 2T stream | % of 1T stream | " +
               " | ".join(f"PyTorch {h}" for h in kcols) + " | PyTorch 2T/1T | vs PyTorch 2T |")
        out = [hdr, "|---|---:|---|" + "---:|" * (2 * len(counts) + len(more) + 5)]
        for r in rs:
            name = f"`{r['loss']}`"
            if r["what"] not in (None, "torch"):
                name += f"<br><sub>PyTorch: {r['what'][7:-1]}</sub>"
            sleef = " ".join(r["calls"]) or "–"
            tcells = (["unsupported"] * len(counts) if r["unsupported"] else
                      [fmt(r["t"][k], 1) for k in counts])
            out.append(
                f"| {name} | {size_label(r['size'])} | {sleef} | " +
                " | ".join(fmt(r["s"][k]) for k in counts) + f" | {fx2(r['scale'][2])} | " +
                "".join(f"{fx2(r['scale'][k])} | " for k in more) +
                f"{pct(r['frac2'])} | {pct(r['frac1'])} | " + " | ".join(tcells) +
                f" | {fx2(r['tscale'][2])} | {fx(r['vs_torch2'])} |")
        return out

    elem = [r for r in rows if r["case"]["kind"] == "elem"]
    for n in meta["sizes"]:
        rs = [r for r in elem if r["size"] == n]
        if rs:
            L.append(f"## Elementwise losses, n = {CMP.size_name(n)} ({n:,})")
            L.append("")
            L += table(rs, "n")
            L.append("")
    crs = [r for r in rows if r["case"]["kind"] == "class"]
    if crs:
        L.append("## Class-dimension losses")
        L.append("")
        L += table(crs, "shape")
        L.append("")

    refs = [cs for cs in meta["cases"] if cs["kind"] == "ref"]
    if refs:
        L.append("## References (same binary)")
        L.append("")
        L.append("The reference kernel split into k contiguous chunks, one per OpenMP thread "
                 "(`#pragma omp parallel for num_threads(k)`); GB/s counts the bytes read and "
                 "written (12 per element for `ref_stream`, 8 for `ref_stream_rw`, 4 for "
                 "`ref_stream_rw_bf16`).")
        L.append("")
        L.append("| reference | n or shape | " + " | ".join(f"Melem/s {h} (GB/s)" for h in kcols)
                 + " | 2T/1T |")
        L.append("|---|---:|" + "---:|" * (len(counts) + 1))
        per = {"ref_stream": 12, "ref_stream_rw": 8, "ref_stream_rw_bf16": 4}
        for cs in refs:
            v = {k: (B.get(sim_name(cs, isa, k)) or {}).get("melem") for k in counts}
            bpe = per.get(cs["loss"], 12)
            L.append(f"| `{cs['loss']}` | {size_label(cs['size'])} | " + " | ".join(
                f"{fmt(v[k])} ({fmt(v[k] * bpe / 1e3, 1)})" if v[k] else "–" for k in counts) +
                f" | {fx2(v[2] / v[1] if v[1] and v[2] else None)} |")
        L.append("")

    odd = [(r, k) for r in rows for k in counts
           if r["threads_reported"].get(k) not in (None, k)]
    if odd:
        L.append("**Note:** the library reported another thread count than asked for: " +
                 ", ".join(f"`{r['loss']}` {size_label(r['size'])} at {k}: "
                           f"{r['threads_reported'][k]}" for r, k in odd[:8]) +
                 " (a build without OpenMP runs on one thread).")
        L.append("")

    L.append("## Targets")
    L.append("")
    for key, desc, checked, misses in targets(res, rows):
        if not checked:
            verdict = "NOT MEASURED"
        else:
            verdict = "PASS" if not misses else f"MISS ({len(misses)} of {len(checked)})"
        L.append(f"- **({key}) {verdict}** — {desc}; {len(checked)} cases checked" +
                 (": " + ", ".join(f"{c} {v}" for c, v in misses) if misses else "") + ".")
    formula = [r for r in rows if r["what"] not in (None, "torch") and r["vs_torch2"]]
    if formula:
        worst = min(formula, key=lambda r: r["vs_torch2"])
        L.append(f"- (d, not counted) against the formula ports (the reference's formula "
                 f"op-by-op in torch) the smallest ratio is {fx(worst['vs_torch2'])} "
                 f"(`{worst['loss']}` {size_label(worst['size'])}).")
    L.append("")
    path = os.path.join(out_dir, f"{stem}.md")
    with open(path, "w") as fh:
        fh.write("\n".join(L))
    return path


def fx2(v):
    """A speed-up with two decimals (thread scaling is close to 1 or 2)."""
    return "–" if v is None else f"{v:.2f}×"


def plot(res, rows, stem, out_dir):
    """Speed-up over one thread vs threads, per loss: a column per elementwise
    n and one for the class losses; simdloss above, PyTorch below; the ideal
    (k) and the stream reference's speed-up for comparison."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    meta = res["meta"]
    counts, isa = meta["counts"], meta["isa"]
    B = res["simdloss"]
    groups = [(CMP.size_name(n), [r for r in rows if r["case"]["kind"] == "elem" and
                                   r["size"] == n], n) for n in meta["sizes"]]
    groups.append(("class losses", [r for r in rows if r["case"]["kind"] == "class"], None))
    groups = [g for g in groups if g[1]]
    if not groups:
        return None
    names = []
    for _, rs, _ in groups:
        for r in rs:
            key = r["loss"] if r["case"]["kind"] == "elem" else f"{r['loss']} {r['size']}"
            if key not in names:
                names.append(key)
    cmap = plt.get_cmap("tab20")
    style = {nm: (cmap(i % 20), ["-", "--", ":", "-."][i // 20 % 4], "os^vD"[i // 20 % 5])
             for i, nm in enumerate(names)}
    ncol = len(groups)
    fig, axes = plt.subplots(2, ncol, figsize=(3.6 * ncol + 2.8, 7.4), squeeze=False)
    top = max(counts)
    ymax = max([top] + [v for r in rows for key in ("scale", "tscale") for v in r[key].values()
                        if v is not None])
    for j, (title, rs, n) in enumerate(groups):
        for i, (side, key) in enumerate((("simdloss", "scale"), ("PyTorch", "tscale"))):
            ax = axes[i][j]
            ax.plot(counts, counts, ":", color="gray", lw=1, label="ideal (k×)")
            if n is not None and i == 0:
                v = {k: (B.get(f"ref_stream/{isa}/{n}/threads:{k}") or {}).get("melem")
                     for k in counts}
                if v[1] and all(v[k] for k in counts):
                    ax.plot(counts, [v[k] / v[1] for k in counts], "--", color="black", lw=1.6,
                            label="ref_stream (read 2, write 1)")
            for r in rs:
                ys = [r[key][k] for k in counts]
                if all(y is None for y in ys):
                    continue
                nm = r["loss"] if r["case"]["kind"] == "elem" else f"{r['loss']} {r['size']}"
                color, ls, mk = style[nm]
                ax.plot(counts, [math.nan if y is None else y for y in ys], ls, marker=mk,
                        color=color, ms=4, lw=1.2, label=nm)
            ax.set_xticks(counts)
            ax.set_xlim(0.8, top + 0.2)
            ax.set_ylim(0, ymax * 1.12)
            ax.grid(True, alpha=0.3)
            ax.tick_params(labelsize=8)
            ax.set_title(f"{side}, {title}" + ("" if n is None else f" (n = {n:,})"),
                         fontsize=9)
            ax.set_xlabel("threads", fontsize=8)
            if j == 0:
                ax.set_ylabel("speed-up over 1 thread", fontsize=8)
    handles, labels = {}, []
    for ax in axes.flat:
        for h, lb in zip(*ax.get_legend_handles_labels()):
            if lb not in handles:
                handles[lb] = h
                labels.append(lb)
    c = meta.get("cpu") or {}
    fig.suptitle(f"simdloss ({isa}) and PyTorch {meta.get('torch') or ''}: loss + gradient, "
                 f"speed-up vs threads — {c.get('uarch', '')} ({meta['date'][:10]})",
                 fontsize=11)
    fig.tight_layout(rect=(0, 0, 1 - 2.6 / (3.6 * ncol + 2.8), 0.96))
    fig.legend([handles[lb] for lb in labels], labels, loc="center right", fontsize=7,
               frameon=False)
    name = f"{stem}.png"
    fig.savefig(os.path.join(out_dir, name), dpi=90)
    plt.close(fig)
    return name


# --------------------------------------------------------------------- main --

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bench", help="simdloss-bench binary (built with OpenMP)")
    ap.add_argument("--probe", help="simdloss-cpu binary (machine description)")
    ap.add_argument("--threads", default="1,2,0",
                    help="thread counts (0 = the CPUs of the affinity mask; 1 and 2 are "
                    "always measured); default 1,2,0")
    ap.add_argument("--sizes", help="elementwise n, comma-separated (default 16384,1048576,"
                    "16777216)")
    ap.add_argument("--losses", help="elementwise losses, comma-separated (default: all), "
                    "or 'none'")
    ap.add_argument("--class-cases", help="class cases LOSS:SHAPE, comma-separated (default: "
                    "cross_entropy at 512x1000, 8x32000, 64x128256, the others at 512x1000), "
                    "or 'none'")
    ap.add_argument("--reps", type=int, default=5, help="rounds per case (medians)")
    ap.add_argument("--min-time", type=float, default=0.1,
                    help="simdloss-bench --benchmark_min_time per run (s)")
    ap.add_argument("--torch-min-time", type=float, default=0.1,
                    help="seconds PyTorch's call is looped per run")
    ap.add_argument("--no-torch", action="store_true", help="simdloss only")
    ap.add_argument("--out", default=os.path.join(HERE, "results"))
    ap.add_argument("--quick", action="store_true",
                    help=f"smoke run: n = 16K and 1M, losses {','.join(QUICK_LOSSES)}, class "
                    f"cases {','.join(f'{a}:{b}' for a, b in QUICK_CLASS)}, 2 rounds of "
                    "0.02 s (explicit options win)")
    ap.add_argument("--from-json", help="re-make the report from a results JSON, no measuring")
    ap.add_argument("--note", help="a paragraph for the report (kept in the JSON)")
    args = ap.parse_args()

    if args.from_json:
        with open(args.from_json) as fh:
            res = json.load(fh)
    else:
        if not args.bench:
            ap.error("--bench is required (or --from-json)")
        explicit = {a.split("=")[0] for a in sys.argv[1:]}
        if args.quick:
            args.sizes = args.sizes or ",".join(map(str, QUICK_SIZES))
            args.losses = args.losses or ",".join(QUICK_LOSSES)
            args.class_cases = args.class_cases or ",".join(f"{a}:{b}" for a, b in QUICK_CLASS)
            if "--reps" not in explicit:
                args.reps = 2
            if "--min-time" not in explicit:
                args.min_time = 0.02
            if "--torch-min-time" not in explicit:
                args.torch_min_time = 0.02
        try:
            args.counts = resolve_counts(args.threads)
        except ValueError as e:
            ap.error(f"--threads {args.threads}: {e}")
        args.sizes = [int(s) for s in (args.sizes or ",".join(map(str, SIZES))).split(",")]
        args.losses = (R.names() if not args.losses else
                       [] if args.losses == "none" else args.losses.split(","))
        for nm in args.losses:
            if nm not in R.names():
                ap.error(f"unknown loss {nm} (not in src/losses.def)")
        if not args.class_cases:
            args.class_cases = default_class_cases()
        elif args.class_cases == "none":
            args.class_cases = []
        else:
            cc = []
            for item in args.class_cases.split(","):
                nm, _, sn = item.partition(":")
                if nm not in CC.CLASS_LOSSES:
                    ap.error(f"unknown class loss {nm}")
                shapes = [CC.shape_name(s) for s in CC.CLASS_LOSSES[nm][0]]
                if sn not in shapes:
                    ap.error(f"{nm}: shape {sn or '?'} is not one of {', '.join(shapes)}")
                cc.append((nm, sn))
            args.class_cases = cc
        res = measure(args)
    os.makedirs(args.out, exist_ok=True)
    stem = f"{res['meta']['date'][:10]}-{CMP.cpu_slug(res['meta'])}-threads"
    if args.note is not None:
        res["meta"]["note"] = args.note
    if not args.from_json or args.note is not None:
        with open(os.path.join(args.out, f"{stem}.json"), "w") as fh:
            json.dump(res, fh, indent=0, sort_keys=True)
            fh.write("\n")
    rows = analyse(res)
    png = plot(res, rows, stem, args.out)
    md = write_markdown(res, rows, stem, args.out, png)
    print(md)


if __name__ == "__main__":
    main()
