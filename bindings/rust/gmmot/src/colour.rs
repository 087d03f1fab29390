// SPDX-License-Identifier: MIT
//! Colour transfer between images in one call, and its guided-filter regularisation
//! (`gmmot/colour.h`). Images are row-major interleaved RGB: `width * height * 3` values in
//! [0, 1], pixel (x, y) channel c at `3 * (y * width + x) + c`.
use crate::error::{check, Error, Result, Status, Warned};
use crate::options::{call, Options};
use crate::util::{expect_len, mul};
use gmmot_sys as sys;

/// Values of `OptionKey::ColourSpace`.
pub mod colour_space {
    pub const RGB: i64 = gmmot_sys::GMMOT_COLOUR_RGB as i64;
    pub const LAB: i64 = gmmot_sys::GMMOT_COLOUR_LAB as i64;
    pub const YCBCR: i64 = gmmot_sys::GMMOT_COLOUR_YCBCR as i64;
}

/// The stage timings and counts of one transfer (`gmmot_colour_info`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ColourInfo {
    pub fit_source_seconds: f64,
    pub fit_target_seconds: f64,
    pub plan_seconds: f64,
    pub map_seconds: f64,
    pub regularize_seconds: f64,
    pub total_seconds: f64,
    /// MW2^2 between the two fits, in the working colour space's units.
    pub mw2_squared: f64,
    pub em_iterations_source: u64,
    pub em_iterations_target: u64,
    /// Distinct colours each fit ran on.
    pub colours_source: u64,
    pub colours_target: u64,
    /// The filter radius and subsampling used (0 when not regularised).
    pub radius: u64,
    pub subsample: u64,
}

/// An image's size and its checked length (3 width height).
fn image_len(func: &str, name: &str, len: usize, width: usize, height: usize) -> Result<usize> {
    if width == 0 || height == 0 {
        return Err(Error::new(Status::Dimension, format!("{}: {} is empty ({} x {} pixels)", func, name, width, height)));
    }
    let n = mul(func, name, mul(func, name, width, height)?, 3)?;
    expect_len(func, name, len, n, "3 * width * height")?;
    Ok(n)
}

/// Recolour `source` (`src_size` = (width, height)) with the palette of `target`
/// (`gmmot_colour_transfer`): EM fits of both palettes (every EM option of `opts` applies to
/// both), the MW2 plan, T_mean or T_rand in the space `OptionKey::ColourSpace`, the guided
/// filter of the colour change and clipping. Returns the recoloured image and the stage timings.
pub fn colour_transfer(source: &[f64], src_size: (usize, usize), target: &[f64], tgt_size: (usize, usize), opts: Option<&Options>) -> Result<Warned<(Vec<f64>, ColourInfo)>> {
    const F: &str = "colour::colour_transfer";
    let n = image_len(F, "source", source.len(), src_size.0, src_size.1)?;
    image_len(F, "target", target.len(), tgt_size.0, tgt_size.1)?;
    let mut out = vec![0.0; n];
    let mut info = [0.0f64; sys::GMMOT_COLOUR_INFO_COUNT as usize];
    let st = call(opts, |o| unsafe {
        sys::gmmot_colour_transfer(source.as_ptr(), src_size.0, src_size.1, target.as_ptr(), tgt_size.0, tgt_size.1, o, out.as_mut_ptr(), out.len(), info.as_mut_ptr(), info.len())
    });
    let warning = check(st)?;
    let u = |i: u32| info[i as usize] as u64;
    let info = ColourInfo {
        fit_source_seconds: info[sys::GMMOT_COLOUR_INFO_FIT_SOURCE_SECONDS as usize],
        fit_target_seconds: info[sys::GMMOT_COLOUR_INFO_FIT_TARGET_SECONDS as usize],
        plan_seconds: info[sys::GMMOT_COLOUR_INFO_PLAN_SECONDS as usize],
        map_seconds: info[sys::GMMOT_COLOUR_INFO_MAP_SECONDS as usize],
        regularize_seconds: info[sys::GMMOT_COLOUR_INFO_REGULARIZE_SECONDS as usize],
        total_seconds: info[sys::GMMOT_COLOUR_INFO_TOTAL_SECONDS as usize],
        mw2_squared: info[sys::GMMOT_COLOUR_INFO_MW2_SQUARED as usize],
        em_iterations_source: u(sys::GMMOT_COLOUR_INFO_EM_ITERATIONS_SOURCE),
        em_iterations_target: u(sys::GMMOT_COLOUR_INFO_EM_ITERATIONS_TARGET),
        colours_source: u(sys::GMMOT_COLOUR_INFO_COLOURS_SOURCE),
        colours_target: u(sys::GMMOT_COLOUR_INFO_COLOURS_TARGET),
        radius: u(sys::GMMOT_COLOUR_INFO_RADIUS),
        subsample: u(sys::GMMOT_COLOUR_INFO_SUBSAMPLE),
    };
    Ok(Warned { value: (out, info), warning })
}

/// The regularisation alone (`gmmot_colour_regularize`): `source + GF(mapped - source)`, the
/// colour change of any recolouring filtered by the colour guided filter with `source` as
/// guide, clipped unless `OptionKey::ColourClip` is 0. Returns the image and the radius used.
pub fn colour_regularize(source: &[f64], size: (usize, usize), mapped: &[f64], opts: Option<&Options>) -> Result<(Vec<f64>, usize)> {
    const F: &str = "colour::colour_regularize";
    let n = image_len(F, "source", source.len(), size.0, size.1)?;
    expect_len(F, "mapped", mapped.len(), n, "3 * width * height, as source")?;
    let mut out = vec![0.0; n];
    let mut radius = 0usize;
    let st = call(opts, |o| unsafe { sys::gmmot_colour_regularize(source.as_ptr(), size.0, size.1, mapped.as_ptr(), o, out.as_mut_ptr(), out.len(), &mut radius) });
    check(st)?;
    Ok((out, radius))
}
