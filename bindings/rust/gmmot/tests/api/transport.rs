// SPDX-License-Identifier: MIT
// Discrete transport against brute force over permutations (uniform weights: by Birkhoff's
// theorem an optimal plan is a permutation divided by n).
use super::common::*;
use gmmot::{options::transport_method, OptionKey, Options, Status, Transport};

fn random_costs(n: usize, m: usize, seed: u64) -> Vec<f64> {
    let mut rng = Rng::new(seed);
    (0..n * m).map(|_| rng.uniform() * 10.0 - 2.0).collect()
}

#[test]
fn exact_plan_matches_brute_force_over_permutations() {
    let n = 6;
    for seed in 1..6 {
        let c = random_costs(n, n, seed);
        let a = vec![1.0 / n as f64; n];
        let t = Transport::solve(&a, &a, &c, None).unwrap();
        assert!(t.warning().is_none());
        let best = permutations(n)
            .iter()
            .map(|p| p.iter().enumerate().map(|(i, &j)| c[i * n + j]).sum::<f64>() / n as f64)
            .fold(f64::INFINITY, f64::min);
        close(t.cost().unwrap(), best, 1e-13, "optimal cost");
        assert_eq!((t.rows(), t.cols()), (n, n));
        assert!(t.nnz() <= 2 * n - 1);
        // Dense and sparse plans agree, with the right marginals.
        let plan = t.plan().unwrap();
        let sp = t.sparse_plan().unwrap();
        assert_eq!(sp.mass.len(), t.nnz());
        for k in 0..sp.mass.len() {
            assert_eq!(plan[sp.rows[k] * n + sp.cols[k]], sp.mass[k]);
        }
        for i in 0..n {
            close(plan[i * n..(i + 1) * n].iter().sum(), a[i], 1e-14, "row sum");
            close((0..n).map(|r| plan[r * n + i]).sum(), a[i], 1e-14, "col sum");
        }
        // Dual feasibility and strong duality.
        let (u, v) = t.duals().unwrap();
        for i in 0..n {
            for j in 0..n {
                assert!(u[i] + v[j] <= c[i * n + j] + 1e-12);
            }
        }
        let dual: f64 = u.iter().chain(v.iter()).map(|x| x / n as f64).sum();
        close(dual, best, 1e-12, "dual objective");
        let info = t.info().unwrap();
        assert!(info.marginal_error < 1e-14);
        // Warm start from the duals: same optimum.
        let w = Transport::solve_warm(&a, &a, &c, &u, &v, None).unwrap();
        close(w.cost().unwrap(), best, 1e-13, "warm-started cost");
    }
}

#[test]
fn entropic_approaches_the_exact_cost_and_warns_at_its_cap() {
    let (n, m) = (4, 5);
    let c = random_costs(n, m, 9);
    let a = vec![0.25; 4];
    let b = vec![0.2; 5];
    let exact = Transport::solve(&a, &b, &c, None).unwrap().cost().unwrap();
    let mut opts = Options::new().unwrap();
    opts.set_int(OptionKey::TransportMethod, transport_method::ENTROPIC).unwrap();
    opts.set_double(OptionKey::EntropicEpsilon, 1e-4).unwrap();
    let t = Transport::solve(&a, &b, &c, Some(&opts)).unwrap();
    // Sinkhorn's marginals are met to 1e-9 only, so its cost may dip below the optimum by that.
    assert!(t.cost().unwrap() >= exact - 1e-6);
    close(t.cost().unwrap(), exact, 1e-4, "entropic cost");
    opts.set_int(OptionKey::EntropicMaxIterations, 1).unwrap();
    let t = Transport::solve(&a, &b, &c, Some(&opts)).unwrap();
    assert_eq!(t.warning().map(|w| w.status()), Some(Status::NotConverged));
    assert_eq!(t.warning().unwrap().name(), "GMMOT_W_NOT_CONVERGED");
}

#[test]
fn bad_problems_are_reported() {
    let e = Transport::solve(&[0.5, 0.5], &[1.0], &[1.0], None).unwrap_err();
    assert_eq!(e.status(), Status::Dimension);
    assert!(e.message().contains("cost"), "{}", e);
    let e = Transport::solve(&[0.5, 0.5], &[0.7], &[1.0, 2.0], None).unwrap_err();
    assert_eq!(e.status(), Status::Weights);
    let e = Transport::solve(&[1.0], &[1.0], &[f64::INFINITY], None).unwrap_err();
    assert_eq!(e.status(), Status::Nonfinite);
    assert!(e.message().contains("cost[0][0]"), "{}", e);
    let e = Transport::solve_warm(&[1.0], &[1.0], &[1.0], &[0.0, 0.0], &[0.0], None).unwrap_err();
    assert!(e.message().contains("u0"), "{}", e);
    let mut opts = Options::new().unwrap();
    let e = opts.set_int(OptionKey::TransportMethod, 7).unwrap_err();
    assert_eq!(e.status(), Status::InvalidArgument);
    let e = opts.set_double(OptionKey::Seed, 1.0).unwrap_err();
    assert_eq!(e.status(), Status::InvalidArgument);
}
