// SPDX-License-Identifier: MIT
// Closed-form Gaussian transport against analytic references.
use super::common::*;
use gmmot::{gaussian, Gmm, Status};

#[test]
fn w2_in_one_dimension_is_the_mean_and_sd_gap() {
    let (m0, s0, m1, s1) = (1.5, 2.0, -0.25, 0.5);
    let w = gaussian::w2_squared(&[m0], &[s0 * s0], &[m1], &[s1 * s1]).unwrap();
    assert!(w.warning.is_none());
    close(*w, w2_1d(m0, s0, m1, s1), 1e-14, "W2^2");
}

#[test]
fn w2_with_commuting_covariances() {
    // Diagonal covariances commute: W2^2 = |m0 - m1|^2 + sum_i (sqrt a_i - sqrt b_i)^2.
    let (a, b): ([f64; 3], [f64; 3]) = ([4.0, 1.0, 0.25], [1.0, 9.0, 0.0]);
    let (m0, m1): ([f64; 3], [f64; 3]) = ([0.0, 1.0, 2.0], [1.0, -1.0, 2.5]);
    let expected: f64 = (0..3).map(|i| (m0[i] - m1[i]).powi(2) + (a[i].sqrt() - b[i].sqrt()).powi(2)).sum();
    let w = gaussian::w2_squared(&m0, &diag(&a), &m1, &diag(&b)).unwrap();
    close(*w, expected, 1e-14, "W2^2 diagonal");
    // A rotated pair commutes too: S0 = R diag(a) R^T, S1 = R diag(b) R^T in 2-D.
    let (c, s) = (0.6f64, 0.8f64);
    let rot = |x: f64, y: f64| vec![c * c * x + s * s * y, c * s * (x - y), c * s * (x - y), s * s * x + c * c * y];
    let w = gaussian::w2_squared(&[0.0, 0.0], &rot(4.0, 1.0), &[0.0, 0.0], &rot(1.0, 16.0)).unwrap();
    close(*w, 1.0 + 9.0, 1e-13, "W2^2 rotated commuting");
}

#[test]
fn monge_map_and_geodesic_in_closed_form() {
    // Diagonal case: A = diag(sqrt(b_i / a_i)), b = m1 - A m0.
    let (a, b) = ([4.0, 1.0], [1.0, 9.0]);
    let (m0, m1) = ([1.0, 2.0], [0.0, -1.0]);
    let map = gaussian::monge_map(&m0, &diag(&a), &m1, &diag(&b)).unwrap();
    close_all(&map.a, &[0.5, 0.0, 0.0, 3.0], 1e-14, "A");
    close_all(&map.b, &[0.0 - 0.5 * 1.0, -1.0 - 3.0 * 2.0], 1e-14, "b");
    assert!(map.residual < 1e-12);
    // Geodesic at t: mean (1-t) m0 + t m1, sd (1-t) sqrt(a) + t sqrt(b).
    let t = 0.25;
    let g = gaussian::geodesic(&m0, &diag(&a), &m1, &diag(&b), t).unwrap();
    close_all(&g.mean, &[0.75 * 1.0, 0.75 * 2.0 - 0.25], 1e-14, "m_t");
    let sd = |x: f64, y: f64| ((1.0 - t) * x.sqrt() + t * y.sqrt()).powi(2);
    close_all(&g.cov, &[sd(4.0, 1.0), 0.0, 0.0, sd(1.0, 9.0)], 1e-14, "S_t");
    // No map from a Dirac to a non-Dirac.
    let e = gaussian::monge_map(&[0.0], &[0.0], &[0.0], &[1.0]).unwrap_err();
    assert_eq!(e.status(), Status::NoMap);
    assert_eq!(e.name(), "GMMOT_E_NO_MAP");
}

#[test]
fn barycenter_and_multimarginal_cost_in_one_dimension() {
    // 1-D: m* = sum l_j m_j, sigma* = sum l_j sigma_j; cost = sum l_j W2^2(N_j, N*).
    let w = [0.2, 0.5, 0.3];
    let m = [0.0, 1.0, -2.0];
    let sd = [1.0, 2.0, 0.5];
    let covs: Vec<f64> = sd.iter().map(|s| s * s).collect();
    let b = gaussian::barycenter(&w, &m, &covs, None).unwrap();
    let ms: f64 = (0..3).map(|j| w[j] * m[j]).sum();
    let ss: f64 = (0..3).map(|j| w[j] * sd[j]).sum();
    close(b.mean[0], ms, 1e-14, "m*");
    close(b.cov[0], ss * ss, 1e-14, "S*");
    let cost = gaussian::multimarginal_cost(&w, &m, &covs, None).unwrap();
    let expected: f64 = (0..3).map(|j| w[j] * w2_1d(m[j], sd[j], ms, ss)).sum();
    close(*cost, expected, 1e-13, "multimarginal cost");
}

#[test]
fn cost_matrix_matches_pairwise_w2() {
    let g0 = Gmm::new(&[0.5, 0.5], &[0.0, 3.0], &[1.0, 4.0]).unwrap();
    let g1 = Gmm::new(&[0.2, 0.3, 0.5], &[1.0, -1.0, 2.0], &[0.25, 1.0, 9.0]).unwrap();
    let c = gaussian::w2_cost_matrix(&g0, &g1, None).unwrap();
    let (m0, s0, m1, s1) = ([0.0, 3.0], [1.0, 2.0], [1.0, -1.0, 2.0], [0.5, 1.0, 3.0]);
    for k in 0..2 {
        for l in 0..3 {
            close(c[k * 3 + l], w2_1d(m0[k], s0[k], m1[l], s1[l]), 1e-14, "C");
        }
    }
}

#[test]
fn bad_inputs_name_the_argument() {
    // Binding-side: checked before the call.
    let e = gaussian::w2_squared(&[0.0, 0.0], &[1.0, 0.0, 0.0], &[0.0, 0.0], &diag(&[1.0, 1.0])).unwrap_err();
    assert_eq!(e.status(), Status::Dimension);
    assert!(e.message().contains("s0"), "{}", e);
    let e = gaussian::barycenter(&[0.5, 0.5], &[0.0, 1.0, 2.0], &[1.0, 1.0], None).unwrap_err();
    assert!(e.message().contains("means"), "{}", e);
    // Library-side: the status and message of the C call.
    let e = gaussian::w2_squared(&[0.0], &[-1.0], &[0.0], &[1.0]).unwrap_err();
    assert_eq!(e.status(), Status::NotPsd);
    assert!(e.message().contains("s0"), "{}", e);
    assert!(e.to_string().starts_with("GMMOT_E_NOT_PSD (-9): "), "{}", e);
    let e = gaussian::geodesic(&[0.0], &[1.0], &[0.0], &[1.0], 1.5).unwrap_err();
    assert_eq!(e.status(), Status::InvalidArgument);
    let e = gaussian::w2_squared(&[f64::NAN], &[1.0], &[0.0], &[1.0]).unwrap_err();
    assert_eq!(e.status(), Status::Nonfinite);
    assert!(e.message().contains("m0"), "{}", e);
}

#[test]
fn symmetrised_input_warns() {
    // Relative asymmetry 1e-10: in (100 eps, 1e-8], symmetrised with GMMOT_W_SYMMETRIZED.
    let s0 = [2.0, 1.0, 1.0 + 2e-10, 2.0];
    let w = gaussian::w2_squared(&[0.0, 0.0], &s0, &[0.0, 0.0], &diag(&[1.0, 1.0])).unwrap();
    let warning = w.warning().expect("a warning");
    assert_eq!(warning.status(), Status::Symmetrized);
    assert_eq!(warning.name(), "GMMOT_W_SYMMETRIZED");
    assert!(!warning.message().is_empty());
}
