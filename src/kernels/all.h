/*
 * Included once by each arch/<isa>.c after its vec_<isa>.h: instantiates
 * every kernel for that ISA and defines the ISA's table. No ISA code here.
 */
#include "common.h"

#include "ale.h"
#include "bce.h"
#include "bce_with_logits.h"
#include "binary_focal.h"
#include "categorical.h"
#include "cross_entropy.h"
#include "gaussian_nll.h"
#include "hinge.h"
#include "hinge_embedding.h"
#include "huber.h"
#include "kl_div.h"
#include "l1.h"
#include "log_cosh.h"
#include "mape.h"
#include "margin.h"
#include "mse.h"
#include "msle.h"
#include "other.h"
#include "poisson.h"
#include "poisson_nll.h"
#include "sigmoid_focal.h"
#include "smooth_l1.h"
#include "soft_margin.h"
#include "squared_hinge.h"
#include "targets.h"

SL_PAIRWISE_LOSSES(SL_DEFINE_PAIRWISE)

#define SL_TABLE_PAIR(name, naux, has_da, has_dom, calls, hot) [SL_K_##name] = k_##name,
#define SL_TABLE_OTHER(name) [SL_K_##name] = k_##name,
/* Class-dimension kernels not written yet stay NULL (the entry point then
 * reports SIMDLOSS_ENOTSUP). */
#define SL_CLASS_TABLE                                                                             \
    [SL_R_cross_entropy_f32] = k_cross_entropy_f32,                                                \
    [SL_R_cross_entropy_bf16] = k_cross_entropy_bf16,                                              \
    [SL_R_cross_entropy_probs] = k_cross_entropy_probs,                                            \
    [SL_R_categorical_crossentropy] = k_categorical_crossentropy,                                  \
    [SL_R_categorical_hinge] = k_categorical_hinge,                                                \
    [SL_R_categorical_focal] = k_categorical_focal, [SL_R_multi_margin] = k_multi_margin,          \
    [SL_R_multilabel_margin] = k_multilabel_margin,                                                \
    [SL_R_multilabel_soft_margin] = k_multilabel_soft_margin
#define SL_DEFINE_TABLE(var, name_, isa_, needs_)                                                  \
    SL_HIDDEN extern const struct sl_table var;                                                    \
    const struct sl_table var = {                                                                  \
        name_,                                                                                     \
        isa_,                                                                                      \
        needs_,                                                                                    \
        {SL_PAIRWISE_LOSSES(SL_TABLE_PAIR) SL_OTHER_KERNELS(SL_TABLE_OTHER)},                      \
        {SL_CLASS_TABLE},                                                                          \
        k_target_scan}
