// SPDX-License-Identifier: MIT
// EW2 and MEW2 across dimensions: an isometric copy at zero with the isometry and the
// correspondence recovered, EW2 in 2-D against a brute-force grid of rotations and reflections
// times all permutation plans, the value recomputed from the plan and isometry, MEW2 <= MW2 for
// m = n, the maps equal to the MW2 T_mean after the embedding, progress, and bad input.
use super::common::*;
use gmmot::{mw2_squared, Ew, Gmm, Mw2Plan, OptionKey, Options, Stage, Status};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

fn rot(theta: f64, reflect: bool) -> [f64; 4] {
    let (c, s) = (theta.cos(), theta.sin());
    if reflect {
        [c, s, s, -c]
    } else {
        [c, -s, s, c]
    }
}

fn apply(r: &[f64; 4], p: &[f64]) -> [f64; 2] {
    [r[0] * p[0] + r[1] * p[1], r[2] * p[0] + r[3] * p[1]]
}

fn centred(x: &[f64], d: usize) -> Vec<f64> {
    let n = x.len() / d;
    let mut out = x.to_vec();
    for j in 0..d {
        let mean = (0..n).map(|i| x[i * d + j]).sum::<f64>() / n as f64;
        for i in 0..n {
            out[i * d + j] -= mean;
        }
    }
    out
}

/// sum_kl w_kl |x_k - (P (y_l - mean1) + mean0)|^2 from the result's plan, isometry and means
/// (side 0 is the larger side: P is m x n).
fn loss(r: &Ew, x: &[f64], y: &[f64]) -> f64 {
    let ((m, n), (rows, cols)) = (r.dims(), r.shape());
    let (p, plan) = (r.isometry().unwrap(), r.plan().unwrap());
    let (m0, m1) = r.means().unwrap();
    let mut s = 0.0;
    for k in 0..rows {
        for l in 0..cols {
            let mut d2 = 0.0;
            for i in 0..m {
                let e: f64 = (0..n).map(|j| p[i * n + j] * (y[l * n + j] - m1[j])).sum::<f64>() + m0[i];
                d2 += (x[k * m + i] - e).powi(2);
            }
            s += plan[k * cols + l] * d2;
        }
    }
    s
}

#[test]
fn ew2_isometric_copy_recovers_the_isometry_and_the_correspondence() {
    let mut rng = Rng::new(3);
    let n = 7;
    let x: Vec<f64> = (0..n).flat_map(|_| vec![2.5 * rng.normal(), rng.normal()]).collect();
    let r = rot(0.7, true);
    let perm = [3, 0, 6, 1, 5, 2, 4];
    let y: Vec<f64> = perm.iter().flat_map(|&i| { let v = apply(&r, &x[2 * i..2 * i + 2]); vec![v[0] + 4.0, v[1] - 1.0] }).collect();
    let e = Ew::ew2(&x, 2, None, &y, 2, None, None).unwrap();
    assert!(e.warning().is_none());
    assert_eq!((e.shape(), e.dims()), ((n, n), (2, 2)));
    let (v, root) = e.value().unwrap();
    assert!(v.abs() <= 1e-10 && (root * root - v).abs() <= 1e-12, "{} {}", v, root);
    // P embeds side 1 into side 0, P = R^T.
    close_all(&e.isometry().unwrap(), &[r[0], r[2], r[1], r[3]], 1e-7, "P");
    let sp = e.sparse_plan().unwrap();
    assert_eq!(sp.rows.len(), n);
    assert_eq!(e.nnz(), n);
    for t in 0..n {
        assert_eq!(sp.rows[t], perm[sp.cols[t]]);
        close(sp.mass[t], 1.0 / n as f64, 1e-12, "mass");
    }
    let (m0, m1) = e.means().unwrap();
    close(m0[0], (0..n).map(|i| x[2 * i]).sum::<f64>() / n as f64, 1e-12, "mean0");
    close(m1[1], (0..n).map(|i| y[2 * i + 1]).sum::<f64>() / n as f64, 1e-12, "mean1");
    let info = e.info().unwrap();
    assert!(info.converged && info.gradient_norm < 1e-6 && info.best_start < info.starts);
}

#[test]
fn ew2_in_2d_against_a_brute_force_grid_of_isometries_and_permutations() {
    for seed in 1..4 {
        let mut rng = Rng::new(seed);
        let n = 5;
        let x: Vec<f64> = (0..n).flat_map(|_| vec![2.0 * rng.normal(), rng.normal()]).collect();
        let y: Vec<f64> = (0..n).flat_map(|_| vec![1.5 * rng.normal() + 3.0, rng.normal()]).collect();
        let (xc, yc) = (centred(&x, 2), centred(&y, 2));
        // Uniform weights and n = n: an optimal plan is a permutation (Birkhoff).
        let perms = permutations(n);
        let mut best = f64::INFINITY;
        let steps = 1440;
        for a in 0..steps {
            let theta = 2.0 * std::f64::consts::PI * a as f64 / steps as f64;
            for reflect in [false, true] {
                let r = rot(theta, reflect);
                let ry: Vec<[f64; 2]> = (0..n).map(|l| apply(&r, &yc[2 * l..2 * l + 2])).collect();
                for p in &perms {
                    let c: f64 = (0..n).map(|k| (xc[2 * k] - ry[p[k]][0]).powi(2) + (xc[2 * k + 1] - ry[p[k]][1]).powi(2)).sum();
                    best = best.min(c / n as f64);
                }
            }
        }
        let e = Ew::ew2(&x, 2, None, &y, 2, None, None).unwrap();
        let v = e.value().unwrap().0;
        let radius2 = xc.chunks(2).chain(yc.chunks(2)).map(|p| p[0] * p[0] + p[1] * p[1]).fold(0.0, f64::max);
        let slack = (std::f64::consts::PI / steps as f64 * 2.0).powi(2) * 4.0 * radius2;
        assert!(best - slack - 1e-12 <= v && v <= best + 1e-9, "seed {}: EW2^2 {} vs grid {}", seed, v, best);
        close(v, loss(&e, &x, &y), 1e-10, "value = loss at the plan and isometry");
    }
}

#[test]
fn ew2_embeds_a_line_into_the_plane() {
    let mut rng = Rng::new(5);
    let y: Vec<f64> = (0..6).map(|_| 2.0 * rng.normal()).collect();
    let u = [0.6, -0.8];
    let x: Vec<f64> = y.iter().flat_map(|&t| vec![u[0] * t + 1.0, u[1] * t + 2.0]).collect();
    let w = [1.0, 2.0, 1.0, 3.0, 1.0, 2.0];
    for (e, n) in [(Ew::ew2(&x, 2, Some(&w), &y, 1, Some(&w), None).unwrap(), 1), (Ew::ew2(&y, 1, Some(&w), &x, 2, Some(&w), None).unwrap(), 2)] {
        assert!(e.value().unwrap().0.abs() <= 1e-10);
        let p = e.isometry().unwrap();
        assert_eq!(p.len(), 2);
        close((p[0] * u[0] + p[1] * u[1]).abs(), 1.0, 1e-9, "P = +-u");
        assert_eq!(e.dims().1, n);
    }
}

fn random_gmm(rng: &mut Rng, k: usize, d: usize) -> Gmm {
    let mut w: Vec<f64> = (0..k).map(|_| 0.5 + rng.uniform()).collect();
    let total: f64 = w.iter().sum();
    w.iter_mut().for_each(|v| *v /= total);
    let means: Vec<f64> = (0..k * d).map(|_| 3.0 * rng.normal()).collect();
    let mut covs = Vec::new();
    for _ in 0..k {
        let a: Vec<f64> = (0..d * d).map(|_| rng.normal()).collect();
        for i in 0..d {
            for j in 0..d {
                let s: f64 = (0..d).map(|t| a[i * d + t] * a[j * d + t]).sum::<f64>() / d as f64;
                covs.push(s + if i == j { 0.2 } else { 0.0 });
            }
        }
    }
    Gmm::new(&w, &means, &covs).unwrap()
}

#[test]
fn mew2_below_mw2_and_zero_for_an_isometric_copy() {
    let mut rng = Rng::new(9);
    for _ in 0..3 {
        let (g0, g1) = (random_gmm(&mut rng, 3, 2), random_gmm(&mut rng, 3, 2));
        let e = Ew::mew2(&g0, &g1, None).unwrap();
        assert!(e.value().unwrap().0 <= *mw2_squared(&g0, &g1, None).unwrap() + 1e-9);
    }
    // 1-D: the copy x -> 3 - x (a reflection) has MEW2 = 0 and P = -1.
    let g0 = Gmm::new(&[0.2, 0.3, 0.5], &[0.0, 2.0, 7.0], &[1.0, 0.25, 4.0]).unwrap();
    let g1 = Gmm::new(&[0.5, 0.3, 0.2], &[-4.0, 1.0, 3.0], &[4.0, 0.25, 1.0]).unwrap();
    let e = Ew::mew2(&g0, &g1, None).unwrap();
    assert!(e.value().unwrap().0.abs() <= 1e-10, "{:?}", e.value());
    close(e.isometry().unwrap()[0], -1.0, 1e-12, "P");
    assert!(*mw2_squared(&g0, &g1, None).unwrap() > 1.0);
}

#[test]
fn mew2_maps_equal_the_mw2_t_mean_after_the_embedding() {
    let mut rng = Rng::new(11);
    let (g0, g1) = (random_gmm(&mut rng, 2, 2), random_gmm(&mut rng, 3, 1));
    let e = Ew::mew2(&g0, &g1, None).unwrap();
    let (p, (m0, m1)) = (e.isometry().unwrap(), e.means().unwrap());
    // mu - mean0 and nu' = P#(nu - mean1) in R^2 (nu' degenerate, on the range of P).
    let (w0, a0, s0) = (g0.weights().unwrap(), g0.means().unwrap(), g0.covariances().unwrap());
    let src_means: Vec<f64> = a0.chunks(2).flat_map(|a| vec![a[0] - m0[0], a[1] - m0[1]]).collect();
    let src = Gmm::new(&w0, &src_means, &s0).unwrap();
    let (w1, b1, s1) = (g1.weights().unwrap(), g1.means().unwrap(), g1.covariances().unwrap());
    let tgt_means: Vec<f64> = b1.iter().flat_map(|b| vec![p[0] * (b - m1[0]), p[1] * (b - m1[0])]).collect();
    let tgt_covs: Vec<f64> = s1.iter().flat_map(|s| vec![p[0] * p[0] * s, p[0] * p[1] * s, p[1] * p[0] * s, p[1] * p[1] * s]).collect();
    let tgt = Gmm::new(&w1, &tgt_means, &tgt_covs).unwrap();
    let mw = Mw2Plan::new(&src, &tgt, None).unwrap();
    close_all(&mw.plan().unwrap(), &e.plan().unwrap(), 1e-9, "plan");
    let x: Vec<f64> = (0..10).map(|_| 2.0 * rng.normal()).collect();
    let got = e.map_mean(&x, None).unwrap();
    assert_eq!(got.len(), 5);
    let xc: Vec<f64> = x.chunks(2).flat_map(|v| vec![v[0] - m0[0], v[1] - m0[1]]).collect();
    let t = mw.map_mean(&xc, None).unwrap();
    let want: Vec<f64> = t.chunks(2).map(|v| m1[0] + p[0] * v[0] + p[1] * v[1]).collect();
    close_all(&got, &want, 1e-9, "T_mean");
    let opts = Options::new().unwrap().with_int(OptionKey::Seed, 5).unwrap();
    let r1 = e.map_rand(&x, Some(&opts)).unwrap();
    assert_eq!(r1, e.map_rand(&x, Some(&opts)).unwrap());
    assert_eq!(r1.len(), 5);
    assert!(e.map_mean(&[], None).unwrap().is_empty());
}

#[test]
fn options_progress_and_the_report() {
    let mut rng = Rng::new(13);
    let x: Vec<f64> = (0..30).map(|_| rng.normal()).collect();
    let y: Vec<f64> = (0..20).map(|_| rng.normal()).collect();
    let seen = Arc::new(AtomicBool::new(false));
    let s2 = seen.clone();
    let mut opts = Options::new().unwrap().with_int(OptionKey::EwAnnealing, 0).unwrap().with_int(OptionKey::EwSignFlips, 0).unwrap().with_int(OptionKey::EwStarts, 2).unwrap().with_int(OptionKey::EwInnerIterations, 5).unwrap();
    opts.set_progress(move |stage, _, _, _| {
        if stage == Stage::Embedding {
            s2.store(true, Ordering::SeqCst);
        }
        true
    })
    .unwrap();
    let e = Ew::ew2(&x, 3, None, &y, 2, None, Some(&opts)).unwrap();
    assert_eq!(e.info().unwrap().starts, 3);
    assert!(seen.load(Ordering::SeqCst));
    let capped = Options::new().unwrap().with_int(OptionKey::EwMaxIterations, 1).unwrap().with_double(OptionKey::EwTolerance, 0.0).unwrap().with_double(OptionKey::EwEpsilon, 0.2).unwrap();
    let c = Ew::ew2(&x, 3, None, &y, 2, None, Some(&capped)).unwrap();
    assert_eq!(c.warning().unwrap().status(), Status::NotConverged);
    assert!(!c.info().unwrap().converged);
}

#[test]
fn bad_input() {
    let x = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0];
    let e = Ew::ew2(&x[..5], 2, None, &x, 3, None, None).err().unwrap();
    assert!(e.status() == Status::Dimension && e.message().contains("points0"), "{}", e);
    assert_eq!(Ew::ew2(&x, 2, None, &[], 1, None, None).err().unwrap().status(), Status::Dimension);
    let e = Ew::ew2(&x, 2, Some(&[1.0, 1.0]), &x, 3, None, None).err().unwrap();
    assert!(e.status() == Status::Dimension && e.message().contains("weights0"), "{}", e);
    let e = Ew::ew2(&x, 2, Some(&[1.0, -1.0, 1.0]), &x, 3, None, None).err().unwrap();
    assert!(e.status() == Status::Weights && e.message().contains("weights0"), "{}", e);
    let e = Ew::ew2(&x, 2, None, &x, 3, None, None).unwrap();
    assert_eq!(e.map_mean(&x, None).err().unwrap().status(), Status::InvalidArgument);
    let g1 = Gmm::new(&[1.0], &[0.0], &[1.0]).unwrap();
    let g2 = Gmm::new(&[0.5, 0.5], &[0.0, 0.0, 1.0, 1.0], &[1.0, 0.0, 0.0, 1.0, 2.0, 0.0, 0.0, 1.0]).unwrap();
    let up = Ew::mew2(&g1, &g2, None).unwrap();
    assert_eq!(up.map_mean(&[0.5], None).err().unwrap().status(), Status::NoMap);
    let down = Ew::mew2(&g2, &g1, None).unwrap();
    assert_eq!(down.map_rand(&[0.5], None).err().unwrap().status(), Status::Dimension);
    assert_eq!(down.map_mean(&[f64::NAN, 0.0], None).err().unwrap().status(), Status::Nonfinite);
}
