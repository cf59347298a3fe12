"""The class-dimension benchmark cases, shared by torch_ref.py, compare.py and
summarize.py: bench.cc's kCeShapes, kRowShape and class_losses(), and how
their limits are formed from simdloss-bench's reference kernels.

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
           the losses with a target array of the input's shape;
  compute  1 / (sum of the ns/element of the SLEEF calls per element, from
           ref_exp|ref_log|... over 4096 cached elements): one exp per logit
           for the softmax losses;
  limit    the smaller of the two.
Limit of <loss>/fwd/<isa>/<shape>, f32 cross_entropy only: ref_exp_stream at
the same shape (read the logits, one exp each: both limits in one loop),
scaled by 4 / (4 + 8 / classes) for the class indices.
"""

# bench.cc kCeShapes: classification from 10 to 128256 classes (a Llama 3
# vocabulary) and semantic segmentation (21 classes, 512 x 512 pixels)
CE_SHAPES = [(8192, 10, 1), (512, 1000, 1), (8, 32000, 1), (4, 128256, 1), (64, 128256, 1),
             (8, 21, 512 * 512)]
ROW_SHAPE = (512, 1000, 1)  # bench.cc kRowShape: every other class loss
# the torch input of the segmentation shape is (8, 21, 512, 512)
TORCH_INNER = {512 * 512: (512, 512)}

# name: (shapes, SLEEF calls per element with bench.cc's parameters,
#        bytes read + written per element by fwdgrad as a function of classes,
#        the PyTorch counterpart or None)
CLASS_LOSSES = {
    "cross_entropy": (CE_SHAPES, ["exp"], lambda c: 8 + 8 / c, "`F.cross_entropy`"),
    "cross_entropy_bf16": (CE_SHAPES, ["exp"], lambda c: 4 + 8 / c,
                           "`F.cross_entropy` on bfloat16"),
    "cross_entropy_probs": ([ROW_SHAPE], ["exp"], lambda c: 12,
                            "`F.cross_entropy`, probability targets"),
    # nll's gradient does not depend on the input: it writes n floats and reads
    # one per row (the limit is then half ref_stream_rw's traffic, a model:
    # a write-only stream is faster than half a read + write one)
    "nll": ([ROW_SHAPE], [], lambda c: 4 + 8 / c, "`F.nll_loss`"),
    "categorical_crossentropy": ([ROW_SHAPE], ["log"], lambda c: 12, None),
    "categorical_hinge": ([ROW_SHAPE], [], lambda c: 12, None),
    "categorical_focal": ([ROW_SHAPE], ["log"], lambda c: 12, None),
    "multi_margin": ([ROW_SHAPE], [], lambda c: 8 + 8 / c, "`F.multi_margin_loss`"),
    "multilabel_margin": ([ROW_SHAPE], [], lambda c: 16, "`F.multilabel_margin_loss`"),
    "multilabel_soft_margin": ([ROW_SHAPE], ["exp", "log"], lambda c: 12,
                               "`F.multilabel_soft_margin_loss`"),
}
# the losses with a PyTorch counterpart (the Keras ones have none)
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
    if loss.endswith("_bf16"):
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
    if loss == "cross_entropy":
        e = med(f"ref_exp_stream/{isa}/{sn}")
        fwd = e * 4.0 / (4.0 + 8.0 / c) if e else None
    return {"mem": mem, "cpu": cpu, "limit": lim, "bound": bound, "fwd_limit": fwd,
            "mem_ref": ref}
