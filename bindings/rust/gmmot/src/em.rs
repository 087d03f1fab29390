// SPDX-License-Identifier: MIT
//! Fitting mixtures to points by EM (`gmmot/em.h`).
use crate::error::{check, check_ok, Result};
use crate::gmm::Gmm;
use crate::options::{Interrupt, Options, Progress};
use crate::util::{expect_len, opt_ptr, rows};
use gmmot_sys as sys;
use std::ptr::{self, NonNull};
use std::sync::Arc;

/// Summary of the last successful fit.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EmInfo {
    pub mean_log_likelihood: f64,
    pub iterations: u64,
    pub converged: bool,
}

/// The work of the last successful fit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EmWork {
    pub passes: u64,
    pub moves: u64,
}

/// An EM fitter (`gmmot_em_t`) holding the fitting options, copied at creation.
pub struct Em {
    ptr: NonNull<sys::gmmot_em_t>,
    // The C object copied the callback's user_data and the flag's pointer: keep both alive.
    progress: Option<Arc<Progress>>,
    _interrupt: Option<Arc<Interrupt>>,
}

// SAFETY: em.h's thread rule: the functions on one gmmot_em_t need exclusive access, so Em is
// Send (usable from any one thread at a time; the C object has no thread affinity) but not Sync;
// `fit` takes &mut self, and the read-only getters take &self, which without Sync cannot run
// concurrently with a fit on another thread. The kept callback state and flag are Send + Sync.
unsafe impl Send for Em {}

impl Em {
    /// An EM object with the EM options, seed, thread count, progress callback and interrupt
    /// flag of `opts` (None: defaults).
    pub fn new(opts: Option<&Options>) -> Result<Em> {
        let mut out = ptr::null_mut();
        check_ok(unsafe { sys::gmmot_em_create(crate::options::raw(opts), &mut out) })?;
        let (progress, interrupt) = opts.map_or((None, None), |o| o.shared_state());
        Ok(Em { ptr: NonNull::new(out).expect("gmmot_em_create: NULL handle"), progress, _interrupt: interrupt })
    }

    /// Fit K components to the n points of `points` (n x d row-major) with optional weights
    /// (n entries). A fit that reached the iteration cap returns a mixture with `warning()`
    /// set (`Status::NotConverged`).
    pub fn fit(&mut self, points: &[f64], d: usize, weights: Option<&[f64]>) -> Result<Gmm> {
        let n = rows("Em::fit", "points", points.len(), d)?;
        if let Some(w) = weights {
            expect_len("Em::fit", "weights", w.len(), n, "n = points.len() / d")?;
        }
        let mut out = ptr::null_mut();
        let st = unsafe { sys::gmmot_em_fit(self.ptr.as_ptr(), n, d, points.as_ptr(), opt_ptr(weights), &mut out) };
        crate::options::resume_callback_panic();
        let warning = check(st)?;
        Ok(Gmm::from_out(out, warning, "gmmot_em_fit"))
    }

    /// The C handle, for the joint fit (em_joint.rs).
    pub(crate) fn raw(&mut self) -> *mut sys::gmmot_em_t {
        self.ptr.as_ptr()
    }

    pub fn info(&self) -> Result<EmInfo> {
        let (mut ll, mut it, mut conv) = (0.0, 0u64, 0);
        check_ok(unsafe { sys::gmmot_em_info(self.ptr.as_ptr(), &mut ll, &mut it, &mut conv) })?;
        Ok(EmInfo { mean_log_likelihood: ll, iterations: it, converged: conv != 0 })
    }

    pub fn work(&self) -> Result<EmWork> {
        let (mut passes, mut moves) = (0u64, 0u64);
        check_ok(unsafe { sys::gmmot_em_work(self.ptr.as_ptr(), &mut passes, &mut moves) })?;
        Ok(EmWork { passes, moves })
    }
}

impl Drop for Em {
    fn drop(&mut self) {
        unsafe { sys::gmmot_em_destroy(self.ptr.as_ptr()) }
    }
}

impl std::fmt::Debug for Em {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Em").field("progress", &self.progress.is_some()).finish()
    }
}
