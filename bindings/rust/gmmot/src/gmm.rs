// SPDX-License-Identifier: MIT
//! The Gaussian mixture handle (`gmmot/gmm.h`) and saved mixtures (`gmmot/gmm_io.h`).
use crate::error::{check, check_ok, Error, Result, Status, Warning};
use crate::options::{call, Options};
use crate::util::{expect_len, mul, rows, zeroed};
use gmmot_sys as sys;
use std::ffi::CString;
use std::io::{Read, Write};
use std::path::Path;
use std::ptr::{self, NonNull};

/// A Gaussian mixture sum_k w_k N(m_k, S_k) on R^d, immutable once created. Arrays are
/// row-major: weights K, means K x d, covariances K x d x d.
///
/// The same handle may hold a Student-t mixture sum_k w_k t_nu(m_k, S_k) with one nu > 2
/// (`Gmm::student_t`, or the coupling, geodesic and barycenters of Student-t inputs):
/// `family()` is then `Family::StudentT`, `nu()` the degrees of freedom, `scales()` the S_k and
/// `covariances()` nu / (nu - 2) S_k. Calls combining mixtures of different families or nu fail
/// with `Status::Family`.
pub struct Gmm {
    ptr: NonNull<sys::gmmot_gmm_t>,
    warning: Option<Warning>,
}

// SAFETY: gmm.h's thread rule: a gmmot_gmm_t is immutable after creation and one handle may be
// used by any number of threads at once; Drop destroys it only when no borrow (no call) is left.
unsafe impl Send for Gmm {}
unsafe impl Sync for Gmm {}

/// The component family of a mixture (`gmmot_family`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Family {
    /// Gaussian components (`Gmm::new`).
    Gaussian,
    /// Student-t components sharing one nu (`Gmm::student_t`).
    StudentT,
}

impl Family {
    /// The family of a C `gmmot_family` value.
    pub fn from_code(code: i32) -> Option<Family> {
        match code as sys::gmmot_family {
            sys::GMMOT_FAMILY_GAUSSIAN => Some(Family::Gaussian),
            sys::GMMOT_FAMILY_STUDENT_T => Some(Family::StudentT),
            _ => None,
        }
    }

    /// The C `gmmot_family` value.
    pub fn code(self) -> i32 {
        (match self {
            Family::Gaussian => sys::GMMOT_FAMILY_GAUSSIAN,
            Family::StudentT => sys::GMMOT_FAMILY_STUDENT_T,
        }) as i32
    }
}

/// Points drawn by `Gmm::sample`: n x d row-major, and each point's component.
#[derive(Clone, Debug, PartialEq)]
pub struct Sample {
    pub points: Vec<f64>,
    pub labels: Vec<usize>,
}

impl Gmm {
    /// Take ownership of a handle returned through an out-pointer by a successful call.
    pub(crate) fn from_out(out: *mut sys::gmmot_gmm_t, warning: Option<Warning>, func: &str) -> Gmm {
        Gmm { ptr: NonNull::new(out).unwrap_or_else(|| panic!("{}: NULL handle on success", func)), warning }
    }

    /// A mixture from K = weights.len() components; d is means.len() / K and covs must hold
    /// K d^2 entries. The library validates the content (finite, weights on the simplex,
    /// symmetric PSD covariances); a covariance symmetrised beyond rounding gives a handle with
    /// `warning()` set (`Status::Symmetrized`).
    pub fn new(weights: &[f64], means: &[f64], covs: &[f64]) -> Result<Gmm> {
        let (k, d) = shape("Gmm::new", weights, means, covs, "covs")?;
        let mut out = ptr::null_mut();
        let st = unsafe { sys::gmmot_gmm_create(k, d, weights.as_ptr(), means.as_ptr(), covs.as_ptr(), &mut out) };
        let warning = check(st)?;
        Ok(Gmm::from_out(out, warning, "gmmot_gmm_create"))
    }

    /// A Student-t mixture sum_k w_k t_nu(m_k, S_k) from K = weights.len() components with
    /// `nu` degrees of freedom; `scales` holds the K d^2 entries of the scale matrices S_k (the
    /// covariances are nu / (nu - 2) S_k). Validated as `new`, plus `Status::InvalidArgument`
    /// when nu is not a finite number > 2.
    pub fn student_t(weights: &[f64], means: &[f64], scales: &[f64], nu: f64) -> Result<Gmm> {
        let (k, d) = shape("Gmm::student_t", weights, means, scales, "scales")?;
        let mut out = ptr::null_mut();
        let st = unsafe {
            sys::gmmot_gmm_create_t(k, d, nu, weights.as_ptr(), means.as_ptr(), scales.as_ptr(), &mut out)
        };
        let warning = check(st)?;
        Ok(Gmm::from_out(out, warning, "gmmot_gmm_create_t"))
    }

    fn family_and_nu(&self) -> (Family, f64) {
        let (mut code, mut nu) = (0, 0.0);
        // Fails only for a NULL handle, which a Gmm never holds.
        check_ok(unsafe { sys::gmmot_gmm_get_family(self.ptr.as_ptr(), &mut code, &mut nu) })
            .unwrap_or_else(|e| panic!("gmmot_gmm_get_family: {}", e));
        let family = Family::from_code(code).unwrap_or_else(|| panic!("gmmot_gmm_get_family: unknown family {}", code));
        (family, nu)
    }

    /// The component family.
    pub fn family(&self) -> Family {
        self.family_and_nu().0
    }

    /// The degrees of freedom of the Student-t components; +infinity for a Gaussian mixture
    /// (the Student-t limit).
    pub fn nu(&self) -> f64 {
        self.family_and_nu().1
    }

    /// The warning of the call that created this handle, if any.
    pub fn warning(&self) -> Option<&Warning> {
        self.warning.as_ref()
    }

    /// Number of components K.
    pub fn ncomponents(&self) -> usize {
        unsafe { sys::gmmot_gmm_ncomponents(self.ptr.as_ptr()) }
    }

    /// Dimension d.
    pub fn dim(&self) -> usize {
        unsafe { sys::gmmot_gmm_dim(self.ptr.as_ptr()) }
    }

    /// The K normalised weights.
    pub fn weights(&self) -> Result<Vec<f64>> {
        let mut out = vec![0.0; self.ncomponents()];
        check_ok(unsafe { sys::gmmot_gmm_copy_weights(self.ptr.as_ptr(), out.as_mut_ptr(), out.len()) })?;
        Ok(out)
    }

    /// The K x d means, row-major.
    pub fn means(&self) -> Result<Vec<f64>> {
        let mut out = vec![0.0; self.ncomponents() * self.dim()];
        check_ok(unsafe { sys::gmmot_gmm_copy_means(self.ptr.as_ptr(), out.as_mut_ptr(), out.len()) })?;
        Ok(out)
    }

    /// The K x d x d covariances as stored (symmetrised).
    pub fn covariances(&self) -> Result<Vec<f64>> {
        let d = self.dim();
        let mut out = vec![0.0; self.ncomponents() * d * d];
        check_ok(unsafe { sys::gmmot_gmm_copy_covariances(self.ptr.as_ptr(), out.as_mut_ptr(), out.len()) })?;
        Ok(out)
    }

    /// The K x d x d scale matrices S_k: those given to `student_t` (symmetrised), or the
    /// covariances divided by nu / (nu - 2) for a t-mixture computed by the library; the
    /// covariances of a Gaussian mixture.
    pub fn scales(&self) -> Result<Vec<f64>> {
        let d = self.dim();
        let mut out = vec![0.0; self.ncomponents() * d * d];
        check_ok(unsafe { sys::gmmot_gmm_copy_scales(self.ptr.as_ptr(), out.as_mut_ptr(), out.len()) })?;
        Ok(out)
    }

    /// log mu(x) at the n points of `points` (n x d row-major).
    pub fn log_density(&self, points: &[f64], opts: Option<&Options>) -> Result<Vec<f64>> {
        let n = rows("Gmm::log_density", "points", points.len(), self.dim())?;
        let mut out = vec![0.0; n];
        let st = call(opts, |o| unsafe {
            sys::gmmot_gmm_log_density(self.ptr.as_ptr(), n, points.as_ptr(), o, out.as_mut_ptr(), out.len())
        });
        check_ok(st)?;
        Ok(out)
    }

    /// n points drawn from the mixture (seeded by `OptionKey::Seed`) and their components.
    pub fn sample(&self, n: usize, opts: Option<&Options>) -> Result<Sample> {
        let len = mul("Gmm::sample", "n d", n, self.dim())?;
        let mut points = zeroed("Gmm::sample", "the points (n x d)", len)?;
        let mut labels = zeroed("Gmm::sample", "the labels (n)", n)?;
        let st = call(opts, |o| unsafe {
            sys::gmmot_gmm_sample(
                self.ptr.as_ptr(),
                n,
                o,
                points.as_mut_ptr(),
                points.len(),
                labels.as_mut_ptr(),
                labels.len(),
            )
        });
        check_ok(st)?;
        Ok(Sample { points, labels })
    }

    /// The number of bytes `save` writes: 40 + 8 (K + K d + K d d).
    pub fn saved_size(&self) -> Result<usize> {
        let mut size = 0usize;
        check_ok(unsafe { sys::gmmot_gmm_saved_size(self.ptr.as_ptr(), &mut size) })?;
        Ok(size)
    }

    /// The mixture in libgmmot's versioned, endian-defined binary format (gmm_io.h).
    pub fn save(&self) -> Result<Vec<u8>> {
        let mut out = vec![0u8; self.saved_size()?];
        let mut written = 0usize;
        check_ok(unsafe { sys::gmmot_gmm_save(self.ptr.as_ptr(), out.as_mut_ptr(), out.len(), &mut written) })?;
        out.truncate(written);
        Ok(out)
    }

    /// Read exactly one saved mixture from `data` (`Status::Format` for corrupt data).
    pub fn load(data: &[u8]) -> Result<Gmm> {
        let mut out = ptr::null_mut();
        let warning = check(unsafe { sys::gmmot_gmm_load(data.as_ptr(), data.len(), &mut out) })?;
        Ok(Gmm::from_out(out, warning, "gmmot_gmm_load"))
    }

    /// Save to a file, atomically replacing any file at `path`.
    pub fn save_file<P: AsRef<Path>>(&self, path: P) -> Result<()> {
        let c = path_to_cstring("Gmm::save_file", path.as_ref())?;
        check_ok(unsafe { sys::gmmot_gmm_save_file(self.ptr.as_ptr(), c.as_ptr()) })
    }

    /// Load a file written by `save_file` (or holding exactly the bytes of `save`).
    pub fn load_file<P: AsRef<Path>>(path: P) -> Result<Gmm> {
        let c = path_to_cstring("Gmm::load_file", path.as_ref())?;
        let mut out = ptr::null_mut();
        let warning = check(unsafe { sys::gmmot_gmm_load_file(c.as_ptr(), &mut out) })?;
        Ok(Gmm::from_out(out, warning, "gmmot_gmm_load_file"))
    }

    /// Write the saved form to any writer (`Status::Io` with the writer's error on failure).
    pub fn write_to<W: Write>(&self, mut writer: W) -> Result<()> {
        let bytes = self.save()?;
        writer
            .write_all(&bytes)
            .map_err(|e| Error::new(Status::Io, format!("Gmm::write_to: {}", e)))
    }

    /// Read one saved mixture from a reader, consuming it to its end.
    pub fn read_from<R: Read>(mut reader: R) -> Result<Gmm> {
        let mut bytes = Vec::new();
        reader
            .read_to_end(&mut bytes)
            .map_err(|e| Error::new(Status::Io, format!("Gmm::read_from: {}", e)))?;
        Gmm::load(&bytes)
    }

    pub fn as_ptr(&self) -> *const sys::gmmot_gmm_t {
        self.ptr.as_ptr()
    }
}

impl Drop for Gmm {
    fn drop(&mut self) {
        unsafe { sys::gmmot_gmm_destroy(self.ptr.as_ptr()) }
    }
}

impl std::fmt::Debug for Gmm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (family, nu) = self.family_and_nu();
        let mut s = f.debug_struct("Gmm");
        s.field("k", &self.ncomponents()).field("d", &self.dim());
        if family == Family::StudentT {
            s.field("family", &family).field("nu", &nu);
        }
        s.finish()
    }
}

/// (K, d) of a mixture's arrays, checked before any C call; `mats` is the name of the K d^2
/// matrix array.
fn shape(func: &str, weights: &[f64], means: &[f64], matrices: &[f64], mats: &str) -> Result<(usize, usize)> {
    let k = weights.len();
    if k == 0 {
        return Err(Error::new(Status::Dimension, format!("{}: weights is empty (K = 0)", func)));
    }
    let d = rows(func, "means", means.len(), k)?;
    if d == 0 {
        return Err(Error::new(Status::Dimension, format!("{}: means is empty (d = 0)", func)));
    }
    let kdd = mul(func, "K d d", mul(func, "K d", k, d)?, d)?;
    expect_len(func, mats, matrices.len(), kdd, "K x d x d")?;
    Ok((k, d))
}

fn path_to_cstring(func: &str, path: &Path) -> Result<CString> {
    #[cfg(unix)]
    let bytes = {
        use std::os::unix::ffi::OsStrExt;
        path.as_os_str().as_bytes().to_vec()
    };
    #[cfg(not(unix))]
    let bytes = path
        .to_str()
        .ok_or_else(|| Error::new(Status::InvalidArgument, format!("{}: path is not valid UTF-8", func)))?
        .as_bytes()
        .to_vec();
    CString::new(bytes).map_err(|_| {
        Error::new(Status::InvalidArgument, format!("{}: path {:?} contains a NUL byte", func, path))
    })
}
