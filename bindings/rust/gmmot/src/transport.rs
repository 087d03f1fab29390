// SPDX-License-Identifier: MIT
//! Exact (network simplex) and entropic discrete transport between weight vectors
//! (`gmmot/transport.h`).
use crate::error::{check, check_ok, Error, Result, Status, Warning};
use crate::options::{call, Options};
use crate::util::{expect_len, mul};
use gmmot_sys as sys;
use std::ptr::{self, NonNull};

/// A sparse plan as parallel triplets sorted by (row, col).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SparsePlan {
    pub rows: Vec<usize>,
    pub cols: Vec<usize>,
    pub mass: Vec<f64>,
}

/// Solver figures: iterations (pivots or Sinkhorn iterations) and the plan's L1 marginal error.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SolverInfo {
    pub iterations: u64,
    pub marginal_error: f64,
}

/// A solved transport problem (`gmmot_transport_t`), immutable.
pub struct Transport {
    ptr: NonNull<sys::gmmot_transport_t>,
    warning: Option<Warning>,
}

// SAFETY: transport.h's thread rule: a gmmot_transport_t is immutable after creation and may be
// read by any number of threads at once.
unsafe impl Send for Transport {}
unsafe impl Sync for Transport {}

fn problem_dims(func: &str, a: &[f64], b: &[f64], cost: &[f64]) -> Result<(usize, usize)> {
    let (k0, k1) = (a.len(), b.len());
    if k0 == 0 || k1 == 0 {
        return Err(Error::new(Status::Dimension, format!("{}: a and b must not be empty (K0 = {}, K1 = {})", func, k0, k1)));
    }
    expect_len(func, "cost", cost.len(), mul(func, "K0 K1", k0, k1)?, "K0 x K1 = a.len() x b.len()")?;
    Ok((k0, k1))
}

impl Transport {
    fn from_out(out: *mut sys::gmmot_transport_t, warning: Option<Warning>) -> Transport {
        Transport { ptr: NonNull::new(out).expect("gmmot_transport_solve: NULL handle"), warning }
    }

    /// Solve min <C, P> over plans with marginals a (K0) and b (K1); cost is K0 x K1
    /// row-major. The method is `OptionKey::TransportMethod`. An entropic solve that reached
    /// its cap has `warning()` set (`Status::NotConverged`).
    pub fn solve(a: &[f64], b: &[f64], cost: &[f64], opts: Option<&Options>) -> Result<Transport> {
        let (k0, k1) = problem_dims("Transport::solve", a, b, cost)?;
        let mut out = ptr::null_mut();
        let st = call(opts, |o| unsafe {
            sys::gmmot_transport_solve(k0, k1, a.as_ptr(), b.as_ptr(), cost.as_ptr(), o, &mut out)
        });
        let warning = check(st)?;
        Ok(Transport::from_out(out, warning))
    }

    /// The exact solve warm-started from dual potentials u0 (K0) and v0 (K1).
    pub fn solve_warm(
        a: &[f64],
        b: &[f64],
        cost: &[f64],
        u0: &[f64],
        v0: &[f64],
        opts: Option<&Options>,
    ) -> Result<Transport> {
        const F: &str = "Transport::solve_warm";
        let (k0, k1) = problem_dims(F, a, b, cost)?;
        expect_len(F, "u0", u0.len(), k0, "K0 = a.len()")?;
        expect_len(F, "v0", v0.len(), k1, "K1 = b.len()")?;
        let mut out = ptr::null_mut();
        let st = call(opts, |o| unsafe {
            sys::gmmot_transport_solve_warm(
                k0,
                k1,
                a.as_ptr(),
                b.as_ptr(),
                cost.as_ptr(),
                u0.as_ptr(),
                v0.as_ptr(),
                o,
                &mut out,
            )
        });
        let warning = check(st)?;
        Ok(Transport::from_out(out, warning))
    }

    pub fn warning(&self) -> Option<&Warning> {
        self.warning.as_ref()
    }
    pub fn rows(&self) -> usize {
        unsafe { sys::gmmot_transport_rows(self.ptr.as_ptr()) }
    }
    pub fn cols(&self) -> usize {
        unsafe { sys::gmmot_transport_cols(self.ptr.as_ptr()) }
    }
    pub fn nnz(&self) -> usize {
        unsafe { sys::gmmot_transport_nnz(self.ptr.as_ptr()) }
    }

    /// sum_ij C_ij P_ij.
    pub fn cost(&self) -> Result<f64> {
        let mut c = 0.0;
        check_ok(unsafe { sys::gmmot_transport_cost(self.ptr.as_ptr(), &mut c) })?;
        Ok(c)
    }

    /// The dense plan, K0 x K1 row-major.
    pub fn plan(&self) -> Result<Vec<f64>> {
        let mut out = vec![0.0; self.rows() * self.cols()];
        check_ok(unsafe { sys::gmmot_transport_copy_plan(self.ptr.as_ptr(), out.as_mut_ptr(), out.len()) })?;
        Ok(out)
    }

    /// The plan's non-zeros.
    pub fn sparse_plan(&self) -> Result<SparsePlan> {
        let n = self.nnz();
        let mut p = SparsePlan { rows: vec![0; n], cols: vec![0; n], mass: vec![0.0; n] };
        check_ok(unsafe {
            sys::gmmot_transport_copy_sparse_plan(
                self.ptr.as_ptr(),
                p.rows.as_mut_ptr(),
                p.cols.as_mut_ptr(),
                p.mass.as_mut_ptr(),
                n,
            )
        })?;
        Ok(p)
    }

    /// The dual potentials (u: K0, v: K1), centred so that u.a = v.b.
    pub fn duals(&self) -> Result<(Vec<f64>, Vec<f64>)> {
        let mut u = vec![0.0; self.rows()];
        let mut v = vec![0.0; self.cols()];
        check_ok(unsafe {
            sys::gmmot_transport_copy_duals(self.ptr.as_ptr(), u.as_mut_ptr(), u.len(), v.as_mut_ptr(), v.len())
        })?;
        Ok((u, v))
    }

    pub fn info(&self) -> Result<SolverInfo> {
        let (mut iterations, mut marginal_error) = (0u64, 0.0);
        check_ok(unsafe { sys::gmmot_transport_info(self.ptr.as_ptr(), &mut iterations, &mut marginal_error) })?;
        Ok(SolverInfo { iterations, marginal_error })
    }
}

impl Drop for Transport {
    fn drop(&mut self) {
        unsafe { sys::gmmot_transport_destroy(self.ptr.as_ptr()) }
    }
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transport").field("rows", &self.rows()).field("cols", &self.cols()).field("nnz", &self.nnz()).finish()
    }
}
