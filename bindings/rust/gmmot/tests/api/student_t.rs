// SPDX-License-Identifier: MIT
// Student-t mixtures: creation, family, scales, the closed-form density, the law of the draws,
// saving, MW2 between t-mixtures (closed forms in 1-D) and the family errors.
use super::common::*;
use gmmot::{mw2_squared, Family, Gmm, Mw2Plan, OptionKey, Options, Status};
use std::f64::consts::PI;

const NU: f64 = 3.0;

fn two_component_2d() -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    (vec![0.25, 0.75], vec![0.0, 0.0, 3.0, -1.0], vec![1.0, 0.0, 0.0, 2.0, 0.5, 0.1, 0.1, 0.3])
}

#[test]
fn create_family_nu_scales_and_covariances() {
    let (w, m, s) = two_component_2d();
    let g = Gmm::student_t(&w, &m, &s, NU).unwrap();
    assert_eq!((g.ncomponents(), g.dim()), (2, 2));
    assert_eq!((g.family(), g.nu()), (Family::StudentT, NU));
    assert_eq!(g.scales().unwrap(), s);
    // covariance of t_nu(m, S): nu / (nu - 2) S
    close_all(&g.covariances().unwrap(), &s.iter().map(|x| 3.0 * x).collect::<Vec<_>>(), 1e-15, "covariances");
    assert!(format!("{:?}", g).contains("StudentT"));
    let gauss = Gmm::new(&w, &m, &s).unwrap();
    assert_eq!((gauss.family(), gauss.nu()), (Family::Gaussian, f64::INFINITY));
    assert_eq!(gauss.scales().unwrap(), gauss.covariances().unwrap());
    assert_eq!(Family::from_code(Family::StudentT.code()), Some(Family::StudentT));
    assert_eq!(Family::from_code(7), None);
}

#[test]
fn log_density_against_the_closed_form() {
    let (w, m, s) = two_component_2d();
    let g = Gmm::student_t(&w, &m, &s, NU).unwrap();
    let pts = [0.0, 0.0, 1.0, -2.0, 3.0, -1.0, -50.0, 80.0, 1e6, -1e6];
    let got = g.log_density(&pts, None).unwrap();
    // d = 2, nu = 3: Gamma((nu + d)/2) / Gamma(nu/2) = Gamma(2.5) / Gamma(1.5) = 1.5
    for (i, x) in pts.chunks(2).enumerate() {
        let p: f64 = (0..2)
            .map(|k| {
                let c = &s[4 * k..4 * k + 4];
                let det = c[0] * c[3] - c[1] * c[2];
                let (u, v) = (x[0] - m[2 * k], x[1] - m[2 * k + 1]);
                let delta = (c[3] * u * u - 2.0 * c[1] * u * v + c[0] * v * v) / det;
                w[k] * 1.5 / (NU * PI * det.sqrt()) * (1.0 + delta / NU).powf(-(NU + 2.0) / 2.0)
            })
            .sum();
        close(got[i], p.ln(), 1e-13, "log density");
    }
}

/// The CDF of Student's t with 3 degrees of freedom.
fn t3_cdf(t: f64) -> f64 {
    let r = t / 3f64.sqrt();
    0.5 + (r / (1.0 + r * r) + r.atan()) / PI
}

#[test]
fn draws_follow_the_t_law() {
    let (m, s) = (2.0, 0.25);
    let g = Gmm::student_t(&[1.0], &[m], &[s], NU).unwrap();
    let opts = Options::new().unwrap().with_int(OptionKey::Seed, 9).unwrap();
    let n = 40000;
    let draw = g.sample(n, Some(&opts)).unwrap();
    assert_eq!(draw, g.sample(n, Some(&opts)).unwrap(), "same seed, same draw");
    let z: Vec<f64> = draw.points.iter().map(|x| (x - m) / s.sqrt()).collect();
    // Kolmogorov distance at a few points; 0.01 is > 4 standard deviations at n = 40000, and a
    // standard normal would be off by 0.05 at t = 2.5
    for t in [-4.0, -2.5, -1.0, -0.3, 0.0, 0.5, 1.5, 2.5, 6.0] {
        let frac = z.iter().filter(|&&v| v <= t).count() as f64 / n as f64;
        assert!((frac - t3_cdf(t)).abs() < 0.01, "P(T <= {}) = {} vs {}", t, frac, t3_cdf(t));
    }
}

#[test]
fn bad_nu_and_bad_scales() {
    let (w, m, s) = two_component_2d();
    for nu in [2.0, 0.5, -1.0, f64::INFINITY, f64::NAN] {
        let e = Gmm::student_t(&w, &m, &s, nu).unwrap_err();
        assert_eq!(e.status(), Status::InvalidArgument, "nu = {}", nu);
        assert!(e.message().contains("nu"), "{}", e);
    }
    let e = Gmm::student_t(&w, &m, &s[..7], NU).unwrap_err();
    assert_eq!(e.status(), Status::Dimension);
    assert!(e.message().contains("Gmm::student_t") && e.message().contains("scales"), "{}", e);
    let e = Gmm::student_t(&w, &m, &[1.0, 0.0, 0.0, 1.0, -1.0, 0.0, 0.0, 1.0], NU).unwrap_err();
    assert_eq!(e.status(), Status::NotPsd);
    assert!(e.message().contains("scales[1]"), "{}", e);
}

#[test]
fn save_and_load_keep_the_family() {
    let (w, m, s) = two_component_2d();
    let g = Gmm::student_t(&w, &m, &s, 4.25).unwrap();
    let bytes = g.save().unwrap();
    assert_eq!(bytes.len(), 48 + 8 * (2 + 4 + 8), "nu takes 8 bytes more than a Gaussian file");
    assert_eq!(u32::from_le_bytes([bytes[12], bytes[13], bytes[14], bytes[15]]), 1, "flag bit 0");
    let h = Gmm::load(&bytes).unwrap();
    assert_eq!((h.family(), h.nu()), (Family::StudentT, 4.25));
    assert_eq!(h.scales().unwrap(), g.scales().unwrap());
    assert_eq!(h.save().unwrap(), bytes);
    let pts = [0.3, -0.7, 5.0, 5.0];
    assert_eq!(h.log_density(&pts, None).unwrap(), g.log_density(&pts, None).unwrap());
}

#[test]
fn mw2_between_t_mixtures_returns_t_mixtures() {
    // 1-D: one source component against two target components, so the plan is forced and MW2
    // is the weighted sum of W2 between the components' covariances nu / (nu - 2) s.
    let f = NU / (NU - 2.0);
    let g0 = Gmm::student_t(&[1.0], &[0.0], &[1.0], NU).unwrap();
    let (w1, m1, s1) = ([0.4, 0.6], [2.0, -3.0], [0.25, 4.0]);
    let g1 = Gmm::student_t(&w1, &m1, &s1, NU).unwrap();
    let want: f64 = (0..2).map(|l| w1[l] * w2_1d(0.0, f.sqrt(), m1[l], (f * s1[l]).sqrt())).sum();
    close(*mw2_squared(&g0, &g1, None).unwrap(), want, 1e-12, "MW2^2");
    let p = Mw2Plan::new(&g0, &g1, None).unwrap();
    let gam = p.coupling().unwrap();
    assert_eq!((gam.family(), gam.nu(), gam.dim()), (Family::StudentT, NU, 2));
    let half = p.geodesic(0.5).unwrap();
    assert_eq!((half.family(), half.nu()), (Family::StudentT, NU));
    // the 1-D geodesic interpolates standard deviations; scales are covariances / f
    let mut sc = half.scales().unwrap();
    sc.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let mut want_sc: Vec<f64> = s1.iter().map(|s| ((1.0 + s.sqrt()) / 2.0).powi(2)).collect();
    want_sc.sort_by(|a, b| a.partial_cmp(b).unwrap());
    close_all(&sc, &want_sc, 1e-12, "geodesic scales");
    close(p.distance().unwrap().0, want, 1e-12, "plan distance");
}

#[test]
fn mixing_families_or_nu_is_a_family_error() {
    let t = Gmm::student_t(&[1.0], &[0.0], &[1.0], NU).unwrap();
    let t2 = Gmm::student_t(&[1.0], &[0.0], &[1.0], NU + 1.0).unwrap();
    let gauss = Gmm::new(&[1.0], &[1.0], &[2.0]).unwrap();
    for (a, b) in [(&gauss, &t), (&t, &gauss), (&t, &t2)] {
        let e = Mw2Plan::new(a, b, None).unwrap_err();
        assert_eq!((e.status(), e.code(), e.name()), (Status::Family, -18, "GMMOT_E_FAMILY"));
        assert!(!e.message().is_empty());
        assert_eq!(mw2_squared(a, b, None).unwrap_err().status(), Status::Family);
    }
}
