// SPDX-License-Identifier: MIT
//! EW2 between point clouds and MEW2 between mixtures of any two dimensions: W2 and MW2 up to
//! an isometric embedding, the embedding, and the maps across dimensions (`gmmot/mew2.h`).
use crate::error::{check, check_ok, Error, Result, Status, Warning};
use crate::gmm::Gmm;
use crate::options::{call, Options};
use crate::transport::SparsePlan;
use crate::util::{expect_len, mul, opt_ptr, rows, zeroed};
use gmmot_sys as sys;
use std::ptr::{self, NonNull};

/// The solver's report (`gmmot_ew_info`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EwInfo {
    /// Alternations (plan step + embedding step) summed over the starts.
    pub iterations: u64,
    /// The returned start stopped by `OptionKey::EwTolerance` (not by the iteration cap).
    pub converged: bool,
    /// The Riemannian gradient's Frobenius norm at the result, divided by the scale S.
    pub gradient_norm: f64,
    pub starts: u64,
    /// 0 the covariance start, then its sign flips, the annealed start, the random starts.
    pub best_start: u64,
}

/// A solved EW2 or MEW2 problem (`gmmot_ew_t`), immutable.
pub struct Ew {
    ptr: NonNull<sys::gmmot_ew_t>,
    warning: Option<Warning>,
}

// SAFETY: mew2.h's thread rule: a gmmot_ew_t is immutable after creation and may be read by any
// number of threads at once (the maps' lazy precomputation is synchronised in C).
unsafe impl Send for Ew {}
unsafe impl Sync for Ew {}

fn cloud(func: &str, name: &str, points: &[f64], dim: usize) -> Result<usize> {
    let n = rows(func, name, points.len(), dim)?;
    if n == 0 {
        return Err(Error::new(Status::Dimension, format!("{}: {} has no points", func, name)));
    }
    Ok(n)
}

impl Ew {
    fn from_out(out: *mut sys::gmmot_ew_t, warning: Option<Warning>) -> Ew {
        Ew { ptr: NonNull::new(out).expect("gmmot_ew2_create/gmmot_mew2_create: NULL handle"), warning }
    }

    /// EW2 between points0 (n0 x m row-major) and points1 (n1 x n), any m and n, with weights
    /// (>= 0, any scale; None: uniform). Options `OptionKey::Ew*` (but `EwInnerIterations`),
    /// `Seed`, `ExactMaxIterations`, `NumThreads`. Warns `Status::NotConverged` when the
    /// returned start reached `EwMaxIterations`.
    pub fn ew2(points0: &[f64], m: usize, weights0: Option<&[f64]>, points1: &[f64], n: usize, weights1: Option<&[f64]>, opts: Option<&Options>) -> Result<Ew> {
        const F: &str = "Ew::ew2";
        let n0 = cloud(F, "points0", points0, m)?;
        let n1 = cloud(F, "points1", points1, n)?;
        if let Some(w) = weights0 {
            expect_len(F, "weights0", w.len(), n0, "n0 = points0.len() / m")?;
        }
        if let Some(w) = weights1 {
            expect_len(F, "weights1", w.len(), n1, "n1 = points1.len() / n")?;
        }
        let mut out = ptr::null_mut();
        let st = call(opts, |o| unsafe {
            sys::gmmot_ew2_create(points0.as_ptr(), n0, m, opt_ptr(weights0), points1.as_ptr(), n1, n, opt_ptr(weights1), o, &mut out)
        });
        let warning = check(st)?;
        Ok(Ew::from_out(out, warning))
    }

    /// MEW2 between two mixtures of any dimensions; options those of `ew2` and
    /// `OptionKey::EwInnerIterations`. The result keeps the mixtures for the maps.
    pub fn mew2(g0: &Gmm, g1: &Gmm, opts: Option<&Options>) -> Result<Ew> {
        let mut out = ptr::null_mut();
        let st = call(opts, |o| unsafe { sys::gmmot_mew2_create(g0.as_ptr(), g1.as_ptr(), o, &mut out) });
        let warning = check(st)?;
        Ok(Ew::from_out(out, warning))
    }

    pub fn warning(&self) -> Option<&Warning> {
        self.warning.as_ref()
    }

    /// (rows, cols) of the plan: (n0, n1) for EW2, (K0, K1) for MEW2.
    pub fn shape(&self) -> (usize, usize) {
        unsafe { (sys::gmmot_ew_rows(self.ptr.as_ptr()), sys::gmmot_ew_cols(self.ptr.as_ptr())) }
    }

    /// (m, n): the dimensions of side 0 and side 1.
    pub fn dims(&self) -> (usize, usize) {
        unsafe { (sys::gmmot_ew_dim0(self.ptr.as_ptr()), sys::gmmot_ew_dim1(self.ptr.as_ptr())) }
    }

    pub fn nnz(&self) -> usize {
        unsafe { sys::gmmot_ew_nnz(self.ptr.as_ptr()) }
    }

    /// (EW2^2 or MEW2^2, its square root) at the returned plan and isometry.
    pub fn value(&self) -> Result<(f64, f64)> {
        let (mut v, mut r) = (0.0, 0.0);
        check_ok(unsafe { sys::gmmot_ew_value(self.ptr.as_ptr(), &mut v, &mut r) })?;
        Ok((v, r))
    }

    /// The plan, dense rows x cols row-major, a coupling of the normalised weights.
    pub fn plan(&self) -> Result<Vec<f64>> {
        let (r, c) = self.shape();
        let mut out = zeroed("Ew::plan", "the plan", mul("Ew::plan", "rows cols", r, c)?)?;
        check_ok(unsafe { sys::gmmot_ew_copy_plan(self.ptr.as_ptr(), out.as_mut_ptr(), out.len()) })?;
        Ok(out)
    }

    /// The plan's non-zeros sorted by (row, col).
    pub fn sparse_plan(&self) -> Result<SparsePlan> {
        let k = self.nnz();
        let (mut rows, mut cols, mut mass) = (vec![0usize; k], vec![0usize; k], vec![0.0; k]);
        if k > 0 {
            check_ok(unsafe { sys::gmmot_ew_copy_sparse_plan(self.ptr.as_ptr(), rows.as_mut_ptr(), cols.as_mut_ptr(), mass.as_mut_ptr(), k) })?;
        }
        Ok(SparsePlan { rows, cols, mass })
    }

    /// P, max(m, n) x min(m, n) row-major with orthonormal columns: it embeds the
    /// lower-dimensional side into the other's space (side 1 into side 0 when m >= n),
    /// y -> P (y - mean_small) + mean_large.
    pub fn isometry(&self) -> Result<Vec<f64>> {
        let (m, n) = self.dims();
        let mut out = vec![0.0; m * n];
        check_ok(unsafe { sys::gmmot_ew_copy_isometry(self.ptr.as_ptr(), out.as_mut_ptr(), out.len()) })?;
        Ok(out)
    }

    /// (mean0 (m), mean1 (n)): the weighted means removed before solving.
    pub fn means(&self) -> Result<(Vec<f64>, Vec<f64>)> {
        let (m, n) = self.dims();
        let (mut a, mut b) = (vec![0.0; m], vec![0.0; n]);
        check_ok(unsafe { sys::gmmot_ew_copy_means(self.ptr.as_ptr(), a.as_mut_ptr(), m, b.as_mut_ptr(), n) })?;
        Ok((a, b))
    }

    pub fn info(&self) -> Result<EwInfo> {
        let (mut it, mut conv, mut grad, mut starts, mut best) = (0u64, 0, 0.0, 0u64, 0u64);
        check_ok(unsafe { sys::gmmot_ew_info(self.ptr.as_ptr(), &mut it, &mut conv, &mut grad, &mut starts, &mut best) })?;
        Ok(EwInfo { iterations: it, converged: conv != 0, gradient_norm: grad, starts, best_start: best })
    }

    fn map_out(&self, func: &str, x: &[f64]) -> Result<(usize, Vec<f64>)> {
        let (m, n) = self.dims();
        let count = rows(func, "x", x.len(), m)?;
        Ok((count, zeroed(func, "the output", mul(func, "points n", count, n)?)?))
    }

    /// T_mean across dimensions for the points x (N x m row-major), to N x n: MEW2 results
    /// with m >= n (`Status::NoMap` when m < n, `Status::InvalidArgument` for EW2).
    pub fn map_mean(&self, x: &[f64], opts: Option<&Options>) -> Result<Vec<f64>> {
        let (count, mut out) = self.map_out("Ew::map_mean", x)?;
        let st = call(opts, |o| unsafe { sys::gmmot_mew2_map_mean(self.ptr.as_ptr(), count, x.as_ptr(), o, out.as_mut_ptr(), out.len()) });
        check_ok(st)?;
        Ok(out)
    }

    /// One draw of T_rand across dimensions at each point of x (seeded by `OptionKey::Seed`).
    pub fn map_rand(&self, x: &[f64], opts: Option<&Options>) -> Result<Vec<f64>> {
        let (count, mut out) = self.map_out("Ew::map_rand", x)?;
        let st = call(opts, |o| unsafe { sys::gmmot_mew2_map_rand(self.ptr.as_ptr(), count, x.as_ptr(), o, out.as_mut_ptr(), out.len()) });
        check_ok(st)?;
        Ok(out)
    }
}

impl Drop for Ew {
    fn drop(&mut self) {
        unsafe { sys::gmmot_ew_destroy(self.ptr.as_ptr()) }
    }
}

impl std::fmt::Debug for Ew {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ew").field("shape", &self.shape()).field("dims", &self.dims()).field("value", &self.value().ok()).finish()
    }
}
