# SPDX-License-Identifier: Apache-2.0
"""The elementwise losses of the registry (src/losses.def), read by the Python
side of the benchmark: torch_ref.py, compare.py and summarize.py. simdloss-bench
gets the same entries from the C preprocessor (registry_calls.c).

The file is parsed with regular expressions and a bracket matcher: comments
and preprocessor lines other than `#define SL_ARGS_<name>(A) ...` are dropped,
and each `SL_ELEMENTWISE(...)` entry is split into its columns (see
src/registry.h). Anything unexpected raises ValueError rather than being
skipped, so a registry the parser does not understand is noticed.

losses() returns, in registry order, one dict per loss:
  name        as in simdloss_<name>_f32
  inputs      [{"name", "grad", "dom"}]        differentiable inputs (IN)
  targets     [{"name", "dom"}]                targets (TGT)
  cyc         [{"name", "len", "grad", "dom"}] cyclic arrays; grad is None
                                               for CYC, the gradient's name
                                               for CYCG (required, n values)
  pf, pi      [{"name", "default"}]            float / int parameters
  sleef       {"log": k, "exp": k, "log1p": k, "expm1": k, "pow": k}
  ref_lib, ref_fn                              the reference column
dom is the SL_D_* domain without its prefix, lower case ("real", "pm1", ...).

class_losses() returns, in registry order, one dict per class-dimension
loss (SL_CLASS):
  name        as in simdloss_<name> ("cross_entropy_f32", "cross_entropy_bf16")
  short       name without "_f32": the golden file's and the benchmark's name
  inner       takes `inner` (PyTorch's (N, C, d1..dk)); else rows
  mean        "positions", "weights" or "kept" (what MEAN divides by)
  x           {"name", "grad", "type" ("float" or "uint16_t"), "dom"}
  x2          [{"name", "grad"}]: further inputs of the input's shape, each
              with its gradient output (X2; cosine_embedding's input2,
              triplet_margin's positive and negative); [] for most losses
  target      {"kind" ("index", "float", "labels", "row": one float per row
              (TROW), "none": no target (TNONE)), "name" (None for "none"),
              "dist" (float and row targets: "probs", "onehot", "multihot",
              "real", "logits", "logprobs", "pm1"; else None)}
  weight, ignore, rlab   the argument's name or None (rlab: optional labels
              per row, compared with the ignore argument only)
  alpha       {"name", "len", "default"} or None
  pf, pi, sleef, ref_lib, ref_fn   as for elementwise losses
  params      the names of pf and pi in the order of the function's arguments

    python3 bench/registry.py     prints both lists as JSON
"""
import json
import os
import re
import sys

DEF = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src",
                   "losses.def")
SLEEF_FNS = ("log", "exp", "log1p", "expm1", "pow")  # the order of the sleef column
# SL_ARGS kinds: their columns after (kind, index)
KINDS = {"IN": ("name", "grad", "dom"), "TGT": ("name", "dom"), "CYC": ("name", "len", "dom"),
         "CYCG": ("name", "len", "grad", "dom"), "PF": ("name", "default", "range"),
         "PI": ("name", "default", "rule")}
ENTRY_COLUMNS = ("name", "sleef", "hot", "gradmul", "flags", "domain", "prescan", "reference")


def _split(text, start):
    """The top-level comma-separated arguments of the bracket opened at
    text[start] ('('), and the index after its closing bracket."""
    assert text[start] == "("
    depth, args, cur, i, quote = 0, [], [], start, None
    while i < len(text):
        ch = text[i]
        if quote:
            cur.append(ch)
            if ch == "\\":
                cur.append(text[i + 1])
                i += 1
            elif ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
            cur.append(ch)
        elif ch == "(":
            depth += 1
            if depth > 1:
                cur.append(ch)
        elif ch == ")":
            depth -= 1
            if depth == 0:
                args.append("".join(cur).strip())
                return args, i + 1
            cur.append(ch)
        elif ch == "," and depth == 1:
            args.append("".join(cur).strip())
            cur = []
        else:
            cur.append(ch)
        i += 1
    raise ValueError("losses.def: unbalanced brackets after %r" % text[start:start + 60])


def _tuple(s):
    """A parenthesised column, e.g. "(0, 1, 0, 0, 0)", as its items."""
    if not s.startswith("("):
        raise ValueError("losses.def: expected a tuple, got %r" % s)
    items, end = _split(s, 0)
    if s[end:].strip():
        raise ValueError("losses.def: trailing text after %r" % s)
    return items


def _number(s, kind):
    """A C literal default ("1e-8f", "-1.0f", "0") as a Python number."""
    t = s.strip()
    try:
        if kind == "PI":
            return int(t, 0)
        return float(re.sub(r"(?<=[0-9.])[fF]$", "", t))
    except ValueError:
        raise ValueError("losses.def: cannot read the default %r (only literals are read)" % s)


def _string(s):
    s = s.strip()
    if s == "NULL":
        return None
    m = re.fullmatch(r'"((?:[^"\\]|\\.)*)"', s)
    if not m:
        raise ValueError("losses.def: expected a string literal, got %r" % s)
    return m.group(1)


def _dom(s):
    m = re.fullmatch(r"SL_D_([A-Z0-9_]+)", s)
    if not m:
        raise ValueError("losses.def: expected an SL_D_* domain, got %r" % s)
    return m.group(1).lower()


_ARG = re.compile(r"\bA\s*\(")


def _read(path, macro):
    """losses.def without comments and line continuations: the argument lists
    of its `#define <macro>_<name>(A) ...` lines by name, and the text outside
    preprocessor lines (where the entries are)."""
    with open(path) as fh:
        text = fh.read()
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    text = text.replace("\\\n", " ")
    args, body = {}, []
    for line in text.split("\n"):
        m = re.match(r"\s*#\s*define\s+%s_(\w+)\(\s*A\s*\)(.*)$" % macro, line)
        if m:
            args[m.group(1)] = m.group(2)
        elif not line.lstrip().startswith("#"):
            body.append(line)
    return args, "\n".join(body)


def parse(path=DEF):
    args, body = _read(path, "SL_ARGS")
    out = []
    for m in re.finditer(r"\bSL_ELEMENTWISE\s*\(", body):
        cols, _ = _split(body, m.end() - 1)
        if len(cols) != len(ENTRY_COLUMNS):
            raise ValueError("losses.def: SL_ELEMENTWISE(%s) has %d columns, not %d"
                             % (cols[0], len(cols), len(ENTRY_COLUMNS)))
        col = dict(zip(ENTRY_COLUMNS, cols))
        name = col["name"]
        if name not in args:
            raise ValueError("losses.def: no SL_ARGS_%s" % name)
        L = {"name": name, "inputs": [], "targets": [], "cyc": [], "pf": [], "pi": []}
        rest = args[name]
        pos = 0
        while True:
            a = _ARG.search(rest, pos)
            if not a:
                if rest[pos:].strip():
                    raise ValueError("losses.def: SL_ARGS_%s: cannot read %r"
                                     % (name, rest[pos:].strip()))
                break
            if rest[pos:a.start()].strip():
                raise ValueError("losses.def: SL_ARGS_%s: cannot read %r"
                                 % (name, rest[pos:a.start()].strip()))
            items, pos = _split(rest, a.end() - 1)
            kind, idx = items[0], int(items[1])
            if kind not in KINDS or len(items) != 2 + len(KINDS[kind]):
                raise ValueError("losses.def: SL_ARGS_%s: bad argument A(%s)"
                                 % (name, ", ".join(items)))
            v = dict(zip(KINDS[kind], items[2:]))
            if kind == "IN":
                e, lst = {"name": v["name"], "grad": v["grad"], "dom": _dom(v["dom"])}, "inputs"
            elif kind == "TGT":
                e, lst = {"name": v["name"], "dom": _dom(v["dom"])}, "targets"
            elif kind in ("CYC", "CYCG"):
                e, lst = {"name": v["name"], "len": v["len"], "grad": v.get("grad"),
                          "dom": _dom(v["dom"])}, "cyc"
            else:
                e, lst = {"name": v["name"], "default": _number(v["default"], kind)}, kind.lower()
            if idx != len(L[lst]):
                raise ValueError("losses.def: SL_ARGS_%s: %s index %d out of order"
                                 % (name, kind, idx))
            L[lst].append(e)
        sleef = [int(x) for x in _tuple(col["sleef"])]
        if len(sleef) != len(SLEEF_FNS):
            raise ValueError("losses.def: %s: the sleef column has %d items" % (name, len(sleef)))
        L["sleef"] = dict(zip(SLEEF_FNS, sleef))
        ref = _tuple(col["reference"])
        if len(ref) != 2:
            raise ValueError("losses.def: %s: the reference column is not (library, function)"
                             % name)
        L["ref_lib"], L["ref_fn"] = _string(ref[0]), _string(ref[1])
        out.append(L)
    if not out:
        raise ValueError("losses.def: no SL_ELEMENTWISE entry")
    missing = set(args) - {L["name"] for L in out}
    if missing:
        raise ValueError("losses.def: SL_ARGS without an SL_ELEMENTWISE entry: %s"
                         % ", ".join(sorted(missing)))
    return out


CLASS_COLUMNS = ("name", "shape", "mean", "sleef", "reference")
CLASS_KINDS = {"X": ("name", "grad", "type", "dom"), "TIDX": ("name",), "TFLT": ("name", "dist"),
               "TLAB": ("name",), "TROW": ("name", "dist"), "TNONE": ("name",),
               "X2": ("index", "name", "grad"), "RLAB": ("name",), "W": ("name",),
               "ALPHA": ("name", "len", "default"),
               "IGN": ("name",), "PF": ("index", "name", "default", "range"),
               "PI": ("index", "name", "default", "rule")}


def parse_class(path=DEF):
    args, body = _read(path, "SL_CARGS")
    out = []
    for m in re.finditer(r"\bSL_CLASS\s*\(", body):
        cols, _ = _split(body, m.end() - 1)
        if len(cols) != len(CLASS_COLUMNS):
            raise ValueError("losses.def: SL_CLASS(%s) has %d columns, not %d"
                             % (cols[0], len(cols), len(CLASS_COLUMNS)))
        col = dict(zip(CLASS_COLUMNS, cols))
        name = col["name"]
        if name not in args:
            raise ValueError("losses.def: no SL_CARGS_%s" % name)
        if col["shape"] not in ("INNER", "ROWS") or col["mean"] not in ("MEAN_POSITIONS",
                                                                      "MEAN_WEIGHTS",
                                                                      "MEAN_KEPT"):
            raise ValueError("losses.def: SL_CLASS(%s): bad shape or mean column" % name)
        L = {"name": name, "short": name[:-4] if name.endswith("_f32") else name,
             "inner": col["shape"] == "INNER", "mean": col["mean"][5:].lower(), "x": None,
             "x2": [], "target": None, "weight": None, "ignore": None, "rlab": None,
             "alpha": None, "pf": [], "pi": [],
             "params": []}
        rest, pos = args[name], 0
        while True:
            a = _ARG.search(rest, pos)
            if not a:
                if rest[pos:].strip():
                    raise ValueError("losses.def: SL_CARGS_%s: cannot read %r"
                                     % (name, rest[pos:].strip()))
                break
            items, pos = _split(rest, a.end() - 1)
            kind = items[0]
            if kind not in CLASS_KINDS or len(items) != 1 + len(CLASS_KINDS[kind]):
                raise ValueError("losses.def: SL_CARGS_%s: bad argument A(%s)"
                                 % (name, ", ".join(items)))
            v = dict(zip(CLASS_KINDS[kind], items[1:]))
            if kind == "X":
                L["x"] = {"name": v["name"], "grad": v["grad"], "type": v["type"],
                          "dom": _dom(v["dom"])}
            elif kind in ("TIDX", "TFLT", "TLAB", "TROW", "TNONE"):
                if L["target"]:
                    raise ValueError("losses.def: SL_CARGS_%s: two targets" % name)
                t = {"TIDX": "index", "TFLT": "float", "TLAB": "labels", "TROW": "row",
                     "TNONE": "none"}[kind]
                dist = None
                if kind in ("TFLT", "TROW"):
                    d = re.fullmatch(r"SL_TD_([A-Z0-9_]+)", v["dist"])
                    if not d:
                        raise ValueError("losses.def: %s: bad target distribution" % name)
                    dist = d.group(1).lower()
                L["target"] = {"kind": t, "name": None if kind == "TNONE" else v["name"],
                               "dist": dist}
            elif kind == "X2":
                if int(v["index"]) != len(L["x2"]):
                    raise ValueError("losses.def: SL_CARGS_%s: X2 index out of order" % name)
                L["x2"].append({"name": v["name"], "grad": v["grad"]})
            elif kind == "W":
                L["weight"] = v["name"]
            elif kind == "IGN":
                L["ignore"] = v["name"]
            elif kind == "RLAB":
                L["rlab"] = v["name"]
            elif kind == "ALPHA":
                L["alpha"] = {"name": v["name"], "len": v["len"],
                              "default": _number(v["default"], "PF")}
            else:
                lst = kind.lower()
                if int(v["index"]) != len(L[lst]):
                    raise ValueError("losses.def: SL_CARGS_%s: %s index out of order" % (name, kind))
                L[lst].append({"name": v["name"], "default": _number(v["default"], kind)})
                L["params"].append(v["name"])
        # every loss has an input and a target argument; TNONE (no target) is
        # that argument for a loss whose further inputs (X2) play the target's part
        if not L["x"] or not L["target"]:
            raise ValueError("losses.def: SL_CARGS_%s: no input or no target (TNONE for "
                             "none)" % name)
        if L["target"]["kind"] == "none" and not L["x2"]:
            raise ValueError("losses.def: SL_CARGS_%s: TNONE without a further input (X2)"
                             % name)
        sleef = [int(x) for x in _tuple(col["sleef"])]
        if len(sleef) != len(SLEEF_FNS):
            raise ValueError("losses.def: %s: the sleef column has %d items" % (name, len(sleef)))
        L["sleef"] = dict(zip(SLEEF_FNS, sleef))
        ref = _tuple(col["reference"])
        L["ref_lib"], L["ref_fn"] = _string(ref[0]), _string(ref[1])
        out.append(L)
    if not out:
        raise ValueError("losses.def: no SL_CLASS entry")
    return out


_CACHE = {}


def class_losses():
    """The registry's class-dimension losses, in its order (parsed once)."""
    if "class" not in _CACHE:
        _CACHE["class"] = parse_class()
    return _CACHE["class"]


def class_loss(short):
    for L in class_losses():
        if L["short"] == short:
            return L
    raise KeyError(short)


def losses():
    """The registry's elementwise losses, in its order (parsed once)."""
    if "all" not in _CACHE:
        _CACHE["all"] = parse()
    return _CACHE["all"]


def names():
    return [L["name"] for L in losses()]


def loss(name):
    for L in losses():
        if L["name"] == name:
            return L
    raise KeyError(name)


# ---- what follows from the registry for the benchmark -------------------------------------

def sleef_calls(L):
    """SLEEF calls per element as a list of function names ("log", "log", "exp"),
    in the sleef column's order."""
    return [f for f in SLEEF_FNS for _ in range(L["sleef"][f])]


def full_length_cyc(L):
    """The cyclic arrays simdloss-bench passes with n values: the required ones
    with a gradient (CYCG); the other cyclic arrays are left out (NULL)."""
    return [c for c in L["cyc"] if c["grad"]]


def arrays_moved(L):
    """Arrays of n floats moved per element by forward + gradient, as
    simdloss-bench counts them: inputs, targets and full-length cyclic arrays
    read, one gradient per input written."""
    return 2 * len(L["inputs"]) + len(L["targets"]) + len(full_length_cyc(L))


LIB_NAMES = {"keras": "Keras", "liger": "Liger-Kernel"}  # a reference library's name in labels


def lib_name(lib):
    return LIB_NAMES.get(lib, lib)


def torch_label(L):
    """What the PyTorch side of a comparison is: "torch" when the registry's
    reference is a torch function, else the reference's formula run op by op
    in torch, "torch (<library> formula)"."""
    return "torch" if L["ref_lib"] == "torch" else "torch (%s formula)" % lib_name(L["ref_lib"])


def torch_side(L):
    """The torch function (markdown) or "<library> formula"."""
    if L["ref_lib"] == "torch":
        return "`%s`" % L["ref_fn"]
    return "%s formula" % lib_name(L["ref_lib"])


if __name__ == "__main__":
    json.dump({"elementwise": losses(), "class": class_losses()}, sys.stdout, indent=1)
    print()
