#!/usr/bin/env python3
"""PCA T² baseline beside `prognos eval anomalies --dir` (docs/world-model.md): per file, fit on
the first --train-rows rows
(standardised; components explaining 90 % of the variance), flag T² above the 99 % F-distribution
limit; pooled point-wise FAR and MAR over the rows after training."""
import argparse, glob, gzip, os, sys
import numpy as np
from scipy import stats

ap = argparse.ArgumentParser()
ap.add_argument("--dir", required=True)
ap.add_argument("--train-rows", type=int, default=500)
ap.add_argument("--variance", type=float, default=0.9)
ap.add_argument("--alpha", type=float, default=0.01)
a = ap.parse_args()
tp = fp = tn = fn = 0
for path in sorted(glob.glob(os.path.join(a.dir, "*.csv*"))):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt") as f:
        header = f.readline().strip().split(";")
        rows = [line.strip().split(";") for line in f if line.strip()]
    li, ti = header.index("anomaly"), header.index("datetime")
    cols = [j for j in range(len(header)) if j not in (li, ti)]
    x = np.array([[float(r[j]) for j in cols] for r in rows])
    y = np.array([float(r[li]) > 0.5 for r in rows])
    n = a.train_rows
    tr = x[:n]
    mu, sd = tr.mean(0), tr.std(0, ddof=1)
    sd[sd == 0] = 1
    z = (tr - mu) / sd
    u, s, vt = np.linalg.svd(z, full_matrices=False)
    var = s**2 / (n - 1)
    k = int(np.searchsorted(np.cumsum(var) / var.sum(), a.variance) + 1)
    k = min(k, n - 2)
    p = vt[:k].T
    limit = k * (n - 1) * (n + 1) / (n * (n - k)) * stats.f.ppf(1 - a.alpha, k, n - k)
    t = ((((x[n:] - mu) / sd) @ p) ** 2 / var[:k]).sum(1)
    flag = t > limit
    lab = y[n:]
    tp += int((flag & lab).sum()); fn += int((~flag & lab).sum())
    fp += int((flag & ~lab).sum()); tn += int((~flag & ~lab).sum())
far = fp / max(fp + tn, 1); mar = fn / max(fn + tp, 1); f1 = 2 * tp / max(2 * tp + fp + fn, 1)
print(f"PCA T² train-rows {a.train_rows}: FAR {100*far:.2f} % MAR {100*mar:.1f} % F1 {f1:.3f}")
