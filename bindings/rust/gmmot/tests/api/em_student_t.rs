// SPDX-License-Identifier: MIT
// Student-t EM through the safe crate: OptionKey::EmFamily / EmDof, Em::fit_joint (one nu for
// all outputs, info = the sum of the mean log-likelihoods) and its errors.
use super::common::*;
use gmmot::{sys, Em, Gmm, OptionKey, Options, Status};

/// n points of a 1-D Student-t mixture 0.6 t_nu(-3, 1) + 0.4 t_nu(4, 0.5): z sqrt(nu / chi2_nu),
/// chi2_nu as a sum of nu squared normals (nu an integer).
fn t_data(nu: usize, n: usize, seed: u64) -> Vec<f64> {
    let mut rng = Rng::new(seed);
    (0..n)
        .map(|i| {
            let chi2: f64 = (0..nu).map(|_| rng.normal().powi(2)).sum();
            let u = (nu as f64 / chi2).sqrt();
            if i % 5 < 3 { -3.0 + rng.normal() * u } else { 4.0 + 0.5_f64.sqrt() * rng.normal() * u }
        })
        .collect()
}

fn nu_of(g: &Gmm) -> f64 {
    let (mut family, mut nu) = (-1, 0.0);
    assert_eq!(unsafe { sys::gmmot_gmm_get_family(g.as_ptr(), &mut family, &mut nu) }, 0);
    assert_eq!(family, 1);
    nu
}

fn t_options() -> Options {
    Options::new().unwrap().with_int(OptionKey::EmComponents, 2).unwrap().with_int(OptionKey::EmFamily, 1).unwrap()
}

#[test]
fn joint_fit_shares_one_nu() {
    let (x0, x1) = (t_data(3, 20000, 1), t_data(12, 10000, 2));
    let mut em = Em::new(Some(&t_options())).unwrap();
    let s0 = em.fit(&x0, 1, None).unwrap();
    let s1 = em.fit(&x1, 1, None).unwrap();
    let (nu0, nu1) = (nu_of(&s0), nu_of(&s1));
    assert!(nu0 < nu1, "{} {}", nu0, nu1);
    let g = em.fit_joint(&[&x0, &x1], 1, Some(&[None, Some(&vec![1.0; 10000])])).unwrap();
    assert_eq!(g.len(), 2);
    let nu = nu_of(&g[0]);
    assert_eq!(nu_of(&g[1]), nu);
    assert!(nu0 < nu && nu < nu1, "{} < {} < {}", nu0, nu, nu1);
    let info = em.info().unwrap();
    let ll0 = g[0].log_density(&x0, None).unwrap().iter().sum::<f64>() / 20000.0;
    let ll1 = g[1].log_density(&x1, None).unwrap().iter().sum::<f64>() / 10000.0;
    close(info.mean_log_likelihood, ll0 + ll1, 1e-9, "joint objective");
    // A fixed nu is kept.
    let fixed = t_options().with_double(OptionKey::EmDof, 6.0).unwrap();
    let g = Em::new(Some(&fixed)).unwrap().fit_joint(&[&x0, &x1], 1, None).unwrap();
    assert_eq!((nu_of(&g[0]), nu_of(&g[1])), (6.0, 6.0));
}

#[test]
fn joint_fit_errors() {
    let x = t_data(5, 200, 3);
    let mut em = Em::new(Some(&t_options())).unwrap();
    let e = em.fit_joint(&[&x, &x[..7]], 2, None).unwrap_err();
    assert!(e.message().contains("datasets[1]"), "{}", e);
    let e = em.fit_joint(&[&x], 1, Some(&[None, None])).unwrap_err();
    assert!(e.message().contains("weights"), "{}", e);
    let e = em.fit_joint(&[], 1, None).unwrap_err();
    assert_eq!(e.status(), Status::Dimension);
    let bad = t_options().with_double(OptionKey::EmDof, 1.5).unwrap();
    let e = Em::new(Some(&bad)).unwrap_err();
    assert_eq!(e.status(), Status::InvalidArgument);
    assert!(e.message().contains("GMMOT_OPT_EM_DOF"), "{}", e);
    assert!(Options::new().unwrap().with_int(OptionKey::EmFamily, 2).is_err());
}
