#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Generate tests/data/gaussian_references.txt: high-precision references for the Gaussian
closed forms of libgmmot (W2^2, Bures term, Monge map, barycenter covariance).

Run with Debian's python3 (numpy, mpmath):   /usr/bin/python3 gen_gaussian_references.py
It rewrites gaussian_references.txt next to this script; the output is deterministic (fixed
seeds, no timing, no platform-dependent text) as long as numpy's default_rng stream and the
correctly rounded float <-> decimal conversions of Python do not change.

How it works:
  1. Inputs are generated in double precision with numpy (np.random.default_rng(SEED)) and
     then FROZEN: every double is printed with repr(), which round-trips exactly, and every
     reference below is computed from exactly those doubles (mpmath's mpf(float) is exact).
     Covariances are made exactly symmetric after rounding (upper triangle mirrored).
  2. References are computed with mpmath at mp.dps = 60 from eigendecompositions (mp.eigsy):
        R = S0^1/2,  M = R S1 R,  N = M^1/2,
        W2^2 = ||m0 - m1||^2 + tr S0 + tr S1 - 2 tr N,   A = R^+ N R^+,   b = m1 - A m0,
     eigenvalues below 1e-40 * (largest) are set to exactly 0 (they are rounding noise of a
     60-digit computation, i.e. exact zeros of an exactly singular input; genuine eigenvalues
     of the inputs here are >= 1e-13 * largest). Every reference is recomputed at
     mp.dps = 80 and must agree to 1e-35 relative to tr S0 + tr S1 (A: to 1e-30 relative;
     barycenters: 1e-35; self check, the generator aborts otherwise), so the rounding to a
     double is the only error left.
  3. Barycenters: the Alvarez-Esteban fixed point
        S <- S^-1/2 (sum_j l_j (S^1/2 S_j S^1/2)^1/2)^2 S^-1/2
     from S = sum_j l_j S_j, at mp.dps = 60, until ||S+ - S||_F <= 1e-50 ||S||_F.
  4. Conditioning data for the test tolerances (see tests/capi_cxx/test_references.cpp):
     - Monge map: map_cond = the first-order absolute condition number of A (Frobenius) for
       normwise relative perturbations of the inputs, max ||dA||_F over symmetric dS0, dS1
       with ||dS0||_F <= ||S0||_F, ||dS1||_F <= ||S1||_F, from the exact derivative
          dA = R^-1 Z R^-1,   Z N + N Z = R (dS1 - A dS0 A) R
       (differentiate A S0 A = S1 with A = R^-1 N R^-1). It is evaluated in double from the
       60-digit eigendata, which is ample for a tolerance. A singular S1 (rank r) is
       perturbed through its factor instead, dS1 = dF F^T + F dF^T, ||dF||_F <= kappa+(S1)
       ||F||_2 (the eigen-factor of an exactly singular matrix keeps its rank; its vectors
       move by eps*kappa+, kappa+ = largest/smallest nonzero eigenvalue). For a singular S0
       with range(S1) in range(S0) (pseudo-inverse map) the problem is restricted to
       range(S0) and 2 ||A||_F kappa+(S0) is added for the rotation of that range.
     - Barycenter: bary_cond <c_in> <c_fp> <kappa>: c_in = first-order relative condition
       number of S* for ||dS_j||_F <= ||S_j||_F (sum over j of the block norms, divided by
       ||S*||_F); c_fp = ||(I - DPhi(S*))^-1||_2 on symmetric matrices (Frobenius), which
       turns a one-step defect ||Phi(S) - S|| into the distance to the fixed point;
       kappa = cond(S*). Derivatives by central differences at 60 digits (h = 1e-20).

Case kinds: well (Wishart-like, well conditioned), cond1e6 / cond1e10 / cond1e12 (both
covariances with log-spaced eigenvalues and random orthogonal bases, rounded to double), mixed
(one covariance cond 1e12, the other well conditioned),
singular (S = B B^T with small-integer B of rank r < d: exact in double), dirac (a zero
covariance), nearid (S1 = (I + 1e-6 E) S0 (I + 1e-6 E)^T rounded, m1 = m0), scaled (a well
conditioned pair with covariances times 2^+-800 or 2^+-400 and means times the square root),
commuting (diagonal pairs, S1 a polynomial of an integer S0, identical covariances).
"""

import os
import sys

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
from mpmath import mp, mpf  # noqa: E402

SEED = 20240611
DPS = 60
DPS_CHECK = 80
ZERO_EIG = mpf(10) ** -40
DIMS = (2, 3, 4, 5, 8, 10, 27)
EPS = 2.0 ** -52

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "gaussian_references.txt")


# ----------------------------------------------------------------------------- double inputs
def sym_exact(s):
    """Mirror the upper triangle so that the double matrix is exactly symmetric."""
    u = np.triu(s)
    return u + np.triu(u, 1).T


def rand_orth(rng, d):
    q, r = np.linalg.qr(rng.standard_normal((d, d)))
    return q * np.sign(np.diag(r))


def well_cov(rng, d):
    g = rng.standard_normal((d, d))
    return sym_exact(g @ g.T / d + 0.5 * np.eye(d))


def cond_cov(rng, d, cond):
    lam = np.logspace(0.0, -np.log10(cond), d)
    q = rand_orth(rng, d)
    return sym_exact((q * lam) @ q.T)


def int_singular(rng, d, r):
    """B B^T with B small-integer d x r of rank r: exact in double (entries < 2^53)."""
    while True:
        b = rng.integers(-3, 4, size=(d, r)).astype(float)
        if np.linalg.matrix_rank(b) == r:
            return b @ b.T, b


def int_spd(rng, d):
    while True:
        b = rng.integers(-3, 4, size=(d, d)).astype(float)
        s = b @ b.T + np.eye(d)
        if np.linalg.matrix_rank(s) == d:
            return s


# ----------------------------------------------------------------------------- mpmath core
def to_mp(a):
    a = np.asarray(a, dtype=float)
    if a.ndim == 1:
        return mp.matrix([mpf(float(x)) for x in a])
    return mp.matrix([[mpf(float(x)) for x in row] for row in a])


def mp_sym(a):
    n = a.rows
    return mp.matrix([[(a[i, j] + a[j, i]) / 2 for j in range(n)] for i in range(n)])


def mp_eig_psd(s):
    """Eigen-decomposition of a symmetric PSD mp matrix; rounding-noise eigenvalues -> 0."""
    n = s.rows
    if all(s[i, j] == 0 for i in range(n) for j in range(n)):
        return [mpf(0)] * n, mp.eye(n)
    e, q = mp.eigsy(mp_sym(s))
    e = [e[i] for i in range(n)]
    lmax = max(abs(x) for x in e)
    thr = lmax * ZERO_EIG
    out = []
    for x in e:
        if x < -thr:
            raise RuntimeError("matrix is not PSD: eigenvalue %s, largest %s" % (x, lmax))
        out.append(x if x > thr else mpf(0))
    return out, q


def mp_fun(lam, q, f):
    d = mp.diag([f(x) for x in lam])
    return q * d * q.T


def mp_sqrt_psd(s):
    lam, q = mp_eig_psd(s)
    return mp_fun(lam, q, mp.sqrt)


def mp_trace(a):
    return mp.fsum(a[i, i] for i in range(a.rows))


def mp_fro(a):
    return mp.sqrt(mp.fsum(a[i, j] ** 2 for i in range(a.rows) for j in range(a.cols)))


def gaussian_refs(m0, s0, m1, s1):
    """All references of one pair at the current mp.dps (inputs are double arrays)."""
    d = len(m0)
    M0, S0, M1, S1 = to_mp(m0), to_mp(s0), to_mp(m1), to_mp(s1)
    lam0, q0 = mp_eig_psd(S0)
    lam1, _ = mp_eig_psd(S1)
    R = mp_fun(lam0, q0, mp.sqrt)
    Rp = mp_fun(lam0, q0, lambda x: 1 / mp.sqrt(x) if x > 0 else mpf(0))
    M = mp_sym(R * S1 * R)
    n, u = mp_eig_psd(M)
    N = mp_fun(n, u, mp.sqrt)
    trn = mp.fsum(mp.sqrt(x) for x in n)
    dm2 = mp.fsum((M0[i] - M1[i]) ** 2 for i in range(d))
    bures = mp_trace(S0) + mp_trace(S1) - 2 * trn
    if abs(bures) <= mpf(10) ** -45 * (mp_trace(S0) + mp_trace(S1)):
        bures = mpf(0)  # identical (or range-equal, proportional 1:1) covariances: exactly 0
    A = mp_sym(Rp * N * Rp)
    b = M1 - A * M0
    res = mp_fro(A * S0 * A - S1)
    ns1 = mp_fro(S1)
    rel_res = res / ns1 if ns1 > 0 else res
    w2_cond = None
    if min(lam0) > 0 and min(n) > 0:  # both positive definite: A invertible
        Ainv = mp_sym(R * mp_fun(n, u, lambda x: 1 / mp.sqrt(x)) * R)
        w2_cond = (mp_fro(mp.eye(d) - A) * mp_fro(S0) + mp_fro(mp.eye(d) - Ainv) * mp_fro(S1))
    return dict(w2sq=dm2 + bures, bures=bures, A=A, b=b, lam0=lam0, lam1=lam1, q0=q0,
                w2_cond=w2_cond,
                R=R, Rp=Rp, N=N, n=n, u=u, map_res=rel_res,
                trs=mp_trace(S0) + mp_trace(S1) + dm2)


def f64(a):
    if isinstance(a, list):
        return np.array([float(x) for x in a])
    return np.array([[float(a[i, j]) for j in range(a.cols)] for i in range(a.rows)])


# ----------------------------------------------------------------------------- conditioning
def sym_basis(d):
    out = []
    for i in range(d):
        for j in range(i, d):
            e = np.zeros((d, d))
            if i == j:
                e[i, i] = 1.0
            else:
                e[i, j] = e[j, i] = 1.0 / np.sqrt(2.0)
            out.append(e)
    return out


def kplus(lam):
    nz = [float(x) for x in lam if x > 0]
    return max(nz) / min(nz) if nz else 1.0


def map_cond_pd(s0, s1, R, Rinv, A, U, n, lam1, q1):
    """First-order absolute condition number of A (S0 positive definite); see the module doc.
    n: eigenvalues of N = (R S1 R)^1/2 (eigenvectors U)."""
    d = s0.shape[0]
    den = n[:, None] + n[None, :]
    mask = den > 0
    dens = np.where(mask, den, 1.0)

    def dA(ds0, ds1):
        y = R @ (ds1 - A @ ds0 @ A) @ R
        yt = U.T @ y @ U
        z = U @ np.where(mask, yt / dens, 0.0) @ U.T
        return (Rinv @ z @ Rinv).ravel()

    cols = []
    n0 = np.linalg.norm(s0)
    zero = np.zeros((d, d))
    for e in sym_basis(d):
        cols.append(dA(n0 * e, zero))
    r1 = int(sum(1 for x in lam1 if x > 0))
    if r1 == d:
        n1 = np.linalg.norm(s1)
        for e in sym_basis(d):
            cols.append(dA(zero, n1 * e))
    elif r1 > 0:
        idx = [i for i in range(d) if lam1[i] > 0]
        f = q1[:, idx] * np.sqrt(lam1[idx])
        scale = kplus(lam1) * np.sqrt(lam1.max())
        for a in range(d):
            for c in range(r1):
                df = np.zeros((d, r1))
                df[a, c] = scale
                cols.append(dA(zero, df @ f.T + f @ df.T))
    if not cols:
        return 0.0
    return float(np.linalg.svd(np.array(cols).T, compute_uv=False)[0])


def map_cond(s0, s1, ref):
    # A and its relative-perturbation condition number are invariant under S -> c S; scale
    # by a power of two (exact) so that the double evaluation below cannot overflow.
    e = int(np.frexp(max(np.abs(s0).max(), np.abs(s1).max()))[1])
    if abs(e) > 20:
        s0, s1 = np.ldexp(s0, -e), np.ldexp(s1, -e)
        z = np.zeros(s0.shape[0])
        ref = gaussian_refs(z, s0, z, s1)
    lam0 = f64(ref["lam0"])
    q0 = f64(ref["q0"])
    A = f64(ref["A"])
    mp_l1, mp_q1 = mp_eig_psd(to_mp(s1))
    lam1, q1 = f64(mp_l1), f64(mp_q1)
    r0 = int(np.sum(lam0 > 0))
    if r0 == s0.shape[0]:
        # the Lyapunov equation is in N = M^1/2: its eigenvalues are sqrt(eig(M))
        return map_cond_pd(s0, s1, f64(ref["R"]), f64(ref["Rp"]), A, f64(ref["u"]),
                           np.sqrt(f64(ref["n"])), lam1, q1)
    if r0 == 0:
        return 0.0
    # singular S0, range(S1) in range(S0): restrict to range(S0), add the range rotation.
    v = q0[:, lam0 > 0]
    rs0 = sym_exact(v.T @ s0 @ v)
    rs1 = sym_exact(v.T @ s1 @ v)
    # the restricted problem at double precision is enough for a condition number
    l, w = np.linalg.eigh(rs0)
    Rr = (w * np.sqrt(l)) @ w.T
    Rri = (w / np.sqrt(l)) @ w.T
    Mr = sym_exact(Rr @ rs1 @ Rr)
    nr, ur = np.linalg.eigh(Mr)
    nr = np.where(nr > 1e-13 * max(nr.max(), 0.0), nr, 0.0)
    Ar = Rri @ (ur * np.sqrt(nr)) @ ur.T @ Rri
    l1r, q1r = np.linalg.eigh(rs1)
    l1r = np.where(l1r > 1e-13 * max(l1r.max(), 0.0), l1r, 0.0)
    c = map_cond_pd(rs0, rs1, Rr, Rri, Ar, ur, np.sqrt(nr), l1r, q1r)
    return c + 2.0 * np.linalg.norm(A) * kplus(lam0)


# ----------------------------------------------------------------------------- barycenters
def bary_phi(S, covs, w):
    R = mp_sqrt_psd(S)
    lam, q = mp_eig_psd(S)
    Ri = mp_fun(lam, q, lambda x: 1 / mp.sqrt(x))
    K = mp.zeros(S.rows, S.rows)
    for wj, Sj in zip(w, covs):
        K += wj * mp_sqrt_psd(mp_sym(R * Sj * R))
    return mp_sym(Ri * K * K * Ri)


def bary_ref(covs_d, w_d):
    covs = [to_mp(c) for c in covs_d]
    wsum = mp.fsum(mpf(float(x)) for x in w_d)
    w = [mpf(float(x)) / wsum for x in w_d]
    S = mp.zeros(covs[0].rows, covs[0].rows)
    for wj, Sj in zip(w, covs):
        S += wj * Sj
    tol = mpf(10) ** -50
    for it in range(5000):
        Sn = bary_phi(S, covs, w)
        delta = mp_fro(Sn - S) / mp_fro(Sn)
        S = Sn
        if delta <= tol:
            return S, it + 1
    raise RuntimeError("barycenter fixed point did not converge")


def bary_cond(S, covs_d, w_d):
    """(c_in, c_fp, kappa) at the fixed point S (mp matrix); see the module doc."""
    d = S.rows
    covs = [to_mp(c) for c in covs_d]
    wsum = mp.fsum(mpf(float(x)) for x in w_d)
    w = [mpf(float(x)) / wsum for x in w_d]
    basis = sym_basis(d)
    h = mpf(10) ** -20

    def vec(a):  # coordinates in the orthonormal symmetric basis (kept at full precision)
        return [mp.fsum(a[i, j] * mpf(float(e[i, j])) for i in range(d) for j in range(d))
                for e in basis]

    def deriv(fun, x0):
        cols = []
        for e in basis:
            E = to_mp(e)
            cols.append([float((p - m) / (2 * h)) for p, m in zip(vec(fun(x0 + h * E)),
                                                          vec(fun(x0 - h * E)))])
        return np.array(cols).T

    jac_s = deriv(lambda X: bary_phi(X, covs, w), S)
    gain = np.linalg.inv(np.eye(len(basis)) - jac_s)
    c_fp = float(np.linalg.svd(gain, compute_uv=False)[0])
    snorm = float(mp_fro(S))
    c_in = 0.0
    for j in range(len(covs)):
        def fj(X, j=j):
            cj = list(covs)
            cj[j] = X
            return bary_phi(S, cj, w)
        jac_j = deriv(fj, covs[j])
        c_in += float(np.linalg.svd(gain @ jac_j, compute_uv=False)[0]) * float(mp_fro(covs[j]))
    lam, _ = mp_eig_psd(S)
    kappa = float(max(lam) / min(lam))
    return c_in / snorm, c_fp, kappa


# ----------------------------------------------------------------------------- output
def fmt(x):
    return repr(float(x))


def fmt_vec(a):
    return " ".join(fmt(x) for x in np.asarray(a, dtype=float).ravel())


def fmt_mp(x):
    return repr(float(x))  # mpf -> float is correctly rounded (round to nearest)


def fmt_mp_mat(a):
    return " ".join(fmt_mp(a[i, j]) for i in range(a.rows) for j in range(a.cols))


def fmt_mp_vec(a):
    return " ".join(fmt_mp(a[i]) for i in range(a.rows))


HEADER = """\
# gaussian_references.txt: high-precision references for libgmmot's Gaussian closed forms.
# GENERATED by tests/data/gen_gaussian_references.py (/usr/bin/python3, numpy, mpmath);
# do not edit by hand, rerun the script. Seed %(seed)d, mpmath %(mpver)s at mp.dps = %(dps)d,
# self-checked against mp.dps = %(dps2)d. Read by tests/capi_cxx/test_references.cpp.
#
# Inputs are doubles written with Python's repr() (shortest text that round-trips exactly);
# the references were computed from exactly those doubles at 60 digits and are written as the
# correctly rounded double (repr of float(mpf)). See the generator's docstring for the
# method and for the meaning of map_cond and bary_cond.
#
# Format: whitespace-separated tokens; '#' starts a comment that runs to the end of the line.
# A Gaussian pair record:
#   case <name> <kind> <d>
#   m0 <d numbers>            S0 <d*d numbers, row-major>
#   m1 <d numbers>            S1 <d*d numbers, row-major>
#   eig0 <min> <max>          eig1 <min> <max>     (extreme eigenvalues of S0, S1; 0 if singular)
#   w2sq <W2^2>               bures <tr S0 + tr S1 - 2 tr (S0^1/2 S1 S0^1/2)^1/2>
#   [w2_cond <c>]             (both PD: ||I - A||_F ||S0||_F + ||I - A^-1||_F ||S1||_F, the
#                              first-order change of W2^2 per unit relative change of S0, S1)
#   map ok <map_cond>         followed by   A <d*d>   b <d>      (Monge map x -> A x + b)
#   | map nomap               (S0 singular and range(S1) not in range(S0): GMMOT_E_NO_MAP)
#   end
# A barycenter record (weights l_j, J inputs):
#   bary <name> <kind> <J> <d>
#   weights <J>  means <J*d>  covs <J*d*d>  mean_star <d>  cov_star <d*d>
#   bary_cond <c_in> <c_fp> <kappa>      ref_iterations <n>
#   end
# Kinds: well cond1e6 cond1e10 cond1e12 mixed singular dirac nearid scaled commuting; bary:
# well cond1e8 commuting.
"""


def write_pair(out, name, kind, m0, s0, m1, s1, log):
    d = len(m0)
    m0, s0, m1, s1 = (np.asarray(x, dtype=float) for x in (m0, s0, m1, s1))
    assert np.array_equal(s0, s0.T) and np.array_equal(s1, s1.T)
    mp.dps = DPS
    ref = gaussian_refs(m0, s0, m1, s1)
    mp.dps = DPS_CHECK
    chk = gaussian_refs(m0, s0, m1, s1)
    mp.dps = DPS
    scale = ref["trs"]
    for key in ("w2sq", "bures"):
        if abs(ref[key] - chk[key]) > mpf(10) ** -35 * scale:
            raise RuntimeError("%s: %s differs between dps %d and %d" % (name, key, DPS, DPS_CHECK))
    lam0, lam1 = ref["lam0"], ref["lam1"]
    singular0 = min(lam0) == 0
    has_map = (not singular0) or ref["map_res"] <= mpf("1e-30")
    if singular0 and not has_map and ref["map_res"] < mpf("1e-8"):
        raise RuntimeError("%s: ambiguous map residual" % name)
    if has_map:
        na = mp_fro(ref["A"])
        if mp_fro(ref["A"] - chk["A"]) > mpf(10) ** -30 * (na + 1):
            raise RuntimeError("%s: A differs between precisions" % name)
    lines = ["case %s %s %d" % (name, kind, d),
             "m0 " + fmt_vec(m0), "S0 " + fmt_vec(s0),
             "m1 " + fmt_vec(m1), "S1 " + fmt_vec(s1),
             "eig0 %s %s" % (fmt_mp(min(lam0)), fmt_mp(max(lam0))),
             "eig1 %s %s" % (fmt_mp(min(lam1)), fmt_mp(max(lam1))),
             "w2sq " + fmt_mp(ref["w2sq"]), "bures " + fmt_mp(ref["bures"])]
    if ref["w2_cond"] is not None:
        lines.append("w2_cond %s" % repr(float("%.3e" % ref["w2_cond"])))
    if has_map:
        mc = map_cond(s0, s1, ref)
        lines += ["map ok %s" % repr(float("%.3e" % mc)),
                  "A " + fmt_mp_mat(ref["A"]), "b " + fmt_mp_vec(ref["b"])]
        mcs = "%.2e" % mc
    else:
        lines.append("map nomap")
        mcs = "nomap"
    lines.append("end")
    out.write("\n".join(lines) + "\n")
    log.write("%-28s d=%-3d w2sq=%.6e bures/trs=%.3e cond0=%s map=%s\n" % (
        name, d, float(ref["w2sq"]), float(ref["bures"] / scale) if scale > 0 else 0.0,
        "%.1e" % (float(max(lam0) / min(lam0))) if not singular0 else "sing", mcs))


def write_bary(out, name, kind, w, means, covs, log):
    J, d = means.shape
    mp.dps = DPS
    S, its = bary_ref(covs, w)
    mp.dps = DPS_CHECK
    S2, _ = bary_ref(covs, w)
    mp.dps = DPS
    if mp_fro(S - S2) > mpf(10) ** -35 * mp_fro(S):
        raise RuntimeError("%s: barycenter differs between precisions" % name)
    wsum = mp.fsum(mpf(float(x)) for x in w)
    mstar = [mp.fsum(mpf(float(w[j])) * mpf(float(means[j, i])) for j in range(J)) / wsum
             for i in range(d)]
    c_in, c_fp, kappa = bary_cond(S, covs, w)
    lines = ["bary %s %s %d %d" % (name, kind, J, d), "weights " + fmt_vec(w),
             "means " + fmt_vec(means), "covs " + fmt_vec(np.array(covs)),
             "mean_star " + " ".join(fmt_mp(x) for x in mstar),
             "cov_star " + fmt_mp_mat(S),
             "bary_cond %s %s %s" % tuple(repr(float("%.3e" % x)) for x in (c_in, c_fp, kappa)),
             "ref_iterations %d" % its, "end"]
    out.write("\n".join(lines) + "\n")
    log.write("%-28s J=%d d=%d iterations=%d c_in=%.2e c_fp=%.2e kappa=%.2e\n" % (
        name, J, d, its, c_in, c_fp, kappa))


def main():
    rng = np.random.default_rng(SEED)
    log = sys.stderr
    import mpmath
    with open(OUT, "w") as out:
        out.write(HEADER % dict(seed=SEED, mpver=mpmath.__version__, dps=DPS, dps2=DPS_CHECK))

        def mean(d, scale=1.0):
            return rng.standard_normal(d) * scale

        # well conditioned
        for d in DIMS:
            write_pair(out, "well_d%d" % d, "well", mean(d), well_cov(rng, d), mean(d),
                       well_cov(rng, d), log)
        # ill conditioned (both inputs), cond 1e6, 1e10 on d <= 10, 1e12 on all d
        for cond, tag in ((1e6, "cond1e6"), (1e10, "cond1e10"), (1e12, "cond1e12")):
            for d in DIMS:
                if d == 27 and cond != 1e12:
                    continue
                write_pair(out, "%s_d%d" % (tag, d), tag, mean(d), cond_cov(rng, d, cond),
                           mean(d), cond_cov(rng, d, cond), log)
        # one side cond 1e12, the other well conditioned, so that ||A|| or ||A^-1|| is ~1e6:
        # W2^2 then moves by ~eps ||S|| ||A|| under rounding-size changes of the inputs
        # (w2_cond), which no double-precision factorisation can avoid.
        for d in (3, 10):
            write_pair(out, "cond1e12_vs_well_d%d" % d, "mixed", mean(d),
                       cond_cov(rng, d, 1e12), mean(d), well_cov(rng, d), log)
            write_pair(out, "well_vs_cond1e12_d%d" % d, "mixed", mean(d),
                       well_cov(rng, d), mean(d), cond_cov(rng, d, 1e12), log)
        # exactly singular inputs
        for d in DIMS:
            r0 = max(1, d // 2)
            r1 = max(1, d - 1 - d // 4)
            s0, b0 = int_singular(rng, d, r0)
            s1, _ = int_singular(rng, d, r1)
            write_pair(out, "sing_both_d%d" % d, "singular", mean(d), s0, mean(d), s1, log)
            # range(S1) inside range(S0): the pseudo-inverse map exists
            rc = max(1, r0 - 1)
            c = rng.integers(-2, 3, size=(r0, rc)).astype(float)
            s1c = (b0 @ c) @ (b0 @ c).T
            if np.count_nonzero(s1c) == 0:
                s1c = s0.copy()
            if d != 27:  # (file size)
                write_pair(out, "sing_contained_d%d" % d, "singular", mean(d), s0, mean(d), s1c,
                           log)
            # positive definite integer S0, singular S1
            write_pair(out, "sing_target_d%d" % d, "singular", mean(d), int_spd(rng, d),
                       mean(d), s1, log)
        # Dirac (zero) covariances
        for d in (2, 3, 5, 10):
            z = np.zeros((d, d))
            write_pair(out, "dirac_src_d%d" % d, "dirac", mean(d), z, mean(d), well_cov(rng, d),
                       log)
            write_pair(out, "dirac_tgt_d%d" % d, "dirac", mean(d), well_cov(rng, d), mean(d), z,
                       log)
        write_pair(out, "dirac_both_d3", "dirac", mean(3), np.zeros((3, 3)), mean(3),
                   np.zeros((3, 3)), log)
        # near-identical pairs (same mean so that W2^2 is the Bures term alone)
        for d in DIMS:
            s0 = well_cov(rng, d)
            e = rng.standard_normal((d, d))
            t = np.eye(d) + 1e-6 * e
            s1 = sym_exact(t @ s0 @ t.T)
            m0 = mean(d)
            write_pair(out, "nearid_d%d" % d, "nearid", m0, s0, m0.copy(), s1, log)
        # power-of-two scalings (exact in double)
        for d, ex in ((2, 800), (3, -800), (5, 400), (8, -400), (10, 800), (5, -800),
                      (4, 800)):
            s0, s1 = well_cov(rng, d), well_cov(rng, d)
            if d == 4:  # an ill-conditioned scaled pair as well
                s0, s1 = cond_cov(rng, d, 1e10), cond_cov(rng, d, 1e10)
            c = 2.0 ** ex
            mc = 2.0 ** (ex // 2)
            write_pair(out, "scaled_2p%d_d%d" % (ex, d), "scaled", mean(d) * mc, s0 * c,
                       mean(d) * mc, s1 * c, log)
        # commuting pairs
        for d in (2, 3, 5, 8):
            a = rng.uniform(0.1, 4.0, d)
            b = rng.uniform(0.1, 4.0, d)
            write_pair(out, "diag_d%d" % d, "commuting", mean(d), np.diag(a), mean(d),
                       np.diag(b), log)
        a = np.logspace(0, -12, 5)
        write_pair(out, "diag_cond1e12_d5", "commuting", mean(5), np.diag(a), mean(5),
                   np.diag(a[::-1].copy()), log)
        a = np.array([2.0, 0.0, 1.5, 0.0])
        write_pair(out, "diag_singular_d4", "commuting", mean(4), np.diag([1.0, 3.0, 0.5, 2.0]),
                   mean(4), np.diag(a), log)
        for d in (3, 10):
            s0 = int_spd(rng, d)
            s1 = s0 @ s0 + 2.0 * s0 + 3.0 * np.eye(d)  # integers, exact
            assert np.abs(s1).max() < 2.0 ** 53
            write_pair(out, "poly_d%d" % d, "commuting", mean(d), s0, mean(d), s1, log)
        for d in (4, 10):
            s0 = well_cov(rng, d)
            write_pair(out, "identical_d%d" % d, "commuting", mean(d), s0, mean(d), s0.copy(),
                       log)

        # barycenters, J = 3
        def bary_inputs(d, maker):
            means = np.array([rng.standard_normal(d) for _ in range(3)])
            return means, [maker(d) for _ in range(3)]

        m, c = bary_inputs(2, lambda d: well_cov(rng, d))
        write_bary(out, "bary_well_d2", "well", np.array([0.25, 0.25, 0.5]), m, c, log)
        m, c = bary_inputs(3, lambda d: well_cov(rng, d))
        write_bary(out, "bary_well_skewed_d3", "well", np.array([0.75, 0.125, 0.125]), m, c, log)
        m, c = bary_inputs(4, lambda d: cond_cov(rng, d, 1e8))
        write_bary(out, "bary_cond1e8_d4", "cond1e8", np.array([0.375, 0.25, 0.375]), m, c, log)
        m, c = bary_inputs(3, lambda d: np.diag(rng.uniform(0.1, 4.0, d)))
        write_bary(out, "bary_diag_d3", "commuting", np.array([0.5, 0.25, 0.25]), m, c, log)
    print("wrote %s (%d bytes)" % (OUT, os.path.getsize(OUT)), file=log)


if __name__ == "__main__":
    main()
