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

/// A zero-filled output buffer of `len` values, or an error naming `what` (`TooLarge` when the
/// size in bytes overflows, `OutOfMemory` when the allocation fails) instead of the panic or
/// abort of `vec!`.
pub(crate) fn zeroed<T: Clone + Default>(func: &str, what: &str, len: usize) -> Result<Vec<T>> {
    let size = std::mem::size_of::<T>();
    if len.checked_mul(size).map_or(true, |bytes| bytes > isize::MAX as usize) {
        return Err(Error::new(
            Status::TooLarge,
            format!("{}: {} needs {} values of {} bytes: more than the address space", func, what, len, size),
        ));
    }
    let mut v = Vec::new();
    v.try_reserve_exact(len).map_err(|_| {
        Error::new(Status::OutOfMemory, format!("{}: cannot allocate {} ({} values of {} bytes)", func, what, len, size))
    })?;
    v.resize(len, T::default());
    Ok(v)
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
