// SPDX-License-Identifier: MIT
// MW2 between 1-D mixtures against hand computations: W2^2 of 1-D Gaussians for the costs and
// the one-parameter family of 2 x 2 plans for the LP.
use super::common::*;
use gmmot::{gaussian, mw2_squared, Gmm, Mw2Plan, OptionKey, Options, Status};

const A: [f64; 2] = [0.5, 0.5];
const M0: [f64; 2] = [0.0, 4.0];
const S0: [f64; 2] = [1.0, 1.5];
const B: [f64; 2] = [0.3, 0.7];
const M1: [f64; 2] = [1.0, 5.0];
const S1: [f64; 2] = [2.0, 0.5];

fn mixtures() -> (Gmm, Gmm) {
    let sq = |s: [f64; 2]| [s[0] * s[0], s[1] * s[1]];
    (Gmm::new(&A, &M0, &sq(S0)).unwrap(), Gmm::new(&B, &M1, &sq(S1)).unwrap())
}

/// The optimal 2 x 2 plan: w00 = t, w01 = a0 - t, w10 = b0 - t, w11 = 1 - a0 - b0 + t, the
/// cost linear in t on [max(0, a0 - b1), min(a0, b0)], so an endpoint is optimal.
fn hand_plan() -> (f64, [f64; 4]) {
    let c = |k: usize, l: usize| w2_1d(M0[k], S0[k], M1[l], S1[l]);
    let plan = |t: f64| [t, A[0] - t, B[0] - t, 1.0 - A[0] - B[0] + t];
    let cost = |p: [f64; 4]| p[0] * c(0, 0) + p[1] * c(0, 1) + p[2] * c(1, 0) + p[3] * c(1, 1);
    let (lo, hi) = (plan((A[0] - B[1]).max(0.0)), plan(A[0].min(B[0])));
    if cost(lo) <= cost(hi) {
        (cost(lo), lo)
    } else {
        (cost(hi), hi)
    }
}

#[test]
fn two_by_two_plan_matches_the_hand_computation() {
    let (g0, g1) = mixtures();
    let (best, plan) = hand_plan();
    let p = Mw2Plan::new(&g0, &g1, None).unwrap();
    assert!(p.warning().is_none());
    let (sq, d) = p.distance().unwrap();
    close(sq, best, 1e-14, "MW2^2");
    close(d, best.sqrt(), 1e-14, "MW2");
    close(*mw2_squared(&g0, &g1, None).unwrap(), best, 1e-14, "mw2_squared");
    close_all(&p.plan().unwrap(), &plan, 1e-15, "plan");
    assert_eq!((p.rows(), p.cols(), p.dim()), (2, 2, 1));
    let c = p.cost_matrix().unwrap();
    for k in 0..2 {
        for l in 0..2 {
            close(c[k * 2 + l], w2_1d(M0[k], S0[k], M1[l], S1[l]), 1e-14, "cost matrix");
        }
    }
    let (u, v) = p.duals().unwrap();
    for k in 0..2 {
        for l in 0..2 {
            assert!(u[k] + v[l] <= c[k * 2 + l] + 1e-12);
        }
    }
    close(u[0] * A[0] + u[1] * A[1] + v[0] * B[0] + v[1] * B[1], best, 1e-12, "dual objective");
    assert!(p.info().unwrap().marginal_error < 1e-15);
}

#[test]
fn coupling_geodesic_and_pair_maps_follow_the_plan() {
    let (g0, g1) = mixtures();
    let p = Mw2Plan::new(&g0, &g1, None).unwrap();
    let sp = p.sparse_plan().unwrap();
    assert_eq!(sp.mass.len(), p.nnz());
    let coupling = p.coupling().unwrap();
    assert_eq!((coupling.ncomponents(), coupling.dim()), (p.nnz(), 2));
    let (cw, cm, cc) = (coupling.weights().unwrap(), coupling.means().unwrap(), coupling.covariances().unwrap());
    let t = 0.3;
    let geo = p.geodesic(t).unwrap();
    let (gw, gm, gc) = (geo.weights().unwrap(), geo.means().unwrap(), geo.covariances().unwrap());
    let maps = p.pair_maps().unwrap();
    for n in 0..p.nnz() {
        let (k, l) = (sp.rows[n], sp.cols[n]);
        close(cw[n], sp.mass[n], 1e-15, "coupling weight");
        close_all(&cm[2 * n..2 * n + 2], &[M0[k], M1[l]], 1e-15, "coupling mean");
        // [[s0^2, s0 s1], [s0 s1, s1^2]]: the comonotone coupling of two 1-D Gaussians.
        close_all(&cc[4 * n..4 * n + 4], &[S0[k] * S0[k], S0[k] * S1[l], S0[k] * S1[l], S1[l] * S1[l]], 1e-14, "coupling cov");
        close(gw[n], sp.mass[n], 1e-15, "geodesic weight");
        close(gm[n], (1.0 - t) * M0[k] + t * M1[l], 1e-14, "geodesic mean");
        close(gc[n], ((1.0 - t) * S0[k] + t * S1[l]).powi(2), 1e-14, "geodesic cov");
        let m = gaussian::monge_map(&[M0[k]], &[S0[k] * S0[k]], &[M1[l]], &[S1[l] * S1[l]]).unwrap();
        close(maps.a[n], S1[l] / S0[k], 1e-14, "A");
        close(maps.a[n], m.a[0], 1e-14, "A vs gaussian::monge_map");
        close(maps.b[n], M1[l] - S1[l] / S0[k] * M0[k], 1e-14, "b");
    }
    let e = p.geodesic(-0.1).unwrap_err();
    assert_eq!(e.status(), Status::InvalidArgument);
}

#[test]
fn maps_match_the_posterior_formulas() {
    let (g0, g1) = mixtures();
    let p = Mw2Plan::new(&g0, &g1, None).unwrap();
    let plan = p.plan().unwrap();
    let xs = [-1.0, 0.5, 2.0, 3.7, 6.0];
    let got = p.map_mean(&xs, None).unwrap();
    let normal = |x: f64, m: f64, s: f64| (-(x - m).powi(2) / (2.0 * s * s)).exp() / s;
    for (i, &x) in xs.iter().enumerate() {
        let r = [plan[0] + plan[1], plan[2] + plan[3]];
        let dens: Vec<f64> = (0..2).map(|k| r[k] * normal(x, M0[k], S0[k])).collect();
        let z: f64 = dens.iter().sum();
        let mut y = 0.0;
        for k in 0..2 {
            for l in 0..2 {
                let w = plan[k * 2 + l] / r[k];
                y += dens[k] / z * w * (S1[l] / S0[k] * (x - M0[k]) + M1[l]);
            }
        }
        close(got[i], y, 1e-13, "T_mean");
    }
    let opts = Options::new().unwrap().with_int(OptionKey::Seed, 7).unwrap();
    let r1 = p.map_rand(&xs, Some(&opts)).unwrap();
    assert_eq!(r1, p.map_rand(&xs, Some(&opts)).unwrap());
    let sp = p.sparse_plan().unwrap();
    for (i, &x) in xs.iter().enumerate() {
        let hit = (0..sp.mass.len()).any(|n| {
            let (k, l) = (sp.rows[n], sp.cols[n]);
            (r1[i] - (S1[l] / S0[k] * (x - M0[k]) + M1[l])).abs() < 1e-12
        });
        assert!(hit, "T_rand({}) = {} is no pair map's image", x, r1[i]);
    }
    let e = Mw2Plan::new(&g0, &Gmm::new(&[1.0], &[0.0, 0.0], &diag(&[1.0, 1.0])).unwrap(), None).unwrap_err();
    assert_eq!(e.status(), Status::Dimension);
    let e = p.map_mean(&[f64::NAN], None).unwrap_err();
    assert_eq!(e.status(), Status::Nonfinite);
}

#[test]
fn from_points_with_one_component_is_w2_of_the_sample_moments() {
    let mut rng = Rng::new(3);
    let p0: Vec<f64> = (0..500).map(|_| 1.0 + 2.0 * rng.normal()).collect();
    let p1: Vec<f64> = (0..400).map(|_| -3.0 + 0.5 * rng.normal()).collect();
    let moments = |v: &[f64]| {
        let m = v.iter().sum::<f64>() / v.len() as f64;
        (m, v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / v.len() as f64)
    };
    let ((m0, v0), (m1, v1)) = (moments(&p0), moments(&p1));
    let opts = Options::new().unwrap().with_int(OptionKey::EmComponents, 1).unwrap();
    let p = Mw2Plan::from_points(&p0, &p1, 1, None, None, Some(&opts)).unwrap();
    // EM with K = 1 gives the sample moments (its regularisation adds 1e-6 of the variance).
    close(p.distance().unwrap().0, w2_1d(m0, v0.sqrt(), m1, v1.sqrt()), 1e-5, "MW2^2 of the fits");
    let e = Mw2Plan::from_points(&p0, &p1, 1, Some(&[1.0; 3]), None, Some(&opts)).unwrap_err();
    assert_eq!(e.status(), Status::Dimension);
    assert!(e.message().contains("weights0"), "{}", e);
}

#[test]
fn uniform_mixtures_with_diagonal_covariances_match_brute_force() {
    // K = 5 components with equal weights in 2-D: an optimal plan is a permutation / K, and
    // diagonal covariances give W2^2 = |m0 - m1|^2 + sum_i (sqrt a_i - sqrt b_i)^2.
    let k = 5;
    let mut rng = Rng::new(21);
    let mut draw = || -> (Vec<f64>, Vec<f64>) {
        let means: Vec<f64> = (0..2 * k).map(|_| 4.0 * rng.normal()).collect();
        let vars: Vec<f64> = (0..2 * k).map(|_| 0.1 + 3.0 * rng.uniform()).collect();
        (means, vars)
    };
    let ((m0, v0), (m1, v1)) = (draw(), draw());
    let covs = |v: &[f64]| -> Vec<f64> { (0..k).flat_map(|c| diag(&v[2 * c..2 * c + 2])).collect() };
    let w = vec![1.0 / k as f64; k];
    let g0 = Gmm::new(&w, &m0, &covs(&v0)).unwrap();
    let g1 = Gmm::new(&w, &m1, &covs(&v1)).unwrap();
    let cost = |a: usize, b: usize| -> f64 {
        (0..2).map(|i| (m0[2 * a + i] - m1[2 * b + i]).powi(2) + (v0[2 * a + i].sqrt() - v1[2 * b + i].sqrt()).powi(2)).sum()
    };
    let best = permutations(k)
        .iter()
        .map(|p| p.iter().enumerate().map(|(a, &b)| cost(a, b)).sum::<f64>() / k as f64)
        .fold(f64::INFINITY, f64::min);
    close(*mw2_squared(&g0, &g1, None).unwrap(), best, 1e-13, "MW2^2 vs permutations");
}
