// SPDX-License-Identifier: MIT
//! The MW2 distance between mixtures, its plan, coupling and geodesic (`gmmot/mw2.h`) and the
//! transport maps T_mean, T_rand (`gmmot/maps.h`).
use crate::error::{check, check_ok, Error, Result, Status, Warned, Warning};
use crate::gmm::Gmm;
use crate::options::{call, Options};
use crate::transport::{SolverInfo, SparsePlan};
use crate::util::{expect_len, mul, opt_ptr, rows, zeroed};
use gmmot_sys as sys;
use std::ptr::{self, NonNull};

/// An MW2 plan between two mixtures (`gmmot_mw2_t`): solved, or given by a relaxed fit.
pub struct Mw2Plan {
    ptr: NonNull<sys::gmmot_mw2_t>,
    warning: Option<Warning>,
}

// SAFETY: mw2.h's thread rule: a gmmot_mw2_t is immutable after creation and may be read by
// any number of threads at once (its lazily computed maps are computed once, safely); maps.h:
// any number of threads may map points with the same plan at once.
unsafe impl Send for Mw2Plan {}
unsafe impl Sync for Mw2Plan {}

/// The pair maps T_n(x) = A_n x + b_n in sparse-plan order: a nnz x d x d, b nnz x d.
#[derive(Clone, Debug, PartialEq)]
pub struct PairMaps {
    pub a: Vec<f64>,
    pub b: Vec<f64>,
}

/// MW2^2 between g0 and g1, without keeping the plan.
pub fn mw2_squared(g0: &Gmm, g1: &Gmm, opts: Option<&Options>) -> Result<Warned<f64>> {
    let mut v = 0.0;
    let st = call(opts, |o| unsafe { sys::gmmot_mw2_squared(g0.as_ptr(), g1.as_ptr(), o, &mut v) });
    Ok(Warned { warning: check(st)?, value: v })
}

pub(crate) fn cloud_dims(func: &str, p0: &[f64], p1: &[f64], d: usize, w0: Option<&[f64]>, w1: Option<&[f64]>) -> Result<(usize, usize)> {
    let n0 = rows(func, "points0", p0.len(), d)?;
    let n1 = rows(func, "points1", p1.len(), d)?;
    if n0 == 0 || n1 == 0 {
        return Err(Error::new(Status::Dimension, format!("{}: points0 and points1 must not be empty (n0 = {}, n1 = {})", func, n0, n1)));
    }
    if let Some(w) = w0 {
        expect_len(func, "weights0", w.len(), n0, "n0 = points0.len() / d")?;
    }
    if let Some(w) = w1 {
        expect_len(func, "weights1", w.len(), n1, "n1 = points1.len() / d")?;
    }
    Ok((n0, n1))
}

impl Mw2Plan {
    pub(crate) fn from_out(out: *mut sys::gmmot_mw2_t, warning: Option<Warning>, func: &str) -> Mw2Plan {
        Mw2Plan { ptr: NonNull::new(out).unwrap_or_else(|| panic!("{}: NULL handle on success", func)), warning }
    }

    /// The MW2 plan between g0 and g1 (exact by default; entropic with
    /// `OptionKey::TransportMethod`, which may warn `Status::NotConverged`).
    pub fn new(g0: &Gmm, g1: &Gmm, opts: Option<&Options>) -> Result<Mw2Plan> {
        let mut out = ptr::null_mut();
        let st = call(opts, |o| unsafe { sys::gmmot_mw2_create(g0.as_ptr(), g1.as_ptr(), o, &mut out) });
        let warning = check(st)?;
        Ok(Mw2Plan::from_out(out, warning, "gmmot_mw2_create"))
    }

    /// MW_{K,2} between two point clouds (n0 x d and n1 x d row-major, optional weights): an
    /// EM fit of each (`OptionKey::EmComponents`) then the plan between the fits.
    pub fn from_points(
        points0: &[f64],
        points1: &[f64],
        d: usize,
        weights0: Option<&[f64]>,
        weights1: Option<&[f64]>,
        opts: Option<&Options>,
    ) -> Result<Mw2Plan> {
        let (n0, n1) = cloud_dims("Mw2Plan::from_points", points0, points1, d, weights0, weights1)?;
        let mut out = ptr::null_mut();
        let st = call(opts, |o| unsafe {
            sys::gmmot_mw2_create_from_points(
                points0.as_ptr(),
                n0,
                points1.as_ptr(),
                n1,
                d,
                opt_ptr(weights0),
                opt_ptr(weights1),
                o,
                &mut out,
            )
        });
        let warning = check(st)?;
        Ok(Mw2Plan::from_out(out, warning, "gmmot_mw2_create_from_points"))
    }

    pub fn warning(&self) -> Option<&Warning> {
        self.warning.as_ref()
    }

    /// (MW2^2, MW2), or the cost of a given plan.
    pub fn distance(&self) -> Result<(f64, f64)> {
        let (mut sq, mut d) = (0.0, 0.0);
        check_ok(unsafe { sys::gmmot_mw2_distance(self.ptr.as_ptr(), &mut sq, &mut d) })?;
        Ok((sq, d))
    }

    pub fn rows(&self) -> usize {
        unsafe { sys::gmmot_mw2_rows(self.ptr.as_ptr()) }
    }
    pub fn cols(&self) -> usize {
        unsafe { sys::gmmot_mw2_cols(self.ptr.as_ptr()) }
    }
    pub fn dim(&self) -> usize {
        unsafe { sys::gmmot_mw2_dim(self.ptr.as_ptr()) }
    }
    pub fn nnz(&self) -> usize {
        unsafe { sys::gmmot_mw2_nnz(self.ptr.as_ptr()) }
    }

    /// The K0 x K1 matrix of component W2^2 costs.
    pub fn cost_matrix(&self) -> Result<Vec<f64>> {
        let mut out = vec![0.0; self.rows() * self.cols()];
        check_ok(unsafe { sys::gmmot_mw2_copy_cost_matrix(self.ptr.as_ptr(), out.as_mut_ptr(), out.len()) })?;
        Ok(out)
    }

    /// The dense component plan, K0 x K1.
    pub fn plan(&self) -> Result<Vec<f64>> {
        let mut out = vec![0.0; self.rows() * self.cols()];
        check_ok(unsafe { sys::gmmot_mw2_copy_plan(self.ptr.as_ptr(), out.as_mut_ptr(), out.len()) })?;
        Ok(out)
    }

    /// The plan's non-zeros; the n-th is the n-th coupling/geodesic component and pair map.
    pub fn sparse_plan(&self) -> Result<SparsePlan> {
        let n = self.nnz();
        let mut p = SparsePlan { rows: vec![0; n], cols: vec![0; n], mass: vec![0.0; n] };
        check_ok(unsafe {
            sys::gmmot_mw2_copy_sparse_plan(self.ptr.as_ptr(), p.rows.as_mut_ptr(), p.cols.as_mut_ptr(), p.mass.as_mut_ptr(), n)
        })?;
        Ok(p)
    }

    /// The transport duals (u: K0, v: K1); refused for a given plan (relaxed fit).
    pub fn duals(&self) -> Result<(Vec<f64>, Vec<f64>)> {
        let mut u = vec![0.0; self.rows()];
        let mut v = vec![0.0; self.cols()];
        check_ok(unsafe { sys::gmmot_mw2_copy_duals(self.ptr.as_ptr(), u.as_mut_ptr(), u.len(), v.as_mut_ptr(), v.len()) })?;
        Ok((u, v))
    }

    pub fn info(&self) -> Result<SolverInfo> {
        let (mut iterations, mut marginal_error) = (0u64, 0.0);
        check_ok(unsafe { sys::gmmot_mw2_info(self.ptr.as_ptr(), &mut iterations, &mut marginal_error) })?;
        Ok(SolverInfo { iterations, marginal_error })
    }

    /// The optimal coupling on R^{2d}, one component per plan non-zero.
    pub fn coupling(&self) -> Result<Gmm> {
        let mut out = ptr::null_mut();
        let warning = check(unsafe { sys::gmmot_mw2_coupling(self.ptr.as_ptr(), &mut out) })?;
        Ok(Gmm::from_out(out, warning, "gmmot_mw2_coupling"))
    }

    /// The MW2 geodesic at t in [0, 1].
    pub fn geodesic(&self, t: f64) -> Result<Gmm> {
        let mut out = ptr::null_mut();
        let warning = check(unsafe { sys::gmmot_mw2_geodesic(self.ptr.as_ptr(), t, &mut out) })?;
        Ok(Gmm::from_out(out, warning, "gmmot_mw2_geodesic"))
    }

    /// The Monge maps of the paired components.
    pub fn pair_maps(&self) -> Result<PairMaps> {
        let (n, d) = (self.nnz(), self.dim());
        let nd = mul("Mw2Plan::pair_maps", "nnz d", n, d)?;
        let mut a = zeroed("Mw2Plan::pair_maps", "A (nnz x d x d)", mul("Mw2Plan::pair_maps", "nnz d d", nd, d)?)?;
        let mut b = zeroed("Mw2Plan::pair_maps", "b (nnz x d)", nd)?;
        check_ok(unsafe { sys::gmmot_mw2_copy_pair_maps(self.ptr.as_ptr(), a.as_mut_ptr(), a.len(), b.as_mut_ptr(), b.len()) })?;
        Ok(PairMaps { a, b })
    }

    /// T_mean at the n points of x (n x d row-major).
    pub fn map_mean(&self, x: &[f64], opts: Option<&Options>) -> Result<Vec<f64>> {
        let n = rows("Mw2Plan::map_mean", "x", x.len(), self.dim())?;
        let mut out = vec![0.0; x.len()];
        let st = call(opts, |o| unsafe { sys::gmmot_mw2_map_mean(self.ptr.as_ptr(), n, x.as_ptr(), o, out.as_mut_ptr(), out.len()) });
        check_ok(st)?;
        Ok(out)
    }

    /// One draw of T_rand at each point of x (seeded by `OptionKey::Seed`).
    pub fn map_rand(&self, x: &[f64], opts: Option<&Options>) -> Result<Vec<f64>> {
        let n = rows("Mw2Plan::map_rand", "x", x.len(), self.dim())?;
        let mut out = vec![0.0; x.len()];
        let st = call(opts, |o| unsafe { sys::gmmot_mw2_map_rand(self.ptr.as_ptr(), n, x.as_ptr(), o, out.as_mut_ptr(), out.len()) });
        check_ok(st)?;
        Ok(out)
    }
}

impl Drop for Mw2Plan {
    fn drop(&mut self) {
        unsafe { sys::gmmot_mw2_destroy(self.ptr.as_ptr()) }
    }
}

impl std::fmt::Debug for Mw2Plan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mw2Plan").field("rows", &self.rows()).field("cols", &self.cols()).field("dim", &self.dim()).field("nnz", &self.nnz()).finish()
    }
}
