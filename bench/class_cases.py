# SPDX-License-Identifier: Apache-2.0
"""The class-dimension benchmark cases, shared by torch_ref.py, compare.py and
summarize.py: bench.cc's shape sets (kCeShapes, kRowShapes, kSparseShapes,
kFeatureShapes, kDistillShapes), its class_shapes() rule (shapes_of()) and
class_losses(), and how their limits are formed from simdloss-bench's
reference kernels.

A shape is (batch, classes, inner): PyTorch's (N, C, d1..dk) input with
inner = d1 * ... * dk; its name is "BxC" (inner 1) or "BxCxI", as in the
benchmark names <loss>/<fwd|fwdgrad>/<isa>/<shape>. Elements = B * C * I.

Limits of <loss>/fwdgrad/<isa>/<shape> (Melem/s):
  memory   the reference kernel at the same shape that moves the same kind of
           data, scaled by (its bytes per element) / (the loss's bytes per
           element): ref_stream_rw (read n floats, write n: 8 B) for the
           losses that read the input and a class index per position and
           write the gradient (+ 8 / classes B for the index), ref_stream_rw_bf16
           (4 B) for bf16 cross_entropy, ref_stream (read 2 write 1: 12 B) for
           the losses with a target array of the input's shape,
           ref_stream_rw2 / ref_stream_rw3 (read 2n / 3n floats, write as
           many, counted as n elements: 16 / 24 B) for the losses over 2 / 3
           inputs of the input's shape that write every input's gradient
           (cosine_embedding, + 4 / classes B for its row target;
           triplet_margin): the same bytes, the same 1:1 mix of reads and
           writes and the same working set (32 and 48 MB at 4096x512, beyond
           a 32 MB L3, where ref_stream_rw at n would stay within 16 MB);
  compute  1 / (sum of the ns/element of the SLEEF calls per element (the
           registry's sleef column), from ref_exp|ref_log|... over 4096
           cached elements): one exp per logit for the softmax losses, two
           for kl_div_logits (student and teacher), a log and two exp for
           jsd (both probabilities and log M);
  limit    the smaller of the two.
Limit of <loss>/fwd/<isa>/<shape>, f32 cross_entropy only: ref_exp_stream at
the same shape (read the logits, one exp each: both limits in one loop),
scaled by 4 / (4 + 8 / classes) for the class indices.
"""
import registry as R

# bench.cc kCeShapes: classification from 10 to 128256 classes (a Llama 3
# vocabulary) and semantic segmentation (21 classes, 512 x 512 pixels)
CE_SHAPES = [(8192, 10, 1), (512, 1000, 1), (8, 32000, 1), (4, 128256, 1), (64, 128256, 1),
             (8, 21, 512 * 512)]
# bench.cc kRowShapes: most other class losses (small rows and 1000 classes)
ROW_SHAPES = [(4096, 10, 1), (512, 1000, 1)]
# bench.cc kSparseShapes: class indices on probabilities
# (sparse_categorical_crossentropy): the rows above and a 32000-token vocabulary
SPARSE_SHAPES = [(4096, 10, 1), (512, 1000, 1), (8, 32000, 1)]
# bench.cc kFeatureShapes: rows of features (cosine_similarity on embeddings;
# dice and tversky on masks flattened to such rows; cosine_embedding and
# triplet_margin on pairs and triplets of embeddings)
FEATURE_SHAPES = [(4096, 128, 1), (4096, 512, 1)]
# bench.cc kDistillShapes: distillation (kl_div_logits on a teacher's logits,
# jsd on its log-probabilities), 1000 classes and a 32000-token vocabulary
DISTILL_SHAPES = [(512, 1000, 1), (64, 32000, 1)]
# the torch input of the segmentation shape is (8, 21, 512, 512)
TORCH_INNER = {512 * 512: (512, 512)}



def _bytes_moved(L):
    """Bytes read + written per element by fwdgrad, as a function of classes:
    the input and its gradient, and the targets (8 bytes per position for a
    class index, 4 per element for float targets, 8 for label rows). A loss
    on log-probabilities with class indices (a gather: its gradient does not
    read the input) writes the gradient and reads one value per position. A
    loss with further inputs (X2) reads each and writes its gradient, plus 4
    bytes per row for a row target."""
    es = 2 if L["x"]["type"] == "uint16_t" else 4
    kind = L["target"]["kind"]
    if L["x2"]:
        k = 1 + len(L["x2"])
        return lambda c: 2 * es * k + (4 / c if kind == "row" else 0)
    if kind == "index" and L["x"]["dom"] == "logprob":
        return lambda c: es + 8 / c
    if kind == "index":
        return lambda c: 2 * es + 8 / c
    return lambda c: 2 * es + (8 if kind == "labels" else 4)


def _torch_side(L):
    if L["ref_lib"] != "torch":
        return None
    label = "`%s`" % L["ref_fn"]
    if L["x"]["type"] == "uint16_t":
        label += " on bfloat16"
    if L["target"]["dist"] == "probs":
        label += ", probability targets"
    if L["target"]["dist"] == "logits":
        label += " on (log_)softmax of the logits / T"
    return label


def ce_shaped(L):
    """The softmax losses over class indices (logits, an inner dimension):
    benchmarked at CE_SHAPES, and f32 ones have a forward-only limit."""
    return L["inner"] and L["target"]["kind"] == "index" and L["x"]["dom"] == "logit"


def shapes_of(L):
    """A class loss's shapes, from what the registry says of its data (bench.cc's
    class_shapes(), the same rule): the softmax losses over class indices at
    CE_SHAPES; a teacher's logits or log-probabilities as targets (distillation)
    at DISTILL_SHAPES;
    real-valued targets, or probabilities against multi-hot masks (rows of
    features) at FEATURE_SHAPES; class indices on probabilities at
    SPARSE_SHAPES; further inputs of the input's shape (pairs and triplets of
    embeddings) at FEATURE_SHAPES; the others at ROW_SHAPES."""
    t = L["target"]
    flt = t["kind"] == "float"
    if L["x2"]:
        return FEATURE_SHAPES
    if ce_shaped(L):
        return CE_SHAPES
    if flt and t["dist"] in ("logits", "logprobs"):
        return DISTILL_SHAPES
    if flt and (t["dist"] == "real" or (L["x"]["dom"] == "prob" and t["dist"] == "multihot")):
        return FEATURE_SHAPES
    if t["kind"] == "index" and L["x"]["dom"] == "prob":
        return SPARSE_SHAPES
    return ROW_SHAPES


# name: (shapes, SLEEF calls per element with bench.cc's parameters (the
#        registry's defaults), bytes read + written per element by fwdgrad as
#        a function of classes, the PyTorch counterpart or None), from the
#        registry's SL_CLASS entries (bench/registry.py)
CLASS_LOSSES = {
    L["short"]: (shapes_of(L), R.sleef_calls(L), _bytes_moved(L), _torch_side(L))
    for L in R.class_losses()
}
# the losses with a PyTorch counterpart (the Keras ones and jsd, Liger-Kernel's,
# have none; torch_ref.py runs their formulas in torch only when asked by name)
TORCH_CLASS_LOSSES = [k for k, v in CLASS_LOSSES.items() if v[3]]


def shape_name(s):
    b, c, i = s
    return f"{b}x{c}" if i == 1 else f"{b}x{c}x{i}"


def parse_shape(name):
    p = [int(v) for v in name.split("x")]
    return (p[0], p[1], p[2] if len(p) > 2 else 1)


def elems(s):
    return s[0] * s[1] * s[2]


def cases(losses=None, shapes=None):
    """(loss, shape) pairs in order; losses / shapes: subsets (names), None = all."""
    out = []
    for nm, (sh, _, _, _) in CLASS_LOSSES.items():
        if losses is not None and nm not in losses:
            continue
        for s in sh:
            if shapes is None or shape_name(s) in shapes:
                out.append((nm, s))
    return out


def mem_ref(loss, classes):
    """(reference benchmark prefix, its bytes per counted element) for a loss."""
    L = R.class_loss(loss)
    if L["x2"]:  # k inputs read, k gradients written (bench.cc's REF_RW2, REF_RW3)
        k = 1 + len(L["x2"])
        return f"ref_stream_rw{k}", 8.0 * k
    if L["x"]["type"] == "uint16_t":
        return "ref_stream_rw_bf16", 4.0
    if CLASS_LOSSES[loss][2](classes) < 12:
        return "ref_stream_rw", 8.0
    return "ref_stream", 12.0


def limits(med, loss, isa, shape, ns):
    """med(name) -> median Melem/s of a simdloss-bench benchmark or None;
    ns: {(isa, fn): ns per element}. Returns the limits of loss at shape."""
    sn = shape_name(shape)
    c = shape[1]
    calls = CLASS_LOSSES[loss][1]
    moved = CLASS_LOSSES[loss][2](c)
    ref, ref_bytes = mem_ref(loss, c)
    r = med(f"{ref}/{isa}/{sn}")
    mem = r * ref_bytes / moved if r else None
    cost = sum(ns.get((isa, f), float("nan")) for f in calls)
    cpu = 1e3 / cost if calls and cost == cost else None
    lim = min(x for x in (mem, cpu) if x) if (mem or cpu) else None
    bound = None if lim is None else ("memory" if lim == mem else "compute")
    fwd = None
    L = R.class_loss(loss)
    if ce_shaped(L) and L["x"]["type"] == "float":
        e = med(f"ref_exp_stream/{isa}/{sn}")
        fwd = e * 4.0 / (4.0 + 8.0 / c) if e else None
    return {"mem": mem, "cpu": cpu, "limit": lim, "bound": bound, "fwd_limit": fwd,
            "mem_ref": ref}
