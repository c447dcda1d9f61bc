#ifndef PROGNOS_CBLAS_SHIM_H
#define PROGNOS_CBLAS_SHIM_H
#include <cblas.h>
#include <lapacke.h>

/// OpenBLAS's thread control, declared in its cblas.h; re-exported under our prefix
/// so callers do not depend on the vendor header's spelling.
static inline void cblas_prognos_set_threads(int n) { openblas_set_num_threads(n); }
#endif
