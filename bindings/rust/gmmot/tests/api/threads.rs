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

#[test]
fn interrupt_raised_from_another_thread_stops_a_running_call() {
    use std::sync::mpsc;
    use std::time::{Duration, Instant};
    let flag = Arc::new(Interrupt::new().unwrap());
    let (tx, rx) = mpsc::channel();
    let mut opts = Options::new().unwrap();
    opts.set_interrupt(Some(flag.clone())).unwrap();
    let seen = flag.clone();
    // On its first report the callback tells the main thread, then waits (bounded) until the
    // flag is up, so the call is certainly running when it is raised. (The callback is Fn +
    // Sync: its state is an atomic and a Mutex of its own.)
    let first = std::sync::atomic::AtomicBool::new(true);
    let tx = std::sync::Mutex::new(tx);
    opts.set_progress(move |_, _, _, _| {
        if first.swap(false, std::sync::atomic::Ordering::SeqCst) {
            tx.lock().unwrap().send(()).unwrap();
            let start = Instant::now();
            while !seen.is_raised() && start.elapsed() < Duration::from_secs(10) {
                thread::sleep(Duration::from_millis(1));
            }
        }
        true
    })
    .unwrap();
    let g = Gmm::new(&[1.0], &[0.0], &[1.0]).unwrap();
    let worker = thread::spawn(move || g.sample(1_000_000, Some(&opts)).map(|s| s.points.len()));
    rx.recv().unwrap();
    flag.raise();
    let e = worker.join().unwrap().unwrap_err();
    assert_eq!(e.status(), Status::Cancelled);
    assert_eq!(e.name(), "GMMOT_E_CANCELLED");
}

#[test]
fn one_options_object_with_a_callback_shared_by_threads() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let count = Arc::new(AtomicUsize::new(0));
    let mut opts = Options::new().unwrap().with_int(OptionKey::NumThreads, 1).unwrap();
    let c = count.clone();
    opts.set_progress(move |stage, done, total, _| {
        assert_eq!(stage, Stage::Density);
        assert!(done <= total);
        c.fetch_add(1, Ordering::SeqCst);
        true
    })
    .unwrap();
    let opts = Arc::new(opts);
    let g = Arc::new(Gmm::new(&[0.5, 0.5], &[-1.0, 1.0], &[1.0, 1.0]).unwrap());
    let alone = g.sample(50_000, Some(&opts)).unwrap();
    let per_call = count.swap(0, Ordering::SeqCst);
    assert!(per_call >= 1);
    let handles: Vec<_> = (0..3)
        .map(|_| {
            let (g, opts) = (g.clone(), opts.clone());
            thread::spawn(move || g.sample(50_000, Some(&opts)).unwrap())
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), alone);
    }
    assert_eq!(count.load(Ordering::SeqCst), 3 * per_call);
}
