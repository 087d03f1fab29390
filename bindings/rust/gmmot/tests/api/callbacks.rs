// SPDX-License-Identifier: MIT
// Progress callbacks shared by concurrent calls: run concurrently (not serialised), each call
// re-raising its own callback panic; huge outputs refused with an error, not a panic.
use gmmot::*;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

fn two_components() -> Arc<Gmm> {
    Arc::new(Gmm::new(&[0.5, 0.5], &[-1.0, 1.0], &[1.0, 1.0]).unwrap())
}

// Two calls sharing one callback are inside it at once (options.h allows it; a lock around
// the callback used to serialise them, so the second waited for the first). The wait for the
// sibling is bounded only so that a regression fails instead of hanging.
#[test]
fn shared_callback_runs_concurrently() {
    let g = two_components();
    let inside = Arc::new(AtomicUsize::new(0));
    let both_seen = Arc::new(AtomicUsize::new(0));
    let mut opts = Options::new().unwrap().with_int(OptionKey::NumThreads, 1).unwrap();
    let (i2, b2) = (inside.clone(), both_seen.clone());
    opts.set_progress(move |_, _, _, _| {
        i2.fetch_add(1, Ordering::SeqCst);
        let start = Instant::now();
        while i2.load(Ordering::SeqCst) < 2 && start.elapsed() < Duration::from_secs(5) {
            thread::yield_now();
        }
        if i2.load(Ordering::SeqCst) >= 2 {
            b2.fetch_add(1, Ordering::SeqCst);
        }
        false // one report per call is enough
    })
    .unwrap();
    let opts = Arc::new(opts);
    let workers: Vec<_> = (0..2)
        .map(|_| {
            let (g, o) = (g.clone(), opts.clone());
            thread::spawn(move || g.sample(20000, Some(&o)).map(|_| ()).unwrap_err().status())
        })
        .collect();
    for w in workers {
        assert_eq!(w.join().unwrap(), Status::Cancelled);
    }
    assert_eq!(both_seen.load(Ordering::SeqCst), 2, "the two calls were never inside the callback together");
}

// Both calls' callbacks panic at the same time, with the call's own n (the sample call's
// `total`): each call re-raises its own panic, on its own thread, and none is lost.
#[test]
fn callback_panics_stay_with_their_calls() {
    let g = two_components();
    for iteration in 0..20 {
        let arrived = Arc::new(AtomicUsize::new(0));
        let reported = Arc::new(std::sync::Mutex::new(Vec::<u64>::new()));
        let mut opts = Options::new().unwrap().with_int(OptionKey::NumThreads, 1).unwrap();
        let (b, r) = (arrived.clone(), reported.clone());
        opts.set_progress(move |_, _, total, _| {
            let first = {
                let mut seen = r.lock().unwrap();
                let first = !seen.contains(&total);
                if first {
                    seen.push(total);
                }
                first
            };
            if first {
                // Both calls are in the callback before either panics (bounded only so that
                // a regression to serialised callbacks fails instead of hanging).
                b.fetch_add(1, Ordering::SeqCst);
                let start = Instant::now();
                while b.load(Ordering::SeqCst) < 2 && start.elapsed() < Duration::from_secs(5) {
                    thread::yield_now();
                }
            }
            std::panic::panic_any(total)
        })
        .unwrap();
        let opts = Arc::new(opts);
        let workers: Vec<_> = (0..2u64)
            .map(|i| {
                let (g, o) = (g.clone(), opts.clone());
                thread::spawn(move || {
                    let n = 20000 + i as usize;
                    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| g.sample(n, Some(&o))));
                    (n as u64, caught.err().and_then(|p| p.downcast_ref::<u64>().copied()))
                })
            })
            .collect();
        for w in workers {
            let (n, payload) = w.join().unwrap();
            assert_eq!(payload, Some(n), "iteration {}: the call with n = {} re-raised {:?}", iteration, n, payload);
        }
    }
}

// A callback that makes a call with the same options (a nested report to itself) must not
// deadlock: there is no lock around the callback.
#[test]
fn callback_may_report_to_itself_from_a_nested_call() {
    let g = two_components();
    let depth = Arc::new(AtomicUsize::new(0));
    let nested_ok = Arc::new(AtomicUsize::new(0));
    let slot: Arc<std::sync::Mutex<Option<Arc<Options>>>> = Arc::new(std::sync::Mutex::new(None));
    let mut opts = Options::new().unwrap().with_int(OptionKey::NumThreads, 1).unwrap();
    let (d, ok, s, g2) = (depth.clone(), nested_ok.clone(), slot.clone(), g.clone());
    opts.set_progress(move |_, _, _, _| {
        if d.fetch_add(1, Ordering::SeqCst) == 0 {
            let o = s.lock().unwrap().clone().unwrap();
            if g2.sample(100, Some(&o)).is_ok() {
                ok.fetch_add(1, Ordering::SeqCst);
            }
        }
        d.fetch_sub(1, Ordering::SeqCst);
        true
    })
    .unwrap();
    let opts = Arc::new(opts);
    *slot.lock().unwrap() = Some(opts.clone());
    g.sample(1000, Some(&opts)).unwrap();
    *slot.lock().unwrap() = None; // break the cycle opts -> callback -> slot -> opts
    assert!(nested_ok.load(Ordering::SeqCst) >= 1, "the nested call never ran");
}

// Output sizes given by the caller are checked before allocating: an error naming the
// argument, not a "capacity overflow" panic or an allocation abort.
#[test]
fn huge_sample_is_an_error() {
    let g = Gmm::new(&[1.0], &[0.0], &[1.0]).unwrap();
    let e = g.sample(1usize << 61, None).map(|_| ()).unwrap_err();
    assert_eq!(e.status(), Status::TooLarge);
    assert!(e.message().contains("Gmm::sample"), "{}", e.message());
    let g2 = Gmm::new(&[1.0], &[0.0, 0.0], &[1.0, 0.0, 0.0, 1.0]).unwrap();
    let e = g2.sample(usize::MAX / 2 + 1, None).map(|_| ()).unwrap_err();
    assert_eq!(e.status(), Status::TooLarge);
}
