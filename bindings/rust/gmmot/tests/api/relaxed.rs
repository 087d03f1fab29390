// SPDX-License-Identifier: MIT
// The KL-relaxed coupled fit: the energy identity, monotone energies, the path, and the plan
// handle's transport term.
use super::common::*;
use gmmot::{Gmm, OptionKey, Options, Relaxed, Status};

fn clouds() -> (Vec<f64>, Vec<f64>) {
    let mut rng = Rng::new(5);
    let p0 = (0..300).map(|i| if i % 2 == 0 { -3.0 + rng.normal() } else { 2.0 + 0.5 * rng.normal() }).collect();
    let p1 = (0..250).map(|i| if i % 2 == 0 { -1.0 + rng.normal() } else { 4.0 + 0.7 * rng.normal() }).collect();
    (p0, p1)
}

fn opts() -> Options {
    Options::new().unwrap().with_int(OptionKey::RelaxedComponents, 2).unwrap()
}

fn check_fit(r: &Relaxed) {
    let e = r.energy().unwrap();
    let info = r.info().unwrap();
    close(e.energy, e.transport - info.lambda_abs * (e.ll0 + e.ll1) + e.penalty, 1e-12, "J identity");
    let energies = r.energies().unwrap();
    assert_eq!(energies.len() as u64, info.iterations + 1);
    assert!(energies.windows(2).all(|w| w[1] <= w[0] + 1e-9 * w[0].abs().max(1.0)), "{:?}", energies);
    close(*energies.last().unwrap(), e.energy, 1e-12, "last energy");
    let plan = r.plan().unwrap();
    close(plan.distance().unwrap().0, e.transport, 1e-10, "plan cost = transport term");
    assert_eq!(plan.duals().unwrap_err().status(), Status::InvalidArgument);
    let (m0, m1, c) = (r.marginal0().unwrap(), r.marginal1().unwrap(), r.coupling().unwrap());
    assert_eq!((m0.ncomponents(), m0.dim(), m1.dim(), c.dim()), (2, 1, 1, 2));
    assert_eq!(m0.weights().unwrap(), c.weights().unwrap());
    assert_eq!(r.degenerate().unwrap().len(), 4);
}

#[test]
fn relaxed_fit_satisfies_its_energy_identity() {
    let (p0, p1) = clouds();
    let r = Relaxed::fit(&p0, &p1, 1, None, None, Some(&opts())).unwrap();
    check_fit(&r);
    let path = r.path().unwrap();
    assert_eq!(path.len(), 1);
    close(path[0].lambda, 1.0, 0.0, "default lambda");
    close(path[0].energy, r.energy().unwrap().energy, 1e-15, "path J");
    let e = Relaxed::fit(&p0, &p1, 7, None, None, Some(&opts())).unwrap_err();
    assert!(e.message().contains("points0"), "{}", e);
}

#[test]
fn relaxed_from_a_start_and_along_a_path() {
    let (p0, p1) = clouds();
    let s0 = Gmm::new(&[0.5, 0.5], &[-3.0, 2.0], &[1.0, 0.25]).unwrap();
    let s1 = Gmm::new(&[0.5, 0.5], &[-1.0, 4.0], &[1.0, 0.5]).unwrap();
    let r = Relaxed::fit_from(&p0, &p1, 1, None, None, &s0, &s1, Some(&opts())).unwrap();
    check_fit(&r);
    let lambdas = [10.0, 1.0, 0.1];
    let r = Relaxed::fit_path(&p0, &p1, 1, None, None, &lambdas, Some(&opts())).unwrap();
    check_fit(&r);
    let path = r.path().unwrap();
    assert_eq!(path.iter().map(|p| p.lambda).collect::<Vec<_>>(), lambdas.to_vec());
    let e = Relaxed::fit_path(&p0, &p1, 1, None, None, &[1.0, 2.0], Some(&opts())).unwrap_err();
    assert_eq!(e.status(), Status::InvalidArgument);
    assert!(e.message().contains("lambdas[1]"), "{}", e);
}
