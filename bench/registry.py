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

    python3 bench/registry.py     prints that list as JSON
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


def parse(path=DEF):
    with open(path) as fh:
        text = fh.read()
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    text = text.replace("\\\n", " ")
    args, body = {}, []
    for line in text.split("\n"):
        m = re.match(r"\s*#\s*define\s+SL_ARGS_(\w+)\(\s*A\s*\)(.*)$", line)
        if m:
            args[m.group(1)] = m.group(2)
        elif not line.lstrip().startswith("#"):
            body.append(line)
    body = "\n".join(body)
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


_CACHE = {}


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


LIB_NAMES = {"keras": "Keras"}  # how a reference library is named in labels


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
    json.dump(losses(), sys.stdout, indent=1)
    print()
