// SPDX-License-Identifier: MIT
//! Texture synthesis by the MW2 transport of patch mixtures (`gmmot/texture.h`; Delon-Desolneux
//! 2020, section 7.2).
use gmmot_sys as sys;

use crate::error::{check, Error, Result, Status, Warned};
use crate::options::{call, Options};
use crate::util::{expect_len, mul, zeroed};

/// A borrowed image: `height` rows of `width` pixels of `channels` values, interleaved.
#[derive(Clone, Copy, Debug)]
pub struct Image<'a> {
    pub pixels: &'a [f64],
    pub width: usize,
    pub height: usize,
    pub channels: usize,
}

/// The stages of a synthesis, in the order of `Texture::seconds`.
pub const TEXTURE_STAGES: [&str; 7] = ["adsn", "patches", "fit_exemplar", "fit_adsn", "plan", "map", "aggregate"];

/// A synthesised texture: `out_width * out_height * channels` values and the seconds per stage.
#[derive(Clone, Debug)]
pub struct Texture {
    pub pixels: Vec<f64>,
    pub seconds: [f64; 7],
}

fn check_image(f: &str, u: &Image, out_width: usize, out_height: usize) -> Result<usize> {
    let n = mul(f, "width height", u.width, u.height)?;
    expect_len(f, "exemplar", u.pixels.len(), mul(f, "width height channels", n, u.channels)?, "width x height x channels")?;
    if out_width == 0 || out_height == 0 {
        return Err(Error::new(Status::Dimension, format!("{}: out_width and out_height must be positive ({} x {})", f, out_width, out_height)));
    }
    mul(f, "out_width out_height channels", mul(f, "out_width out_height", out_width, out_height)?, u.channels)
}

/// Synthesise an `out_width x out_height` texture like the exemplar (`gmmot_texture_synthesize`).
/// Options `OptionKey::Texture*`, `Seed`, `NumThreads`, the transport keys; a warning
/// (`Status::NotConverged`) when an EM fit reached its cap.
pub fn synthesize_texture(exemplar: &Image, out_width: usize, out_height: usize, opts: Option<&Options>) -> Result<Warned<Texture>> {
    const F: &str = "texture::synthesize_texture";
    let n = check_image(F, exemplar, out_width, out_height)?;
    let mut out: Vec<f64> = zeroed(F, "out", n)?;
    let mut seconds = [0.0f64; 7];
    let st = call(opts, |o| unsafe {
        sys::gmmot_texture_synthesize(exemplar.pixels.as_ptr(), exemplar.width, exemplar.height, exemplar.channels, out_width, out_height, o, out.as_mut_ptr(), out.len(), seconds.as_mut_ptr(), seconds.len())
    });
    let warning = check(st)?;
    Ok(Warned { value: Texture { pixels: out, seconds }, warning })
}

/// The ADSN that `synthesize_texture` with the same arguments transports (`gmmot_texture_adsn`).
pub fn texture_adsn(exemplar: &Image, out_width: usize, out_height: usize, opts: Option<&Options>) -> Result<Vec<f64>> {
    const F: &str = "texture::texture_adsn";
    let n = check_image(F, exemplar, out_width, out_height)?;
    let mut out: Vec<f64> = zeroed(F, "out", n)?;
    let st = call(opts, |o| unsafe {
        sys::gmmot_texture_adsn(exemplar.pixels.as_ptr(), exemplar.width, exemplar.height, exemplar.channels, out_width, out_height, o, out.as_mut_ptr(), out.len())
    });
    check(st)?;
    Ok(out)
}
