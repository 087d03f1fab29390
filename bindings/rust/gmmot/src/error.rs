// SPDX-License-Identifier: MIT
//! Status codes, errors and warnings. A C status < 0 becomes an `Error`, a status > 0 a
//! `Warning` next to the result; both carry the code, its name and the detailed message, which
//! is read from the thread-local `gmmot_last_error_message()` right after the call, on the
//! calling thread (Rust never migrates a running call between OS threads).
use gmmot_sys as sys;
use std::ffi::CStr;
use std::fmt;
use std::ops::Deref;
use std::os::raw::c_int;

/// A libgmmot status code (`gmmot/status.h`). Codes unknown to this crate are kept as `Other`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Status {
    Ok,
    NotConverged,
    Symmetrized,
    InvalidArgument,
    BufferTooSmall,
    OutOfMemory,
    Dimension,
    TooLarge,
    Nonfinite,
    Weights,
    NotSymmetric,
    NotPsd,
    Singular,
    NoMap,
    Overflow,
    Lapack,
    Cancelled,
    IterationLimit,
    Format,
    Io,
    Family,
    Internal,
    Other(i32),
}

const TABLE: &[(Status, i32)] = &[
    (Status::Ok, sys::GMMOT_OK),
    (Status::NotConverged, sys::GMMOT_W_NOT_CONVERGED),
    (Status::Symmetrized, sys::GMMOT_W_SYMMETRIZED),
    (Status::InvalidArgument, sys::GMMOT_E_INVALID_ARGUMENT),
    (Status::BufferTooSmall, sys::GMMOT_E_BUFFER_TOO_SMALL),
    (Status::OutOfMemory, sys::GMMOT_E_OUT_OF_MEMORY),
    (Status::Dimension, sys::GMMOT_E_DIMENSION),
    (Status::TooLarge, sys::GMMOT_E_TOO_LARGE),
    (Status::Nonfinite, sys::GMMOT_E_NONFINITE),
    (Status::Weights, sys::GMMOT_E_WEIGHTS),
    (Status::NotSymmetric, sys::GMMOT_E_NOT_SYMMETRIC),
    (Status::NotPsd, sys::GMMOT_E_NOT_PSD),
    (Status::Singular, sys::GMMOT_E_SINGULAR),
    (Status::NoMap, sys::GMMOT_E_NO_MAP),
    (Status::Overflow, sys::GMMOT_E_OVERFLOW),
    (Status::Lapack, sys::GMMOT_E_LAPACK),
    (Status::Cancelled, sys::GMMOT_E_CANCELLED),
    (Status::IterationLimit, sys::GMMOT_E_ITERATION_LIMIT),
    (Status::Format, sys::GMMOT_E_FORMAT),
    (Status::Io, sys::GMMOT_E_IO),
    (Status::Family, sys::GMMOT_E_FAMILY),
    (Status::Internal, sys::GMMOT_E_INTERNAL),
];

impl Status {
    /// The status of a C code.
    pub fn from_code(code: i32) -> Status {
        TABLE.iter().find(|(_, c)| *c == code).map_or(Status::Other(code), |(s, _)| *s)
    }

    /// The C code.
    pub fn code(self) -> i32 {
        match self {
            Status::Other(c) => c,
            s => TABLE.iter().find(|(t, _)| *t == s).map(|(_, c)| *c).unwrap_or(0),
        }
    }

    /// The code's name as the library spells it, e.g. "GMMOT_E_WEIGHTS".
    pub fn name(self) -> &'static str {
        let text = status_string(self.code());
        text.split(':').next().unwrap_or(text)
    }

    /// Whether this is a warning (a code > 0: the call wrote its outputs).
    pub fn is_warning(self) -> bool {
        self.code() > 0
    }
}

/// The library's static description of a status code (`gmmot_status_string`), e.g.
/// "GMMOT_E_WEIGHTS: invalid mixture weights"; "unknown status" for unknown codes.
pub fn status_string(code: i32) -> &'static str {
    // SAFETY: the library returns a static, NUL-terminated, never-NULL string.
    let text = unsafe { CStr::from_ptr(sys::gmmot_status_string(code as c_int)) };
    text.to_str().unwrap_or("unknown status")
}

/// The detailed message of the last libgmmot call on this thread (`gmmot_last_error_message`).
/// The wrappers read it for you; it is exposed for callers of `gmmot-sys`.
pub fn last_error_message() -> String {
    // SAFETY: never NULL; valid until the next libgmmot call on this thread, and copied now.
    unsafe { CStr::from_ptr(sys::gmmot_last_error_message()) }.to_string_lossy().into_owned()
}

/// A failed call: nothing was written and no handle changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    status: Status,
    message: String,
}

impl Error {
    /// An error raised by the binding itself (bad slice length, interior NUL in a path...)
    /// before any C call.
    pub(crate) fn new(status: Status, message: impl Into<String>) -> Error {
        Error { status, message: message.into() }
    }
}

/// The accessors and the `NAME (code): message` display that `Error` and `Warning` share.
macro_rules! status_and_message {
    ($t:ident) => {
        impl $t {
            pub fn status(&self) -> Status {
                self.status
            }
            /// The C status code (< 0 for an error, > 0 for a warning).
            pub fn code(&self) -> i32 {
                self.status.code()
            }
            /// The status name, e.g. "GMMOT_E_DIMENSION".
            pub fn name(&self) -> &'static str {
                self.status.name()
            }
            /// The detailed message naming the function, argument and entry at fault.
            pub fn message(&self) -> &str {
                &self.message
            }
        }

        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{} ({}): {}", self.name(), self.code(), self.message)
            }
        }
    };
}

status_and_message!(Error);

impl std::error::Error for Error {}

/// A warning (status > 0): the call completed and wrote its outputs, but something deserves
/// attention (an iteration cap reached, an input symmetrised).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    status: Status,
    message: String,
}

status_and_message!(Warning);

/// `Result` with this crate's `Error`.
pub type Result<T> = std::result::Result<T, Error>;

/// A value computed by a call that may warn, with the warning if there was one. It derefs to
/// the value; `into_inner` drops the warning.
#[derive(Clone, Debug, PartialEq)]
pub struct Warned<T> {
    pub value: T,
    pub warning: Option<Warning>,
}

impl<T> Warned<T> {
    pub fn into_inner(self) -> T {
        self.value
    }
    pub fn warning(&self) -> Option<&Warning> {
        self.warning.as_ref()
    }
}

impl<T> Deref for Warned<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

/// Turn a status into Ok(None), Ok(Some(warning)) or Err, reading the message now (same
/// thread, before any other libgmmot call).
pub(crate) fn check(code: c_int) -> Result<Option<Warning>> {
    if code == 0 {
        return Ok(None);
    }
    let message = last_error_message();
    let status = Status::from_code(code);
    if code > 0 {
        Ok(Some(Warning { status, message }))
    } else {
        Err(Error { status, message })
    }
}

/// `check` for calls whose header promises no warning: any positive code is still success.
pub(crate) fn check_ok(code: c_int) -> Result<()> {
    check(code).map(|_| ())
}
