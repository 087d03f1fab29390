// SPDX-License-Identifier: MIT
//! Joint EM fits of several data sets with one shared component family (`gmmot_em_fit_joint`,
//! `gmmot/em.h`): for Student-t mixtures (`OptionKey::EmFamily` = 1) one nu for all outputs, so
//! that MW2 can compare them.
use crate::em::Em;
use crate::error::{check, Result};
use crate::gmm::Gmm;
use crate::util::{expect_len, rows};
use gmmot_sys as sys;
use std::ptr;

impl Em {
    /// One mixture per data set: `datasets[i]` holds n_i points of dimension `d` (row-major);
    /// `weights`: None (all 1), or one entry per data set, each None (all 1) or n_i weights.
    /// With the Student-t family and nu estimated, the fits share one nu (em.h); `info()` then
    /// gives the sum of the mean log-likelihoods. A fit that reached the iteration cap returns
    /// mixtures with `warning()` set.
    pub fn fit_joint(&mut self, datasets: &[&[f64]], d: usize, weights: Option<&[Option<&[f64]>]>) -> Result<Vec<Gmm>> {
        let j = datasets.len();
        let mut n = Vec::with_capacity(j);
        for (i, x) in datasets.iter().enumerate() {
            n.push(rows("Em::fit_joint", &format!("datasets[{}]", i), x.len(), d)?);
        }
        if let Some(w) = weights {
            expect_len("Em::fit_joint", "weights", w.len(), j, "one entry per data set")?;
            for (i, wi) in w.iter().enumerate() {
                if let Some(wi) = wi {
                    expect_len("Em::fit_joint", &format!("weights[{}]", i), wi.len(), n[i], "n_i = datasets[i].len() / d")?;
                }
            }
        }
        let pts: Vec<*const f64> = datasets.iter().map(|x| x.as_ptr()).collect();
        let wts: Option<Vec<*const f64>> =
            weights.map(|w| w.iter().map(|wi| wi.map_or(ptr::null(), |s| s.as_ptr())).collect());
        let mut out: Vec<*mut sys::gmmot_gmm_t> = vec![ptr::null_mut(); j];
        let st = unsafe {
            sys::gmmot_em_fit_joint(
                self.raw(),
                j,
                d,
                n.as_ptr(),
                pts.as_ptr(),
                wts.as_ref().map_or(ptr::null(), |w| w.as_ptr()),
                out.as_mut_ptr(),
            )
        };
        crate::options::resume_callback_panic();
        let warning = check(st)?;
        Ok(out.into_iter().map(|p| Gmm::from_out(p, warning.clone(), "gmmot_em_fit_joint")).collect())
    }
}
