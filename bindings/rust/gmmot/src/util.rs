// SPDX-License-Identifier: MIT
//! Argument checks made before any C call, so a wrong slice length is an error naming the
//! argument rather than an out-of-bounds read in C.
use crate::error::{Error, Result, Status};

/// a * b, or GMMOT_E_TOO_LARGE naming what overflowed.
pub(crate) fn mul(func: &str, what: &str, a: usize, b: usize) -> Result<usize> {
    a.checked_mul(b).ok_or_else(|| {
        Error::new(Status::TooLarge, format!("{}: {} = {} x {} overflows usize", func, what, a, b))
    })
}

/// Require `slice.len() == expected`.
pub(crate) fn expect_len(func: &str, name: &str, len: usize, expected: usize, shape: &str) -> Result<()> {
    if len == expected {
        Ok(())
    } else {
        Err(Error::new(
            Status::Dimension,
            format!("{}: {} has {} entries, expected {} ({})", func, name, len, expected, shape),
        ))
    }
}

/// The number of rows of a row-major array of `len` entries with `cols` columns.
pub(crate) fn rows(func: &str, name: &str, len: usize, cols: usize) -> Result<usize> {
    if cols == 0 {
        return Err(Error::new(Status::Dimension, format!("{}: {}: dimension d is 0", func, name)));
    }
    if len % cols != 0 {
        return Err(Error::new(
            Status::Dimension,
            format!("{}: {} has {} entries, not a multiple of d = {}", func, name, len, cols),
        ));
    }
    Ok(len / cols)
}

/// A pointer for an optional input slice (NULL for None).
pub(crate) fn opt_ptr(s: Option<&[f64]>) -> *const f64 {
    s.map_or(std::ptr::null(), |s| s.as_ptr())
}
