// SPDX-License-Identifier: MIT
// Send/Sync as the headers' thread rules allow (checked at compile time), and shared handles
// used from several threads at once.
use super::common::*;
use gmmot::*;
use std::sync::Arc;
use std::thread;

fn assert_send_sync<T: Send + Sync>() {}
fn assert_send<T: Send>() {}

// Compiles only if T is not Sync: with T: Sync both impls apply and the call is ambiguous.
trait AmbiguousIfSync<A> {
    fn check() {}
}
impl<T: ?Sized> AmbiguousIfSync<()> for T {}
struct IsSync;
impl<T: ?Sized + Sync> AmbiguousIfSync<IsSync> for T {}

#[test]
fn send_and_sync_follow_the_thread_rules() {
    assert_send_sync::<Gmm>();
    assert_send_sync::<Options>();
    assert_send_sync::<Interrupt>();
    assert_send_sync::<Transport>();
    assert_send_sync::<Mw2Plan>();
    assert_send_sync::<Barycenter>();
    assert_send_sync::<Relaxed>();
    assert_send_sync::<Error>();
    assert_send::<Em>();
    // em.h: functions on one EM object need exclusive access, so Em is not Sync.
    <Em as AmbiguousIfSync<_>>::check();
}

#[test]
fn one_mixture_and_one_plan_from_several_threads() {
    let g0 = Arc::new(Gmm::new(&[0.2, 0.8], &[0.0, 0.0, 2.0, 1.0], &[1.0, 0.3, 0.3, 1.0, 0.5, 0.0, 0.0, 2.0]).unwrap());
    let g1 = Gmm::new(&[0.6, 0.4], &[1.0, 1.0, -2.0, 0.0], &[2.0, 0.0, 0.0, 2.0, 1.0, -0.2, -0.2, 0.5]).unwrap();
    let opts = Arc::new(Options::new().unwrap().with_int(OptionKey::NumThreads, 1).unwrap());
    let plan = Arc::new(Mw2Plan::new(&g0, &g1, Some(&opts)).unwrap());
    let mut rng = Rng::new(17);
    let points: Arc<Vec<f64>> = Arc::new((0..2000).map(|_| 3.0 * rng.normal()).collect());
    let density = g0.log_density(&points, Some(&opts)).unwrap();
    let mapped = plan.map_mean(&points, Some(&opts)).unwrap();
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let (g0, plan, opts, points) = (g0.clone(), plan.clone(), opts.clone(), points.clone());
            thread::spawn(move || {
                let mut out = Vec::new();
                for _ in 0..5 {
                    out.push((g0.log_density(&points, Some(&opts)).unwrap(), plan.map_mean(&points, Some(&opts)).unwrap()));
                }
                out
            })
        })
        .collect();
    for h in handles {
        for (d, m) in h.join().unwrap() {
            assert_eq!(d, density);
            assert_eq!(m, mapped);
        }
    }
    // Errors are per thread: a failing call on one thread does not leak its message elsewhere.
    let t = thread::spawn(|| Gmm::new(&[2.0], &[0.0], &[1.0]).unwrap_err());
    let ok = gaussian::w2_squared(&[0.0], &[1.0], &[1.0], &[1.0]).unwrap();
    assert!(ok.warning.is_none());
    let e = t.join().unwrap();
    assert_eq!(e.status(), Status::Weights);
    assert!(e.message().contains("weights"), "{}", e);
}

#[test]
fn em_moves_to_another_thread() {
    let opts = Options::new().unwrap().with_int(OptionKey::EmComponents, 1).unwrap();
    let mut em = Em::new(Some(&opts)).unwrap();
    let g = thread::spawn(move || em.fit(&[0.0, 1.0, 2.0, 3.0], 1, None).unwrap()).join().unwrap();
    close(g.means().unwrap()[0], 1.5, 1e-12, "mean");
}
