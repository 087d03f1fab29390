// SPDX-License-Identifier: MIT
// synthesize_texture and texture_adsn: shapes, stage timings, determinism over thread counts,
// the ADSN's mean (the exemplar's, over many seeds, within 5 standard errors), and errors that
// name their argument.
use gmmot::{synthesize_texture, texture_adsn, Image, OptionKey, Options, Status, TEXTURE_STAGES};

fn stripes(w: usize, h: usize) -> Vec<f64> {
    let mut v = Vec::with_capacity(w * h * 3);
    for y in 0..h {
        for x in 0..w {
            v.push(0.5 + 0.4 * (0.9 * x as f64 + 0.3 * y as f64).sin());
            v.push(if (x / 3 + y / 2) % 2 == 1 { 0.8 } else { 0.2 });
            v.push(0.1 * (x % 5) as f64);
        }
    }
    v
}

#[test]
fn texture_synthesis_and_adsn() {
    let px = stripes(16, 12);
    let u = Image { pixels: &px, width: 16, height: 12, channels: 3 };
    let mut o = Options::new().unwrap();
    o.set_int(OptionKey::TextureComponents, 4).unwrap();
    o.set_int(OptionKey::NumThreads, 2).unwrap();
    let t = synthesize_texture(&u, 20, 18, Some(&o)).unwrap();
    assert_eq!(t.pixels.len(), 20 * 18 * 3);
    assert_eq!(TEXTURE_STAGES.len(), t.seconds.len());
    assert!(t.seconds.iter().all(|&s| s >= 0.0) && t.pixels.iter().all(|v| v.is_finite()));
    o.set_int(OptionKey::NumThreads, 1).unwrap();
    assert_eq!(synthesize_texture(&u, 20, 18, Some(&o)).unwrap().pixels, t.pixels);
    // E[ADSN] = the exemplar's mean: the mean of 100 seeds' 4 x 4 windows.
    let mean: f64 = (0..16 * 12).map(|i| px[i * 3]).sum::<f64>() / 192.0;
    let sd = ((0..16 * 12).map(|i| (px[i * 3] - mean).powi(2)).sum::<f64>() / 192.0).sqrt();
    let mut acc = 0.0;
    for s in 0..100 {
        o.set_int(OptionKey::Seed, s).unwrap();
        let a = texture_adsn(&u, 4, 4, Some(&o)).unwrap();
        acc += (0..16).map(|i| a[i * 3]).sum::<f64>() / 16.0 / 100.0;
    }
    assert!((acc - mean).abs() < 5.0 * sd / 10.0, "{} vs {}", acc, mean);
}

#[test]
fn texture_errors_name_the_argument() {
    let px = stripes(16, 12);
    let short = Image { pixels: &px[..10], width: 16, height: 12, channels: 3 };
    let e = synthesize_texture(&short, 8, 8, None).err().unwrap();
    assert_eq!(e.status(), Status::Dimension);
    assert!(e.to_string().contains("exemplar"), "{}", e);
    let tiny = Image { pixels: &px[..2 * 12 * 3], width: 2, height: 12, channels: 3 };
    let e = synthesize_texture(&tiny, 8, 8, None).err().unwrap();
    assert_eq!(e.status(), Status::Dimension);
    assert!(e.to_string().contains("patch"), "{}", e);
    let u = Image { pixels: &px, width: 16, height: 12, channels: 3 };
    assert_eq!(texture_adsn(&u, 0, 8, None).err().unwrap().status(), Status::Dimension);
    let mut bad = px.clone();
    bad[7] = f64::NAN;
    let b = Image { pixels: &bad, width: 16, height: 12, channels: 3 };
    let e = texture_adsn(&b, 8, 8, None).err().unwrap();
    assert_eq!(e.status(), Status::Nonfinite);
    assert!(e.to_string().contains("exemplar[7]"), "{}", e);
}
