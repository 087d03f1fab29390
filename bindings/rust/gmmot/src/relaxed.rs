// SPDX-License-Identifier: MIT
//! The KL-relaxed coupled fit of one mixture on R^{2d} to two point clouds (`gmmot/relaxed.h`).
use crate::error::{check, check_ok, Error, Result, Status, Warning};
use crate::gmm::Gmm;
use crate::mw2::{cloud_dims, Mw2Plan};
use crate::options::{call, Options};
use crate::util::opt_ptr;
use gmmot_sys as sys;
use std::ptr::{self, NonNull};

/// J = transport - lambda_abs (ll0 + ll1) + penalty and its terms (data units).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RelaxedEnergy {
    pub energy: f64,
    pub transport: f64,
    pub ll0: f64,
    pub ll1: f64,
    pub penalty: f64,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RelaxedInfo {
    pub iterations: u64,
    pub converged: bool,
    pub lambda_abs: f64,
    pub scale2: f64,
}

/// One solve of a lambda path (one row of `gmmot_relaxed_path`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PathRow {
    pub lambda: f64,
    pub energy: f64,
    pub transport: f64,
    pub ll0: f64,
    pub ll1: f64,
    pub penalty: f64,
    pub iterations: u64,
    pub converged: bool,
}

/// A relaxed fit (`gmmot_relaxed_t`), immutable.
pub struct Relaxed {
    ptr: NonNull<sys::gmmot_relaxed_t>,
    warning: Option<Warning>,
}

// SAFETY: relaxed.h's thread rule: a gmmot_relaxed_t is immutable after creation and may be
// read by any number of threads at once; the handles it hands out stay valid after it is freed.
unsafe impl Send for Relaxed {}
unsafe impl Sync for Relaxed {}

impl Relaxed {
    fn from_out(out: *mut sys::gmmot_relaxed_t, warning: Option<Warning>) -> Relaxed {
        Relaxed { ptr: NonNull::new(out).expect("gmmot_relaxed_create: NULL handle"), warning }
    }

    /// Fit to points0 (n0 x d) and points1 (n1 x d) with optional weights; options
    /// `OptionKey::Relaxed*`. Warns `Status::NotConverged` at the iteration cap.
    pub fn fit(
        points0: &[f64],
        points1: &[f64],
        d: usize,
        weights0: Option<&[f64]>,
        weights1: Option<&[f64]>,
        opts: Option<&Options>,
    ) -> Result<Relaxed> {
        let (n0, n1) = cloud_dims("Relaxed::fit", points0, points1, d, weights0, weights1)?;
        let mut out = ptr::null_mut();
        let st = call(opts, |o| unsafe {
            sys::gmmot_relaxed_create(points0.as_ptr(), n0, points1.as_ptr(), n1, d, opt_ptr(weights0), opt_ptr(weights1), o, &mut out)
        });
        let warning = check(st)?;
        Ok(Relaxed::from_out(out, warning))
    }

    /// The same from the caller's start mixtures (K = `OptionKey::RelaxedComponents`
    /// components in dimension d each).
    #[allow(clippy::too_many_arguments)]
    pub fn fit_from(
        points0: &[f64],
        points1: &[f64],
        d: usize,
        weights0: Option<&[f64]>,
        weights1: Option<&[f64]>,
        start0: &Gmm,
        start1: &Gmm,
        opts: Option<&Options>,
    ) -> Result<Relaxed> {
        let (n0, n1) = cloud_dims("Relaxed::fit_from", points0, points1, d, weights0, weights1)?;
        let mut out = ptr::null_mut();
        let st = call(opts, |o| unsafe {
            sys::gmmot_relaxed_create_from(
                points0.as_ptr(),
                n0,
                points1.as_ptr(),
                n1,
                d,
                opt_ptr(weights0),
                opt_ptr(weights1),
                start0.as_ptr(),
                start1.as_ptr(),
                o,
                &mut out,
            )
        });
        let warning = check(st)?;
        Ok(Relaxed::from_out(out, warning))
    }

    /// The lambda continuation over decreasing `lambdas` (relative).
    pub fn fit_path(
        points0: &[f64],
        points1: &[f64],
        d: usize,
        weights0: Option<&[f64]>,
        weights1: Option<&[f64]>,
        lambdas: &[f64],
        opts: Option<&Options>,
    ) -> Result<Relaxed> {
        let (n0, n1) = cloud_dims("Relaxed::fit_path", points0, points1, d, weights0, weights1)?;
        if lambdas.is_empty() {
            return Err(Error::new(Status::InvalidArgument, "Relaxed::fit_path: lambdas is empty"));
        }
        let mut out = ptr::null_mut();
        let st = call(opts, |o| unsafe {
            sys::gmmot_relaxed_create_path(
                points0.as_ptr(),
                n0,
                points1.as_ptr(),
                n1,
                d,
                opt_ptr(weights0),
                opt_ptr(weights1),
                lambdas.as_ptr(),
                lambdas.len(),
                o,
                &mut out,
            )
        });
        let warning = check(st)?;
        Ok(Relaxed::from_out(out, warning))
    }

    pub fn warning(&self) -> Option<&Warning> {
        self.warning.as_ref()
    }

    /// gamma on R^{2d}.
    pub fn coupling(&self) -> Result<Gmm> {
        let mut out = ptr::null_mut();
        let w = check(unsafe { sys::gmmot_relaxed_coupling(self.ptr.as_ptr(), &mut out) })?;
        Ok(Gmm::from_out(out, w, "gmmot_relaxed_coupling"))
    }

    /// P0#gamma.
    pub fn marginal0(&self) -> Result<Gmm> {
        let mut out = ptr::null_mut();
        let w = check(unsafe { sys::gmmot_relaxed_marginal0(self.ptr.as_ptr(), &mut out) })?;
        Ok(Gmm::from_out(out, w, "gmmot_relaxed_marginal0"))
    }

    /// P1#gamma.
    pub fn marginal1(&self) -> Result<Gmm> {
        let mut out = ptr::null_mut();
        let w = check(unsafe { sys::gmmot_relaxed_marginal1(self.ptr.as_ptr(), &mut out) })?;
        Ok(Gmm::from_out(out, w, "gmmot_relaxed_marginal1"))
    }

    /// gamma's diagonal plan as an MW2 plan (maps, coupling, geodesic apply).
    pub fn plan(&self) -> Result<Mw2Plan> {
        let mut out = ptr::null_mut();
        let w = check(unsafe { sys::gmmot_relaxed_plan(self.ptr.as_ptr(), &mut out) })?;
        Ok(Mw2Plan::from_out(out, w, "gmmot_relaxed_plan"))
    }

    pub fn energy(&self) -> Result<RelaxedEnergy> {
        let mut e = RelaxedEnergy { energy: 0.0, transport: 0.0, ll0: 0.0, ll1: 0.0, penalty: 0.0 };
        check_ok(unsafe {
            sys::gmmot_relaxed_energy(self.ptr.as_ptr(), &mut e.energy, &mut e.transport, &mut e.ll0, &mut e.ll1, &mut e.penalty)
        })?;
        Ok(e)
    }

    pub fn info(&self) -> Result<RelaxedInfo> {
        let (mut it, mut conv, mut la, mut s2) = (0u64, 0, 0.0, 0.0);
        check_ok(unsafe { sys::gmmot_relaxed_info(self.ptr.as_ptr(), &mut it, &mut conv, &mut la, &mut s2) })?;
        Ok(RelaxedInfo { iterations: it, converged: conv != 0, lambda_abs: la, scale2: s2 })
    }

    /// J of every iterate, the start first.
    pub fn energies(&self) -> Result<Vec<f64>> {
        let mut count = 0usize;
        check_ok(unsafe { sys::gmmot_relaxed_energies(self.ptr.as_ptr(), ptr::null_mut(), 0, &mut count) })?;
        let mut out = vec![0.0; count];
        check_ok(unsafe { sys::gmmot_relaxed_energies(self.ptr.as_ptr(), out.as_mut_ptr(), out.len(), &mut count) })?;
        out.truncate(count);
        Ok(out)
    }

    /// Degenerate-component flags, 2K entries (entry 2k + c: component k in marginal c; bit 0
    /// few points, bit 1 held up by the regularisation).
    pub fn degenerate(&self) -> Result<Vec<i32>> {
        let k = self.marginal0()?.ncomponents();
        let mut flags = vec![0i32; 2 * k];
        check_ok(unsafe { sys::gmmot_relaxed_degenerate(self.ptr.as_ptr(), flags.as_mut_ptr(), flags.len(), ptr::null_mut()) })?;
        Ok(flags)
    }

    /// One row per lambda solved.
    pub fn path(&self) -> Result<Vec<PathRow>> {
        let mut nrows = 0usize;
        check_ok(unsafe { sys::gmmot_relaxed_path(self.ptr.as_ptr(), ptr::null_mut(), 0, &mut nrows) })?;
        let mut raw = vec![0.0; 8 * nrows];
        check_ok(unsafe { sys::gmmot_relaxed_path(self.ptr.as_ptr(), raw.as_mut_ptr(), raw.len(), &mut nrows) })?;
        Ok(raw
            .chunks_exact(8)
            .take(nrows)
            .map(|r| PathRow {
                lambda: r[0],
                energy: r[1],
                transport: r[2],
                ll0: r[3],
                ll1: r[4],
                penalty: r[5],
                iterations: r[6] as u64,
                converged: r[7] != 0.0,
            })
            .collect())
    }
}

impl Drop for Relaxed {
    fn drop(&mut self) {
        unsafe { sys::gmmot_relaxed_destroy(self.ptr.as_ptr()) }
    }
}

impl std::fmt::Debug for Relaxed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Relaxed").field("warning", &self.warning).finish()
    }
}
