// SPDX-License-Identifier: MIT
// MGW2 and the Gromov-Wasserstein solver: an isometric copy (reflected and translated, components
// permuted) at zero with the correspondence recovered, the value equal to the quadruple sum at
// the plan, the generic entry point on the same matrices, the report, and bad input.
use super::common::*;
use gmmot::{gaussian_gw, gaussian_gw_map, Gmm, Gromov, OptionKey, Options, Status};

fn objective(c0: &[f64], c1: &[f64], w: &[f64], k0: usize, k1: usize) -> f64 {
    let mut s = 0.0;
    for i in 0..k0 {
        for k in 0..k0 {
            for j in 0..k1 {
                for l in 0..k1 {
                    let d = c0[i * k0 + k] - c1[j * k1 + l];
                    s += d * d * w[i * k1 + j] * w[k * k1 + l];
                }
            }
        }
    }
    s
}

#[test]
fn mgw2_isometric_copy_and_generic_solver() {
    // 1-D mixture; its copy x -> 3 - x with components reversed.
    let w = [0.2, 0.3, 0.5];
    let m = [0.0, 2.0, 7.0];
    let s = [1.0, 0.25, 4.0];
    let g0 = Gmm::new(&w, &m, &s).unwrap();
    let wr = [0.5, 0.3, 0.2];
    let mr = [3.0 - 7.0, 3.0 - 2.0, 3.0];
    let sr = [4.0, 0.25, 1.0];
    let g1 = Gmm::new(&wr, &mr, &sr).unwrap();
    let r = Gromov::mgw2(&g0, &g1, None).unwrap();
    assert!(r.warning().is_none());
    assert_eq!(r.shape(), (3, 3));
    let (v, root) = r.value().unwrap();
    // Zero up to rounding-level masses on degenerate LP entries (each costs up to max D^2 ~ 60).
    assert!(v.abs() <= 1e-12 && (root * root - v).abs() <= 1e-15, "{} {}", v, root);
    let plan = r.plan().unwrap();
    for i in 0..3 {
        close(plan[i * 3 + (2 - i)], w[i], 1e-12, "paired mass");
    }
    let (d0, d1) = r.cost_matrices().unwrap();
    close(d0[1], w2_1d(m[0], 1.0, m[1], 0.5), 1e-12, "D0[0][1]");
    let info = r.info().unwrap();
    // Product, annealed, the best enumerated vertex (3 x 3), then up to 4 random starts while
    // they improve.
    assert!(info.certified && info.gap <= 1e-9 && (4..=7).contains(&info.starts));
    assert!(info.best_start < info.starts);

    // A different mixture in R^2: the generic solver on the same matrices agrees.
    let g2 = Gmm::new(&[0.5, 0.5], &[0.0, 0.0, 3.0, 1.0], &[1.0, 0.0, 0.0, 2.0, 0.5, 0.1, 0.1, 0.5]).unwrap();
    let opts = Options::new().unwrap().with_int(OptionKey::GwStarts, 1).unwrap().with_int(OptionKey::GwAnnealing, 0).unwrap();
    let a = Gromov::mgw2(&g2, &g0, Some(&opts)).unwrap();
    // Product, the best enumerated vertex (2 x 3), one random start.
    assert_eq!(a.info().unwrap().starts, 3);
    let (e0, e1) = a.cost_matrices().unwrap();
    let g = Gromov::solve(&[0.5, 0.5], &e0, &w, &e1, Some(&opts)).unwrap();
    close(g.value().unwrap().0, a.value().unwrap().0, 1e-12, "generic = mgw2");
    close(g.value().unwrap().0, objective(&e0, &e1, &g.plan().unwrap(), 2, 3), 1e-12, "quadruple sum");
    assert_eq!(d1.len(), 9);
}

#[test]
fn gromov_bad_input() {
    let c = [0.0, 1.0, 1.0, 0.0];
    let e = Gromov::solve(&[], &c, &[0.5, 0.5], &c, None).err().unwrap();
    assert_eq!(e.status(), Status::Dimension);
    let e = Gromov::solve(&[0.5, 0.5], &c[..3], &[0.5, 0.5], &c, None).err().unwrap();
    assert_eq!(e.status(), Status::Dimension);
    assert!(e.message().contains("c0"), "{}", e.message());
    let e = Gromov::solve(&[0.5, 0.5], &c, &[0.5, 0.5], &[0.0, 1.0, 2.0, 0.0], None).err().unwrap();
    assert_eq!(e.status(), Status::NotSymmetric);
    assert!(e.message().contains("c1"), "{}", e.message());
    let e = Gromov::solve(&[0.5, 0.5], &[0.0, f64::NAN, f64::NAN, 0.0], &[0.5, 0.5], &c, None).err().unwrap();
    assert_eq!(e.status(), Status::Nonfinite);
    assert!(Options::new().unwrap().with_int(OptionKey::GwAnnealing, 2).is_err());
}

#[test]
fn gaussian_gw_closed_form() {
    // cov0 = diag(4, 1) in R^2, cov1 = 0.25 in R^1: 4 (5 - 0.25)^2 + 8 ((4 - 0.25)^2 + 1) = 210.75,
    // A = +-(0.25, 0).
    let cov0 = [4.0, 0.0, 0.0, 1.0];
    let v = gaussian_gw(&cov0, &[0.25]).unwrap();
    close(*v, 210.75, 1e-13, "GGW^2");
    close(*gaussian_gw(&[0.25], &cov0).unwrap(), 210.75, 1e-13, "symmetric");
    let r = gaussian_gw_map(&[1.0, 2.0], &cov0, &[-1.0], &[0.25]).unwrap();
    let (g, a, b) = &r.value;
    close(*g, 210.75, 1e-13, "GGW^2 with map");
    close(a[0].abs(), 0.25, 1e-13, "A");
    close(a[1], 0.0, 1e-13, "A");
    close(b[0], -1.0 - a[0], 1e-13, "b");
    assert_eq!(gaussian_gw_map(&[0.0], &[0.25], &[0.0, 0.0], &cov0).err().unwrap().status(), Status::NoMap);
    assert_eq!(gaussian_gw(&[1.0, 2.0, 3.0], &cov0).err().unwrap().status(), Status::Dimension);
    assert_eq!(gaussian_gw(&[1.0, 0.0, 0.0, -1.0], &[1.0]).err().unwrap().status(), Status::NotPsd);
}
