// SPDX-License-Identifier: MIT
// Mixture barycenters. For J = 2 in one dimension the tuple cost is exact,
// C_(k,l) = l0 l1 W2^2(mu0^k, mu1^l), so V(exact) = l0 l1 MW2^2(mu0, mu1) and the barycenter is
// the MW2 geodesic at t = l1: an independent reference through the 2 x 2 hand-solved plan.
use super::common::*;
use gmmot::{options::fixed_point_method, Barycenter, Gmm, Mw2Plan, OptionKey, Options, Status};

fn mixtures() -> (Gmm, Gmm) {
    (
        Gmm::new(&[0.5, 0.5], &[0.0, 4.0], &[1.0, 2.25]).unwrap(),
        Gmm::new(&[0.3, 0.7], &[1.0, 5.0], &[4.0, 0.25]).unwrap(),
    )
}

fn sorted(mut v: Vec<f64>) -> Vec<f64> {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v
}

#[test]
fn exact_barycenter_of_two_is_on_the_geodesic() {
    let (g0, g1) = mixtures();
    let lambda = [0.4, 0.6];
    let b = Barycenter::exact(&[&g0, &g1], &lambda, None).unwrap();
    assert!(b.warning().is_none());
    let mw2sq = Mw2Plan::new(&g0, &g1, None).unwrap().distance().unwrap().0;
    close(b.cost().unwrap(), lambda[0] * lambda[1] * mw2sq, 1e-12, "V");
    assert_eq!(b.count(), 2);
    assert!(b.components() <= 3);
    let geo = Mw2Plan::new(&g0, &g1, None).unwrap().geodesic(lambda[1]).unwrap();
    let bar = b.gmm().unwrap();
    close_all(&sorted(bar.means().unwrap()), &sorted(geo.means().unwrap()), 1e-12, "means");
    close_all(&sorted(bar.covariances().unwrap()), &sorted(geo.covariances().unwrap()), 1e-12, "covs");
    // Plans: rows sum to the barycenter's weights, columns to mu_j's.
    let w = bar.weights().unwrap();
    for (j, g) in [&g0, &g1].iter().enumerate() {
        let p = b.plan(j).unwrap();
        assert_eq!(p.mass.len(), b.plan_nnz(j));
        let mut rows = vec![0.0; w.len()];
        let mut cols = vec![0.0; g.ncomponents()];
        for n in 0..p.mass.len() {
            rows[p.rows[n]] += p.mass[n];
            cols[p.cols[n]] += p.mass[n];
        }
        close_all(&rows, &w, 1e-14, "plan rows");
        close_all(&cols, &g.weights().unwrap(), 1e-14, "plan cols");
    }
    assert_eq!(b.plan(2).unwrap_err().status(), Status::InvalidArgument);
    let tuples = b.tuples().unwrap();
    assert_eq!(tuples.len(), 2 * b.components());
    // Duals: sum_jk u_j(k) pi_j(k) = V.
    let u = b.duals().unwrap();
    assert_eq!(u.len(), 4);
    let dual = u[0] * 0.5 + u[1] * 0.5 + u[2] * 0.3 + u[3] * 0.7;
    close(dual, b.cost().unwrap(), 1e-12, "dual objective");
    let cert = b.certificate().unwrap();
    // The dual infeasibility of the exact method is an upper bound (barycenter.h), about 1e-12
    // here for costs of order 10.
    assert!(cert.primal_infeasibility < 1e-12 && cert.duality_gap < 1e-12, "{:?}", cert);
    assert!(cert.dual_infeasibility < 1e-10, "{:?}", cert);
    assert_eq!(b.energies().unwrap(), vec![b.cost().unwrap()]);
    assert!(b.info().unwrap().pricing_rounds >= 1);
}

#[test]
fn fixed_support_on_the_exact_components_reproduces_the_exact_cost() {
    let (g0, g1) = mixtures();
    let lambda = [0.4, 0.6];
    let exact = Barycenter::exact(&[&g0, &g1], &lambda, None).unwrap();
    let bar = exact.gmm().unwrap();
    let fs = Barycenter::fixed_support(&[&g0, &g1], &lambda, &bar.means().unwrap(), &bar.covariances().unwrap(), None).unwrap();
    close(fs.cost().unwrap(), exact.cost().unwrap(), 1e-12, "V fixed support");
    assert_eq!(fs.components(), bar.ncomponents());
    let e = Barycenter::fixed_support(&[&g0, &g1], &lambda, &[0.0, 1.0], &[1.0], None).unwrap_err();
    assert_eq!(e.status(), Status::Dimension);
    assert!(e.message().contains("covs"), "{}", e);
}

#[test]
fn fixed_point_never_beats_the_exact_barycenter() {
    let (g0, g1) = mixtures();
    let lambda = [0.4, 0.6];
    let exact = Barycenter::exact(&[&g0, &g1], &lambda, None).unwrap().cost().unwrap();
    let fp = Barycenter::fixed_point(&[&g0, &g1], &lambda, None, None).unwrap();
    assert!(fp.cost().unwrap() >= exact - 1e-12);
    let e = fp.energies().unwrap();
    assert_eq!(e.len() as u64, fp.info().unwrap().iterations + 1);
    assert!(e.windows(2).all(|w| w[1] <= w[0] * (1.0 + 1e-12)), "{:?}", e);
    assert_eq!(fp.duals().unwrap_err().status(), Status::InvalidArgument);
    let opts = Options::new().unwrap().with_int(OptionKey::FixedPointMethod, fixed_point_method::BURES).unwrap();
    let init = g0;
    let h = Barycenter::fixed_point(&[&init, &g1], &lambda, Some(&init), Some(&opts)).unwrap();
    assert!(h.cost().unwrap() >= exact - 1e-12);
    assert_eq!(h.tuples().unwrap_err().status(), Status::InvalidArgument);
    let e = Barycenter::exact(&[&init, &g1], &[1.0], None).unwrap_err();
    assert!(e.message().contains("lambda"), "{}", e);
    assert_eq!(Barycenter::exact(&[], &[], None).unwrap_err().status(), Status::Dimension);
}
