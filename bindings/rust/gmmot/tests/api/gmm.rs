// SPDX-License-Identifier: MIT
// The mixture handle: creation, getters, density, sampling, saving and loading.
use super::common::*;
use gmmot::{Gmm, OptionKey, Options, Status};

fn two_component_2d() -> Gmm {
    Gmm::new(&[0.25, 0.75], &[0.0, 0.0, 3.0, -1.0], &[1.0, 0.0, 0.0, 2.0, 0.5, 0.1, 0.1, 0.3]).unwrap()
}

#[test]
fn getters_return_what_was_given() {
    let g = two_component_2d();
    assert_eq!((g.ncomponents(), g.dim()), (2, 2));
    assert!(g.warning().is_none());
    assert_eq!(g.weights().unwrap(), vec![0.25, 0.75]);
    assert_eq!(g.means().unwrap(), vec![0.0, 0.0, 3.0, -1.0]);
    assert_eq!(g.covariances().unwrap(), vec![1.0, 0.0, 0.0, 2.0, 0.5, 0.1, 0.1, 0.3]);
}

#[test]
fn log_density_of_a_one_dimensional_mixture() {
    let (w, m, v) = ([0.3, 0.7], [-1.0, 2.0], [0.5, 2.0]);
    let g = Gmm::new(&w, &m, &v).unwrap();
    let xs = [-3.0, -1.0, 0.0, 0.5, 2.0, 10.0];
    let got = g.log_density(&xs, None).unwrap();
    for (i, x) in xs.iter().enumerate() {
        let p: f64 = (0..2)
            .map(|k| w[k] * (-(x - m[k]).powi(2) / (2.0 * v[k])).exp() / (2.0 * std::f64::consts::PI * v[k]).sqrt())
            .sum();
        close(got[i], p.ln(), 1e-13, "log density");
    }
    assert!(g.log_density(&[], None).unwrap().is_empty());
    let e = two_component_2d().log_density(&[1.0, 2.0, 3.0], None).unwrap_err();
    assert_eq!(e.status(), Status::Dimension);
    assert!(e.message().contains("points"), "{}", e);
}

#[test]
fn sampling_is_seeded_and_matches_the_moments() {
    let g = Gmm::new(&[0.4, 0.6], &[-2.0, 3.0], &[0.25, 1.0]).unwrap();
    let opts = Options::new().unwrap().with_int(OptionKey::Seed, 42).unwrap();
    let s = g.sample(20000, Some(&opts)).unwrap();
    assert_eq!(s.points.len(), 20000);
    assert_eq!(s, g.sample(20000, Some(&opts)).unwrap(), "same seed, same draw");
    let first = g.sample(10, Some(&opts)).unwrap();
    assert_eq!(first.points[..], s.points[..10], "prefix property");
    let n1 = s.labels.iter().filter(|&&l| l == 1).count() as f64 / 20000.0;
    assert!((n1 - 0.6).abs() < 0.02, "label frequency {}", n1);
    let mean: f64 = s.points.iter().sum::<f64>() / 20000.0;
    close(mean, 0.4 * -2.0 + 0.6 * 3.0, 0.03, "sample mean");
    for (x, l) in s.points.iter().zip(&s.labels) {
        assert!(if *l == 0 { (*x + 2.0).abs() < 4.0 } else { (*x - 3.0).abs() < 8.0 });
    }
}

#[test]
fn creation_errors_carry_status_and_message() {
    let e = Gmm::new(&[0.5, 0.6], &[0.0, 1.0], &[1.0, 1.0]).unwrap_err();
    assert_eq!(e.status(), Status::Weights);
    assert_eq!(e.code(), -7);
    assert!(e.message().contains("gmmot_gmm_create"), "{}", e);
    let e = Gmm::new(&[1.0], &[0.0, 0.0], &[1.0, 2.0, 3.0, 1.0]).unwrap_err();
    assert_eq!(e.status(), Status::NotSymmetric);
    assert!(e.message().contains("covs[0]"), "{}", e);
    let e = Gmm::new(&[1.0], &[0.0, 0.0], &[1.0, 0.0, 0.0]).unwrap_err();
    assert_eq!(e.status(), Status::Dimension);
    assert!(e.message().contains("covs") && e.message().contains("Gmm::new"), "{}", e);
    let e = Gmm::new(&[], &[], &[]).unwrap_err();
    assert_eq!(e.status(), Status::Dimension);
    // A nearly symmetric covariance is accepted with a warning kept on the handle.
    let g = Gmm::new(&[1.0], &[0.0, 0.0], &[2.0, 1.0, 1.0 + 2e-10, 2.0]).unwrap();
    assert_eq!(g.warning().map(|w| w.status()), Some(Status::Symmetrized));
}

#[test]
fn save_and_load_round_trip_bit_for_bit() {
    let g = Gmm::new(&[1.0 / 3.0, 2.0 / 3.0], &[0.1, -1e-300, 7.0, 1e300], &[1.0 / 3.0, 0.1, 0.1, 2.0, 5e-310, 0.0, 0.0, 1e-5]).unwrap();
    let bytes = g.save().unwrap();
    assert_eq!(bytes.len(), g.saved_size().unwrap());
    assert_eq!(bytes.len(), 40 + 8 * (2 + 4 + 8));
    assert_eq!(&bytes[..8], &[0x89, b'G', b'M', b'M', 0x0D, 0x0A, 0x1A, 0x0A]);
    assert_eq!(u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]), gmmot::FORMAT_VERSION);
    let h = Gmm::load(&bytes).unwrap();
    let bits = |v: Vec<f64>| v.into_iter().map(f64::to_bits).collect::<Vec<_>>();
    assert_eq!(bits(h.weights().unwrap()), bits(g.weights().unwrap()));
    assert_eq!(bits(h.means().unwrap()), bits(g.means().unwrap()));
    assert_eq!(bits(h.covariances().unwrap()), bits(g.covariances().unwrap()));
    assert_eq!(h.save().unwrap(), bytes);
    // Through a writer and a reader.
    let mut buf = Vec::new();
    g.write_to(&mut buf).unwrap();
    assert_eq!(Gmm::read_from(&buf[..]).unwrap().save().unwrap(), bytes);
}

#[test]
fn corrupt_saved_data_is_a_format_error() {
    let bytes = two_component_2d().save().unwrap();
    let mut flipped = bytes.clone();
    flipped[50] ^= 1;
    let e = Gmm::load(&flipped).unwrap_err();
    assert_eq!(e.status(), Status::Format);
    assert!(!e.message().is_empty());
    assert_eq!(Gmm::load(&bytes[..bytes.len() - 1]).unwrap_err().status(), Status::Format);
    let mut longer = bytes.clone();
    longer.push(0);
    assert_eq!(Gmm::load(&longer).unwrap_err().status(), Status::Format);
    assert_eq!(Gmm::load(&[]).unwrap_err().status(), Status::Format);
}

#[test]
fn files_round_trip_and_io_errors_name_the_path() {
    let dir = std::env::temp_dir().join(format!("gmmot-rust-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("mixture.gmm");
    let g = two_component_2d();
    g.save_file(&path).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), g.save().unwrap());
    assert_eq!(Gmm::load_file(&path).unwrap().save().unwrap(), g.save().unwrap());
    let missing = dir.join("missing.gmm");
    let e = Gmm::load_file(&missing).unwrap_err();
    assert_eq!(e.status(), Status::Io);
    assert!(e.message().contains("missing.gmm"), "{}", e);
    let e = g.save_file(dir.join("no-such-dir").join("x.gmm")).unwrap_err();
    assert_eq!(e.status(), Status::Io);
    let e = Gmm::load_file("bad\0path").unwrap_err();
    assert_eq!(e.status(), Status::InvalidArgument);
    std::fs::remove_dir_all(&dir).unwrap();
}
