// SPDX-License-Identifier: MIT
//! MGW2 between mixtures of any dimensions and the square-loss Gromov-Wasserstein solver
//! (`gmmot/gromov.h`).
use crate::error::{check, check_ok, Error, Result, Status, Warned, Warning};
use crate::gmm::Gmm;
use crate::options::{call, Options};
use crate::util::{expect_len, mul};
use gmmot_sys as sys;
use std::ptr::{self, NonNull};

/// The solver's report (`gmmot_gw_info`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GwInfo {
    /// Frank-Wolfe steps summed over the starts.
    pub iterations: u64,
    /// The returned plan's Frank-Wolfe gap, relative to the problem's scale.
    pub gap: f64,
    /// gap <= `OptionKey::GwTolerance`: a first-order stationary point.
    pub certified: bool,
    pub starts: u64,
    /// 0 the product coupling, 1 the annealed start (when on), then the random starts.
    pub best_start: u64,
}

/// A solved Gromov-Wasserstein problem (`gmmot_gw_t`), immutable.
pub struct Gromov {
    ptr: NonNull<sys::gmmot_gw_t>,
    warning: Option<Warning>,
}

// SAFETY: gromov.h's thread rule: a gmmot_gw_t is immutable after creation and may be read by
// any number of threads at once.
unsafe impl Send for Gromov {}
unsafe impl Sync for Gromov {}

impl Gromov {
    fn from_out(out: *mut sys::gmmot_gw_t, warning: Option<Warning>) -> Gromov {
        Gromov { ptr: NonNull::new(out).expect("gmmot_gw_create: NULL handle"), warning }
    }

    /// MGW2 between two mixtures of any dimensions; options `OptionKey::Gw*`, `Seed`,
    /// `ExactMaxIterations`. Warns `Status::NotConverged` when the plan is not certified.
    pub fn mgw2(g0: &Gmm, g1: &Gmm, opts: Option<&Options>) -> Result<Gromov> {
        let mut out = ptr::null_mut();
        let st = call(opts, |o| unsafe { sys::gmmot_mgw2_create(g0.as_ptr(), g1.as_ptr(), o, &mut out) });
        let warning = check(st)?;
        Ok(Gromov::from_out(out, warning))
    }

    /// Square-loss Gromov-Wasserstein between symmetric c0 (K0 x K0, K0 = a.len()) and c1
    /// (K1 x K1, K1 = b.len()), row-major.
    pub fn solve(a: &[f64], c0: &[f64], b: &[f64], c1: &[f64], opts: Option<&Options>) -> Result<Gromov> {
        const F: &str = "Gromov::solve";
        let (k0, k1) = (a.len(), b.len());
        if k0 == 0 || k1 == 0 {
            return Err(Error::new(Status::Dimension, format!("{}: a and b must not be empty (K0 = {}, K1 = {})", F, k0, k1)));
        }
        expect_len(F, "c0", c0.len(), mul(F, "K0 K0", k0, k0)?, "K0 x K0 = a.len() x a.len()")?;
        expect_len(F, "c1", c1.len(), mul(F, "K1 K1", k1, k1)?, "K1 x K1 = b.len() x b.len()")?;
        let mut out = ptr::null_mut();
        let st = call(opts, |o| unsafe {
            sys::gmmot_gw_create(k0, a.as_ptr(), c0.as_ptr(), k1, b.as_ptr(), c1.as_ptr(), o, &mut out)
        });
        let warning = check(st)?;
        Ok(Gromov::from_out(out, warning))
    }

    pub fn warning(&self) -> Option<&Warning> {
        self.warning.as_ref()
    }

    /// (K0, K1).
    pub fn shape(&self) -> (usize, usize) {
        unsafe { (sys::gmmot_gw_rows(self.ptr.as_ptr()), sys::gmmot_gw_cols(self.ptr.as_ptr())) }
    }

    /// (the objective at the plan, its square root): (MGW2^2, MGW2) for `mgw2`.
    pub fn value(&self) -> Result<(f64, f64)> {
        let (mut v, mut r) = (0.0, 0.0);
        check_ok(unsafe { sys::gmmot_gw_value(self.ptr.as_ptr(), &mut v, &mut r) })?;
        Ok((v, r))
    }

    /// The plan, dense K0 x K1 row-major.
    pub fn plan(&self) -> Result<Vec<f64>> {
        let (k0, k1) = self.shape();
        let mut out = vec![0.0; k0 * k1];
        check_ok(unsafe { sys::gmmot_gw_copy_plan(self.ptr.as_ptr(), out.as_mut_ptr(), out.len()) })?;
        Ok(out)
    }

    /// (D0 (K0 x K0), D1 (K1 x K1)): the problem's matrices.
    pub fn cost_matrices(&self) -> Result<(Vec<f64>, Vec<f64>)> {
        let (k0, k1) = self.shape();
        let (mut d0, mut d1) = (vec![0.0; k0 * k0], vec![0.0; k1 * k1]);
        check_ok(unsafe {
            sys::gmmot_gw_copy_cost_matrices(self.ptr.as_ptr(), d0.as_mut_ptr(), d0.len(), d1.as_mut_ptr(), d1.len())
        })?;
        Ok((d0, d1))
    }

    pub fn info(&self) -> Result<GwInfo> {
        let (mut it, mut gap, mut cert, mut starts, mut best) = (0u64, 0.0, 0, 0u64, 0u64);
        check_ok(unsafe { sys::gmmot_gw_info(self.ptr.as_ptr(), &mut it, &mut gap, &mut cert, &mut starts, &mut best) })?;
        Ok(GwInfo { iterations: it, gap, certified: cert != 0, starts, best_start: best })
    }
}

impl Drop for Gromov {
    fn drop(&mut self) {
        unsafe { sys::gmmot_gw_destroy(self.ptr.as_ptr()) }
    }
}

fn square_dim(func: &str, name: &str, cov: &[f64]) -> Result<usize> {
    let d = (cov.len() as f64).sqrt().round() as usize;
    if d == 0 || d * d != cov.len() {
        return Err(Error::new(Status::Dimension, format!("{}: {} has {} entries, not a non-empty d x d matrix", func, name, cov.len())));
    }
    Ok(d)
}

/// GGW^2, the Gaussian Gromov-Wasserstein closed form (`gmmot_gaussian_gw`) between N(., cov0)
/// (m x m) and N(., cov1) (n x n), any m and n (the means do not enter the value).
pub fn gaussian_gw(cov0: &[f64], cov1: &[f64]) -> Result<Warned<f64>> {
    const F: &str = "gromov::gaussian_gw";
    let (m, n) = (square_dim(F, "cov0", cov0)?, square_dim(F, "cov1", cov1)?);
    let mut v = 0.0;
    let w = check(unsafe {
        sys::gmmot_gaussian_gw(m, ptr::null(), cov0.as_ptr(), n, ptr::null(), cov1.as_ptr(), &mut v, ptr::null_mut(), 0, ptr::null_mut(), 0)
    })?;
    Ok(Warned { value: v, warning: w })
}

/// GGW^2 and the optimal map x -> A x + b (A: n x m row-major, b: n) from N(mean0, cov0) on R^m
/// onto N(mean1, cov1) on R^n, for m >= n (`Status::NoMap` otherwise).
pub fn gaussian_gw_map(mean0: &[f64], cov0: &[f64], mean1: &[f64], cov1: &[f64]) -> Result<Warned<(f64, Vec<f64>, Vec<f64>)>> {
    const F: &str = "gromov::gaussian_gw_map";
    let (m, n) = (square_dim(F, "cov0", cov0)?, square_dim(F, "cov1", cov1)?);
    expect_len(F, "mean0", mean0.len(), m, "m, cov0 being m x m")?;
    expect_len(F, "mean1", mean1.len(), n, "n, cov1 being n x n")?;
    let (mut v, mut a, mut b) = (0.0, vec![0.0; n * m], vec![0.0; n]);
    let w = check(unsafe {
        sys::gmmot_gaussian_gw(m, mean0.as_ptr(), cov0.as_ptr(), n, mean1.as_ptr(), cov1.as_ptr(), &mut v, a.as_mut_ptr(), a.len(), b.as_mut_ptr(), b.len())
    })?;
    Ok(Warned { value: (v, a, b), warning: w })
}
