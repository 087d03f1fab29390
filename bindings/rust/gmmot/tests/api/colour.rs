// SPDX-License-Identifier: MIT
// colour_transfer and colour_regularize (gmmot/colour.h): analytic cases of the guided filter
// (a constant change is kept exactly; a change affine in the guide is reproduced as epsilon ->
// 0), the transfer's colour statistics moving toward the target's, the transfer = raw map +
// regularisation decomposition, EM options reaching the fits, errors.
use gmmot::colour::colour_space;
use gmmot::{colour_regularize, colour_transfer, OptionKey, Options, Stage, Status};

const W: usize = 40;
const H: usize = 30;

fn images() -> (Vec<f64>, Vec<f64>) {
    let (mut s, mut t) = (vec![0.0; W * H * 3], vec![0.0; W * H * 3]);
    for y in 0..H {
        for x in 0..W {
            let i = 3 * (y * W + x);
            let dark = if x > 25 && y > 15 { 0.3 } else { 1.0 };
            s[i] = ((0.1 + 0.3 * y as f64 / H as f64) * dark * 255.0).floor() / 255.0;
            s[i + 1] = ((0.2 + 0.3 * y as f64 / H as f64) * dark * 255.0).floor() / 255.0;
            s[i + 2] = ((0.5 + 0.4 * x as f64 / W as f64) * dark * 255.0).floor() / 255.0;
            t[i] = 0.6 + 0.35 * ((x * 7 + y * 3) % 11) as f64 / 11.0;
            t[i + 1] = 0.3 + 0.3 * ((x * 5 + y) % 7) as f64 / 7.0;
            t[i + 2] = 0.1 + 0.2 * ((x + y * 3) % 5) as f64 / 5.0;
        }
    }
    (s, t)
}

fn mean(img: &[f64]) -> [f64; 3] {
    let mut m = [0.0; 3];
    for p in img.chunks(3) {
        for c in 0..3 {
            m[c] += p[c];
        }
    }
    m.map(|v| v / (img.len() / 3) as f64)
}

fn dist(a: [f64; 3], b: [f64; 3]) -> f64 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)).sqrt()
}

#[test]
fn guided_filter_analytic_cases() {
    let (src, _) = images();
    // A constant change: every window's regression is a = 0, b = c.
    let shifted: Vec<f64> = src.iter().enumerate().map(|(i, v)| v + [0.1, -0.05, 0.02][i % 3]).collect();
    let opts = Options::new().unwrap().with_int(OptionKey::ColourClip, 0).unwrap().with_int(OptionKey::ColourRadius, 3).unwrap();
    let (out, r) = colour_regularize(&src, (W, H), &shifted, Some(&opts)).unwrap();
    assert_eq!(r, 3);
    let worst = out.iter().zip(&shifted).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
    assert!(worst < 1e-6, "constant change kept: {}", worst);
    // A change affine in the guide: reproduced as epsilon -> 0.
    let affine: Vec<f64> = src.chunks(3).flat_map(|p| [p[0] + 0.3 * p[1] - 0.1, p[1] - 0.2 * p[2] + 0.05, 0.5 * p[2] + 0.1 * p[0]]).collect();
    let opts = opts.with_double(OptionKey::ColourEpsilon, 1e-10).unwrap();
    let (out, _) = colour_regularize(&src, (W, H), &affine, Some(&opts)).unwrap();
    let worst = out.iter().zip(&affine).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
    assert!(worst < 1e-3, "affine change kept: {}", worst);
}

#[test]
fn transfer_moves_colours_and_decomposes() {
    let (src, tgt) = images();
    let opts = Options::new().unwrap().with_int(OptionKey::EmComponents, 3).unwrap();
    let r = colour_transfer(&src, (W, H), &tgt, (W, H), Some(&opts)).unwrap();
    assert!(r.warning.is_none());
    let (out, info) = &r.value;
    assert!(out.iter().all(|v| (0.0..=1.0).contains(v)));
    assert!(dist(mean(out), mean(&tgt)) < 0.25 * dist(mean(&src), mean(&tgt)));
    assert_eq!((info.radius, info.subsample), (2, 1));
    assert!(info.total_seconds >= info.fit_source_seconds + info.fit_target_seconds);
    assert!(info.colours_source > 0 && info.colours_source <= (W * H) as u64);
    // The same with the raw map and then colour_regularize, in CIELAB.
    let opts = opts.with_int(OptionKey::ColourSpace, colour_space::LAB).unwrap();
    let whole = colour_transfer(&src, (W, H), &tgt, (W, H), Some(&opts)).unwrap().value.0;
    let raw_opts = opts.try_clone().unwrap().with_int(OptionKey::ColourRegularize, 0).unwrap().with_int(OptionKey::ColourClip, 0).unwrap();
    let raw = colour_transfer(&src, (W, H), &tgt, (W, H), Some(&raw_opts)).unwrap().value.0;
    assert_eq!(colour_regularize(&src, (W, H), &raw, Some(&opts)).unwrap().0, whole);
}

#[test]
fn em_options_progress_and_errors() {
    let (src, tgt) = images();
    let mut opts = Options::new().unwrap().with_int(OptionKey::EmMaxIterations, 1).unwrap().with_double(OptionKey::EmTolerance, 0.0).unwrap();
    let steps = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = steps.clone();
    opts.set_progress(move |stage, done, total, _| {
        if stage == Stage::Colour {
            seen.lock().unwrap().push((done, total));
        }
        true
    })
    .unwrap();
    let r = colour_transfer(&src, (W, H), &tgt, (W, H), Some(&opts)).unwrap();
    assert_eq!(r.warning.as_ref().unwrap().status(), Status::NotConverged);
    assert_eq!((r.value.1.em_iterations_source, r.value.1.em_iterations_target), (1, 1));
    assert_eq!(*steps.lock().unwrap(), (0..6).map(|i| (i, 5)).collect::<Vec<_>>());
    let e = colour_transfer(&src[..10], (W, H), &tgt, (W, H), None).err().unwrap();
    assert_eq!(e.status(), Status::Dimension);
    assert!(e.to_string().contains("source"), "{}", e);
    assert_eq!(colour_transfer(&src, (0, H), &tgt, (W, H), None).err().unwrap().status(), Status::Dimension);
    let mut bad = src.clone();
    bad[3 * 7 + 2] = 1.5;
    let e = colour_transfer(&bad, (W, H), &tgt, (W, H), None).err().unwrap();
    assert_eq!(e.status(), Status::InvalidArgument);
    assert!(e.to_string().contains("source[7][2]"), "{}", e);
}
