// SPDX-License-Identifier: MIT
//! Optimal transport between Gaussians in closed form (`gmmot/gaussian.h`). A Gaussian is a
//! mean (d entries) and a covariance (d x d row-major); d is the first mean's length.
use crate::error::{check, check_ok, Error, Result, Status, Warned};
use crate::gmm::Gmm;
use crate::options::{call, Options};
use crate::util::{expect_len, mul, rows};
use gmmot_sys as sys;

fn pair_dims(func: &str, m0: &[f64], s0: &[f64], m1: &[f64], s1: &[f64]) -> Result<usize> {
    let d = m0.len();
    if d == 0 {
        return Err(Error::new(Status::Dimension, format!("{}: m0 is empty (d = 0)", func)));
    }
    let dd = mul(func, "d d", d, d)?;
    expect_len(func, "s0", s0.len(), dd, "d x d, d = m0.len()")?;
    expect_len(func, "m1", m1.len(), d, "d = m0.len()")?;
    expect_len(func, "s1", s1.len(), dd, "d x d, d = m0.len()")?;
    Ok(d)
}

/// W2^2 between N(m0, S0) and N(m1, S1).
pub fn w2_squared(m0: &[f64], s0: &[f64], m1: &[f64], s1: &[f64]) -> Result<Warned<f64>> {
    let d = pair_dims("gaussian::w2_squared", m0, s0, m1, s1)?;
    let mut w = 0.0;
    let st = unsafe {
        sys::gmmot_gaussian_w2_squared(d, m0.as_ptr(), s0.as_ptr(), m1.as_ptr(), s1.as_ptr(), &mut w)
    };
    Ok(Warned { warning: check(st)?, value: w })
}

/// The Monge map T(x) = A x + b (A d x d row-major) and its residual ||A S0 A - S1|| / ||S1||.
#[derive(Clone, Debug, PartialEq)]
pub struct MongeMap {
    pub a: Vec<f64>,
    pub b: Vec<f64>,
    pub residual: f64,
}

/// The optimal map pushing N(m0, S0) to N(m1, S1) (`Status::NoMap` when none exists).
pub fn monge_map(m0: &[f64], s0: &[f64], m1: &[f64], s1: &[f64]) -> Result<Warned<MongeMap>> {
    let d = pair_dims("gaussian::monge_map", m0, s0, m1, s1)?;
    let mut a = vec![0.0; d * d];
    let mut b = vec![0.0; d];
    let mut residual = 0.0;
    let st = unsafe {
        sys::gmmot_gaussian_monge_map(
            d,
            m0.as_ptr(),
            s0.as_ptr(),
            m1.as_ptr(),
            s1.as_ptr(),
            a.as_mut_ptr(),
            a.len(),
            b.as_mut_ptr(),
            b.len(),
            &mut residual,
        )
    };
    Ok(Warned { warning: check(st)?, value: MongeMap { a, b, residual } })
}

/// A Gaussian N(mean, cov), cov d x d row-major.
#[derive(Clone, Debug, PartialEq)]
pub struct Gaussian {
    pub mean: Vec<f64>,
    pub cov: Vec<f64>,
}

/// The point at time t in [0, 1] of the W2 geodesic from N(m0, S0) to N(m1, S1).
pub fn geodesic(m0: &[f64], s0: &[f64], m1: &[f64], s1: &[f64], t: f64) -> Result<Warned<Gaussian>> {
    let d = pair_dims("gaussian::geodesic", m0, s0, m1, s1)?;
    let mut mean = vec![0.0; d];
    let mut cov = vec![0.0; d * d];
    let st = unsafe {
        sys::gmmot_gaussian_geodesic(
            d,
            m0.as_ptr(),
            s0.as_ptr(),
            m1.as_ptr(),
            s1.as_ptr(),
            t,
            mean.as_mut_ptr(),
            mean.len(),
            cov.as_mut_ptr(),
            cov.len(),
        )
    };
    Ok(Warned { warning: check(st)?, value: Gaussian { mean, cov } })
}

/// The W2 barycenter of J Gaussians and how the fixed point went.
#[derive(Clone, Debug, PartialEq)]
pub struct GaussianBarycenter {
    pub mean: Vec<f64>,
    pub cov: Vec<f64>,
    pub iterations: u64,
    pub residual: f64,
}

fn family_dims(func: &str, weights: &[f64], means: &[f64], covs: &[f64]) -> Result<(usize, usize)> {
    let j = weights.len();
    if j == 0 {
        return Err(Error::new(Status::Dimension, format!("{}: weights is empty (J = 0)", func)));
    }
    let d = rows(func, "means", means.len(), j).map_err(|_| {
        Error::new(
            Status::Dimension,
            format!("{}: means has {} entries, not a multiple of J = weights.len() = {}", func, means.len(), j),
        )
    })?;
    if d == 0 {
        return Err(Error::new(Status::Dimension, format!("{}: means is empty (d = 0)", func)));
    }
    let jdd = mul(func, "J d d", mul(func, "J d", j, d)?, d)?;
    expect_len(func, "covs", covs.len(), jdd, "J x d x d")?;
    Ok((j, d))
}

/// The W2 barycenter of N(means[j], covs[j]) with weights (J = weights.len(), means J x d,
/// covs J x d x d). Warns `Status::NotConverged` when the iteration cap came first.
pub fn barycenter(
    weights: &[f64],
    means: &[f64],
    covs: &[f64],
    opts: Option<&Options>,
) -> Result<Warned<GaussianBarycenter>> {
    let (j, d) = family_dims("gaussian::barycenter", weights, means, covs)?;
    let mut mean = vec![0.0; d];
    let mut cov = vec![0.0; d * d];
    let (mut iterations, mut residual) = (0u64, 0.0);
    let st = call(opts, |o| unsafe {
        sys::gmmot_gaussian_barycenter(
            j,
            d,
            weights.as_ptr(),
            means.as_ptr(),
            covs.as_ptr(),
            o,
            mean.as_mut_ptr(),
            mean.len(),
            cov.as_mut_ptr(),
            cov.len(),
            &mut iterations,
            &mut residual,
        )
    });
    Ok(Warned { warning: check(st)?, value: GaussianBarycenter { mean, cov, iterations, residual } })
}

/// sum_j weights_j W2^2(N(means[j], covs[j]), barycenter).
pub fn multimarginal_cost(weights: &[f64], means: &[f64], covs: &[f64], opts: Option<&Options>) -> Result<Warned<f64>> {
    let (j, d) = family_dims("gaussian::multimarginal_cost", weights, means, covs)?;
    let mut cost = 0.0;
    let st = call(opts, |o| unsafe {
        sys::gmmot_gaussian_multimarginal_cost(j, d, weights.as_ptr(), means.as_ptr(), covs.as_ptr(), o, &mut cost)
    });
    Ok(Warned { warning: check(st)?, value: cost })
}

/// The K0 x K1 matrix of W2^2 between the components of g0 and g1, row-major.
pub fn w2_cost_matrix(g0: &Gmm, g1: &Gmm, opts: Option<&Options>) -> Result<Vec<f64>> {
    let len = mul("gaussian::w2_cost_matrix", "K0 K1", g0.ncomponents(), g1.ncomponents())?;
    let mut out = vec![0.0; len];
    let st = call(opts, |o| unsafe {
        sys::gmmot_w2_cost_matrix(g0.as_ptr(), g1.as_ptr(), o, out.as_mut_ptr(), out.len())
    });
    check_ok(st)?;
    Ok(out)
}
