// SPDX-License-Identifier: MIT
//! Barycenters of mixtures for MW2 (`gmmot/barycenter.h`): exact, fixed-support, fixed-point.
use crate::error::{check, check_ok, Error, Result, Status, Warning};
use crate::gmm::Gmm;
use crate::options::{call, Options};
use crate::transport::SparsePlan;
use crate::util::{expect_len, mul, rows};
use gmmot_sys as sys;
use std::ptr::{self, NonNull};

/// LP optimality certificates (absolute, cost units).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Certificate {
    pub primal_infeasibility: f64,
    pub dual_infeasibility: f64,
    pub duality_gap: f64,
}

/// Solver figures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BarycenterInfo {
    pub iterations: u64,
    pub tuple_costs: u64,
    pub pricing_rounds: u64,
}

/// A mixture barycenter (`gmmot_mw2_barycenter_t`), immutable.
pub struct Barycenter {
    ptr: NonNull<sys::gmmot_mw2_barycenter_t>,
    warning: Option<Warning>,
    // sum_j K_j of the inputs: the length of the LP duals.
    k_total: usize,
}

// SAFETY: barycenter.h's thread rule: a gmmot_mw2_barycenter_t is immutable after creation and
// may be read by any number of threads at once.
unsafe impl Send for Barycenter {}
unsafe impl Sync for Barycenter {}

fn inputs(func: &str, gmms: &[&Gmm], lambda: &[f64]) -> Result<Vec<*const sys::gmmot_gmm_t>> {
    if gmms.is_empty() {
        return Err(Error::new(Status::Dimension, format!("{}: gmms is empty (J = 0)", func)));
    }
    expect_len(func, "lambda", lambda.len(), gmms.len(), "J = gmms.len()")?;
    Ok(gmms.iter().map(|g| g.as_ptr()).collect())
}

impl Barycenter {
    fn from_out(out: *mut sys::gmmot_mw2_barycenter_t, warning: Option<Warning>, gmms: &[&Gmm]) -> Barycenter {
        let k_total = gmms.iter().map(|g| g.ncomponents()).sum();
        Barycenter { ptr: NonNull::new(out).expect("gmmot_mw2_barycenter: NULL handle"), warning, k_total }
    }

    /// The exact barycenter of `gmms` with weights `lambda` (one per mixture).
    pub fn exact(gmms: &[&Gmm], lambda: &[f64], opts: Option<&Options>) -> Result<Barycenter> {
        let raw = inputs("Barycenter::exact", gmms, lambda)?;
        let mut out = ptr::null_mut();
        let st = call(opts, |o| unsafe {
            sys::gmmot_mw2_barycenter_exact(raw.as_ptr(), raw.len(), lambda.as_ptr(), lambda.len(), o, &mut out)
        });
        let warning = check(st)?;
        Ok(Barycenter::from_out(out, warning, gmms))
    }

    /// The barycenter supported on the n Gaussians N(means[s], covs[s]) (means n x d, covs
    /// n x d x d, d the mixtures' dimension).
    pub fn fixed_support(
        gmms: &[&Gmm],
        lambda: &[f64],
        means: &[f64],
        covs: &[f64],
        opts: Option<&Options>,
    ) -> Result<Barycenter> {
        const F: &str = "Barycenter::fixed_support";
        let raw = inputs(F, gmms, lambda)?;
        let d = gmms[0].dim();
        let n = rows(F, "means", means.len(), d)?;
        expect_len(F, "covs", covs.len(), mul(F, "n d d", n, mul(F, "d d", d, d)?)?, "n x d x d, n = means.len() / d")?;
        let mut out = ptr::null_mut();
        let st = call(opts, |o| unsafe {
            sys::gmmot_mw2_barycenter_fixed_support(
                raw.as_ptr(),
                raw.len(),
                lambda.as_ptr(),
                lambda.len(),
                n,
                means.as_ptr(),
                means.len(),
                covs.as_ptr(),
                covs.len(),
                o,
                &mut out,
            )
        });
        let warning = check(st)?;
        Ok(Barycenter::from_out(out, warning, gmms))
    }

    /// The fixed-point barycenter from `init` (or random tuples when None). Warns
    /// `Status::NotConverged` when the iteration cap came first.
    pub fn fixed_point(gmms: &[&Gmm], lambda: &[f64], init: Option<&Gmm>, opts: Option<&Options>) -> Result<Barycenter> {
        let raw = inputs("Barycenter::fixed_point", gmms, lambda)?;
        let init = init.map_or(ptr::null(), |g| g.as_ptr());
        let mut out = ptr::null_mut();
        let st = call(opts, |o| unsafe {
            sys::gmmot_mw2_barycenter_fixed_point(raw.as_ptr(), raw.len(), lambda.as_ptr(), lambda.len(), init, o, &mut out)
        });
        let warning = check(st)?;
        Ok(Barycenter::from_out(out, warning, gmms))
    }

    pub fn warning(&self) -> Option<&Warning> {
        self.warning.as_ref()
    }

    /// The barycenter as a mixture.
    pub fn gmm(&self) -> Result<Gmm> {
        let mut out = ptr::null_mut();
        let warning = check(unsafe { sys::gmmot_mw2_barycenter_gmm(self.ptr.as_ptr(), &mut out) })?;
        Ok(Gmm::from_out(out, warning, "gmmot_mw2_barycenter_gmm"))
    }

    /// V = sum_j lambda_j MW2^2(barycenter, mu_j).
    pub fn cost(&self) -> Result<f64> {
        let mut c = 0.0;
        check_ok(unsafe { sys::gmmot_mw2_barycenter_cost(self.ptr.as_ptr(), &mut c) })?;
        Ok(c)
    }

    /// The number J of input mixtures.
    pub fn count(&self) -> usize {
        unsafe { sys::gmmot_mw2_barycenter_count(self.ptr.as_ptr()) }
    }

    /// The number of barycenter components.
    pub fn components(&self) -> usize {
        unsafe { sys::gmmot_mw2_barycenter_components(self.ptr.as_ptr()) }
    }

    /// Non-zeros of the plan to mu_j (0 for j out of range).
    pub fn plan_nnz(&self, j: usize) -> usize {
        unsafe { sys::gmmot_mw2_barycenter_plan_nnz(self.ptr.as_ptr(), j) }
    }

    /// The plan between the barycenter (rows) and mu_j (columns).
    pub fn plan(&self, j: usize) -> Result<SparsePlan> {
        if j >= self.count() {
            return Err(Error::new(Status::InvalidArgument, format!("Barycenter::plan: j = {} >= J = {}", j, self.count())));
        }
        let n = self.plan_nnz(j);
        let mut p = SparsePlan { rows: vec![0; n], cols: vec![0; n], mass: vec![0.0; n] };
        check_ok(unsafe {
            sys::gmmot_mw2_barycenter_copy_plan(self.ptr.as_ptr(), j, p.rows.as_mut_ptr(), p.cols.as_mut_ptr(), p.mass.as_mut_ptr(), n)
        })?;
        Ok(p)
    }

    /// The tuple of each component, components x J row-major (exact and true fixed point).
    pub fn tuples(&self) -> Result<Vec<usize>> {
        let mut out = vec![0usize; self.components() * self.count()];
        check_ok(unsafe { sys::gmmot_mw2_barycenter_copy_tuples(self.ptr.as_ptr(), out.as_mut_ptr(), out.len()) })?;
        Ok(out)
    }

    /// The LP dual potentials u_j(k), sum_j K_j entries in mixture order (refused for the
    /// fixed point).
    pub fn duals(&self) -> Result<Vec<f64>> {
        let mut out = vec![0.0; self.k_total];
        check_ok(unsafe { sys::gmmot_mw2_barycenter_copy_duals(self.ptr.as_ptr(), out.as_mut_ptr(), out.len()) })?;
        Ok(out)
    }

    pub fn certificate(&self) -> Result<Certificate> {
        let (mut p, mut d, mut g) = (0.0, 0.0, 0.0);
        check_ok(unsafe { sys::gmmot_mw2_barycenter_certificate(self.ptr.as_ptr(), &mut p, &mut d, &mut g) })?;
        Ok(Certificate { primal_infeasibility: p, dual_infeasibility: d, duality_gap: g })
    }

    pub fn info(&self) -> Result<BarycenterInfo> {
        let (mut it, mut tc, mut pr) = (0u64, 0u64, 0u64);
        check_ok(unsafe { sys::gmmot_mw2_barycenter_info(self.ptr.as_ptr(), &mut it, &mut tc, &mut pr) })?;
        Ok(BarycenterInfo { iterations: it, tuple_costs: tc, pricing_rounds: pr })
    }

    /// The energies: V per fixed-point iterate (start first), or the LP's single V.
    pub fn energies(&self) -> Result<Vec<f64>> {
        let n = unsafe { sys::gmmot_mw2_barycenter_energies_len(self.ptr.as_ptr()) };
        let mut out = vec![0.0; n];
        check_ok(unsafe { sys::gmmot_mw2_barycenter_copy_energies(self.ptr.as_ptr(), out.as_mut_ptr(), out.len()) })?;
        Ok(out)
    }
}

impl Drop for Barycenter {
    fn drop(&mut self) {
        unsafe { sys::gmmot_mw2_barycenter_destroy(self.ptr.as_ptr()) }
    }
}

impl std::fmt::Debug for Barycenter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Barycenter").field("count", &self.count()).field("components", &self.components()).finish()
    }
}
