// SPDX-License-Identifier: MIT
//! Safe Rust bindings of libgmmot: optimal transport between Gaussian mixture models.
//!
//! - Handles (`Gmm`, `Options`, `Interrupt`, `Em`, `Transport`, `Mw2Plan`, `Barycenter`,
//!   `Relaxed`, `Gromov`, `Ew`) own their C object and free it on drop.
//! - Errors are `Result<T, gmmot::Error>` carrying the status, its name and the library's
//!   message (read on the calling thread right after the call). Wrong slice lengths are
//!   reported by the binding, naming the argument, before any C call.
//! - Warnings (status > 0: the call wrote its outputs) are never dropped: a handle records the
//!   warning of the call that created it (`warning()`), other results come as `Warned<T>`
//!   (derefs to the value; `.warning`).
//! - `Send`/`Sync` follow each header's thread rule: immutable handles are `Send + Sync`;
//!   `Em` (exclusive access) is `Send` only.
//! - `opts: Option<&Options>`: `None` means all defaults.
//!
//! The README follows (its example is compiled and run by `cargo test`).
#![doc = include_str!("../../README.md")]
pub mod barycenter;
pub mod colour;
pub mod em;
mod em_joint;
pub mod error;
pub mod ew;
pub mod gaussian;
pub mod gmm;
pub mod gromov;
pub mod mw2;
pub mod options;
pub mod relaxed;
pub mod texture;
pub mod transport;
mod util;

pub use barycenter::{Barycenter, BarycenterInfo, Certificate};
pub use colour::{colour_regularize, colour_transfer, ColourInfo};
pub use em::{Em, EmInfo, EmWork};
pub use error::{last_error_message, status_string, Error, Result, Status, Warned, Warning};
pub use ew::{Ew, EwInfo};
pub use gaussian::{Gaussian, GaussianBarycenter, MongeMap};
pub use gmm::{Family, Gmm, Sample};
pub use gromov::{gaussian_gw, gaussian_gw_map, Gromov, GwInfo};
pub use mw2::{mw2_squared, Mw2Plan, PairMaps};
pub use options::{Interrupt, OptionBounds, OptionKey, OptionType, Options, Stage};
pub use relaxed::{PathRow, Relaxed, RelaxedEnergy, RelaxedInfo};
pub use texture::{synthesize_texture, texture_adsn, Image, Texture, TEXTURE_STAGES};
pub use transport::{SolverInfo, SparsePlan, Transport};

pub use gmmot_sys as sys;

use std::ffi::CStr;

/// The version of the headers this crate was generated from.
pub const VERSION_NUMBER: i32 = gmmot_sys::GMMOT_VERSION_NUMBER as i32;
pub const FORMAT_VERSION: u32 = gmmot_sys::GMMOT_GMM_FORMAT_VERSION;

/// The version of the library loaded at run time (MAJOR*10000 + MINOR*100 + PATCH).
pub fn version_number() -> i32 {
    unsafe { sys::gmmot_version_number() }
}

/// The loaded library's version, e.g. "0.5.3".
pub fn version_string() -> &'static str {
    // SAFETY: static, NUL-terminated, never NULL.
    unsafe { CStr::from_ptr(sys::gmmot_version_string()) }.to_str().unwrap_or("")
}

/// The loaded library's build description (compiler, build type, BLAS/LAPACK).
pub fn build_info() -> &'static str {
    // SAFETY: owned by the library, valid until it is unloaded (it never is: linked).
    unsafe { CStr::from_ptr(sys::gmmot_build_info()) }.to_str().unwrap_or("")
}
