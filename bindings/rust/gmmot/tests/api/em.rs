// SPDX-License-Identifier: MIT
// EM fitting, progress callbacks (closures), cancellation and panics in callbacks.
use super::common::*;
use gmmot::{Em, Interrupt, OptionKey, Options, Stage, Status};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// 3000 points from 0.3 N(-4, 1) + 0.7 N(3, 0.25) (well separated).
fn data() -> Vec<f64> {
    let mut rng = Rng::new(11);
    (0..3000).map(|i| if i % 10 < 3 { -4.0 + rng.normal() } else { 3.0 + 0.5 * rng.normal() }).collect()
}

#[test]
fn em_recovers_a_separated_mixture() {
    let opts = Options::new().unwrap().with_int(OptionKey::EmComponents, 2).unwrap();
    let mut em = Em::new(Some(&opts)).unwrap();
    assert_eq!(em.info().unwrap_err().status(), Status::InvalidArgument, "no fit yet");
    let g = em.fit(&data(), 1, None).unwrap();
    assert!(g.warning().is_none());
    let (w, m, c) = (g.weights().unwrap(), g.means().unwrap(), g.covariances().unwrap());
    let (lo, hi) = if m[0] < m[1] { (0, 1) } else { (1, 0) };
    close(w[lo], 0.3, 0.02, "weight");
    close(m[lo], -4.0, 0.1, "mean");
    close(m[hi], 3.0, 0.05, "mean");
    close(c[lo], 1.0, 0.15, "variance");
    close(c[hi], 0.25, 0.05, "variance");
    let info = em.info().unwrap();
    assert!(info.converged && info.iterations >= 1);
    // The mean log-likelihood reported is the fitted mixture's, computed independently here.
    let ll = g.log_density(&data(), None).unwrap().iter().sum::<f64>() / 3000.0;
    close(info.mean_log_likelihood, ll, 1e-9, "mean log-likelihood");
    assert!(em.work().unwrap().passes >= info.iterations);
    // Weighted fit: doubling every weight changes nothing.
    let g2 = em.fit(&data(), 1, Some(&vec![2.0; 3000])).unwrap();
    assert_eq!(g2.means().unwrap(), g.means().unwrap());
    let e = em.fit(&data(), 1, Some(&[1.0; 5])).unwrap_err();
    assert!(e.message().contains("weights"), "{}", e);
    let e = em.fit(&data(), 7, None).unwrap_err();
    assert_eq!(e.status(), Status::Dimension);
}

#[test]
fn not_converged_is_a_warning_on_the_mixture() {
    let opts = Options::new().unwrap().with_int(OptionKey::EmMaxIterations, 1).unwrap().with_double(OptionKey::EmTolerance, 0.0).unwrap();
    let mut em = Em::new(Some(&opts)).unwrap();
    let g = em.fit(&data(), 1, None).unwrap();
    assert_eq!(g.warning().map(|w| w.status()), Some(Status::NotConverged));
    assert!(!em.info().unwrap().converged);
}

#[test]
fn progress_closure_sees_em_stages_and_can_cancel() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let mut opts = Options::new().unwrap().with_int(OptionKey::EmComponents, 2).unwrap();
    let log = seen.clone();
    opts.set_progress(move |stage, done, total, value| {
        log.lock().unwrap().push((stage, done, total, value));
        true
    })
    .unwrap();
    let mut em = Em::new(Some(&opts)).unwrap();
    drop(opts); // the EM object keeps the callback alive
    em.fit(&data(), 1, None).unwrap();
    let reports = seen.lock().unwrap().clone();
    assert!(!reports.is_empty());
    assert!(reports.iter().all(|r| r.0 == Stage::Em && r.2 == 300 && r.1 <= r.2 && r.3.is_finite()));

    let calls = Arc::new(AtomicUsize::new(0));
    let c = calls.clone();
    let mut opts = Options::new().unwrap();
    opts.set_progress(move |_, _, _, _| c.fetch_add(1, Ordering::SeqCst) < 2).unwrap();
    let mut em = Em::new(Some(&opts)).unwrap();
    let e = em.fit(&data(), 1, None).unwrap_err();
    assert_eq!(e.status(), Status::Cancelled);
    assert_eq!(calls.load(Ordering::SeqCst), 3);
}

#[test]
fn a_panic_in_the_callback_cancels_the_call_and_reaches_the_caller() {
    let g = gmmot::Gmm::new(&[1.0], &[0.0], &[1.0]).unwrap();
    let mut opts = Options::new().unwrap();
    opts.set_progress(|_, _, _, _| panic!("boom from the callback")).unwrap();
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| g.sample(100000, Some(&opts))));
    let payload = caught.expect_err("the panic is re-raised");
    assert_eq!(payload.downcast_ref::<&str>().copied(), Some("boom from the callback"));
    // The options stay usable once the callback is removed.
    opts.clear_progress().unwrap();
    assert_eq!(g.sample(10, Some(&opts)).unwrap().points.len(), 10);
}

#[test]
fn interrupt_cancels_until_reset() {
    let flag = Arc::new(Interrupt::new().unwrap());
    let mut opts = Options::new().unwrap();
    opts.set_interrupt(Some(flag.clone())).unwrap();
    let mut em = Em::new(Some(&opts)).unwrap();
    let f = flag.clone();
    std::thread::spawn(move || f.raise()).join().unwrap();
    assert!(flag.is_raised());
    assert_eq!(em.fit(&data(), 1, None).unwrap_err().status(), Status::Cancelled);
    let g = gmmot::Gmm::new(&[1.0], &[0.0], &[1.0]).unwrap();
    assert_eq!(g.log_density(&[0.0; 10], Some(&opts)).unwrap_err().status(), Status::Cancelled);
    flag.reset();
    assert!(!flag.is_raised());
    em.fit(&data(), 1, None).unwrap();
    // A callback may raise the flag (progress.h allows it): the call stops.
    let mut opts2 = Options::new().unwrap();
    let f = flag.clone();
    opts2.set_interrupt(Some(flag.clone())).unwrap();
    opts2.set_progress(move |_, _, _, _| {
        f.raise();
        true
    })
    .unwrap();
    let e = Em::new(Some(&opts2)).unwrap().fit(&data(), 1, None).unwrap_err();
    assert_eq!(e.status(), Status::Cancelled);
    flag.reset();
}

#[test]
fn options_round_trip_clone_and_bounds() {
    let mut opts = Options::new().unwrap();
    assert_eq!(opts.get_int(OptionKey::EmComponents).unwrap(), 10);
    opts.set_int(OptionKey::EmComponents, 3).unwrap();
    opts.set_double(OptionKey::EmTolerance, 1e-4).unwrap();
    let copy = opts.try_clone().unwrap();
    opts.set_int(OptionKey::EmComponents, 4).unwrap();
    assert_eq!(copy.get_int(OptionKey::EmComponents).unwrap(), 3);
    assert_eq!(copy.get_double(OptionKey::EmTolerance).unwrap(), 1e-4);
    let b = Options::bounds(OptionKey::EmComponents).unwrap();
    assert_eq!((b.value_type, b.min, b.max), (gmmot::OptionType::Int, 1.0, 1e6));
    let e = opts.set_int(OptionKey::EmComponents, 0).unwrap_err();
    assert_eq!(e.status(), Status::InvalidArgument);
    assert!(e.message().contains("1000000") || e.message().contains("1e+06"), "{}", e);
    assert_eq!(opts.get_double(OptionKey::EmComponents).unwrap_err().status(), Status::InvalidArgument);
    assert!(gmmot::options::bounds_of_code(405).is_err());
}
