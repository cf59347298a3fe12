/*
 * An independent double-precision reference for the forward value of every
 * elementwise simdloss loss, written from /work/shared/SPEC-losses.md (not
 * from src/kernels). It is smooth where the SPEC's formula is smooth, so the
 * tests differentiate it by central finite differences.
 *
 * Besides the value it describes, per element, how accurately a float32
 * evaluation of the same formula can be expected to match:
 *   mag   the magnitude of the terms of the loss formula (the sum of |term|
 *         over the additive terms, plus the sensitivity to the few
 *         intermediates that a float evaluation must round, such as 1 - p or
 *         the label-smoothed target); 1e-6 * mag is about 8 float ulps of it;
 *   gmag  the same for the SPEC's gradient formula (d loss / d input);
 *   kink  the distance from x to the nearest point where the loss or its
 *         derivative is not smooth (|.| and max kinks, clip boundaries);
 *   sing  the distance from x to the nearest singularity or power-law centre
 *         (log/pole at 0, q^gamma at q = 0): finite differences must use a
 *         step well below min(kink, sing).
 */
#ifndef TR_REFERENCE_H
#define TR_REFERENCE_H

/* One loss with its parameters, as the reference sees them. */
typedef struct {
    int id;      /* from tr_id() */
    double f[3]; /* float parameters in the API order (delta, beta, alpha, ...) */
    int i[2];    /* int parameters in the API order (log_target, log_input, full) */
    double
        aux0; /* this element's weight (bce, bce_with_logits) or var (gaussian_nll); 1 if absent */
    double aux1; /* this element's pos_weight (bce_with_logits); 1 if absent */
    int convert; /* hinge, squared_hinge: every target of the call is 0 or 1 */
} tr_args;

typedef struct {
    double value, mag, gmag, kink, sing;
} tr_out;

/* Index of the loss named as in simdloss_<name>_f32, or -1. */
int tr_id(const char *name);
/* Fills every field of *o for input x and target y. */
void tr_eval(const tr_args *a, double x, double y, tr_out *o);
/* The forward value only. */
double tr_value(const tr_args *a, double x, double y);

/* Convenience form: the forward value of loss `name`. */
double tr_loss(const char *name, double x, double y, const double *params_f, const int *params_i,
               double aux0, double aux1, int convert_hinge);

/* gaussian_nll: magnitude of the terms of d loss / d var at the clamped
 * variance v = max(var, eps), 0.5 (1 / v + (x - y)^2 / v^2). */
double tr_gaussian_dvar_mag(double x, double y, double v);

/* Shewchuk's exact summation (as Python's math.fsum) of n floats, rounded
 * once to double; non-finite elements give their IEEE sum. */
double tr_fsum(const float *v, unsigned long n);

#endif
