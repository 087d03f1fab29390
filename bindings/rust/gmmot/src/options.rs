// SPDX-License-Identifier: MIT
//! The options object (`gmmot/options.h`), the interrupt flag and progress callbacks
//! (`gmmot/progress.h`).
use crate::error::{check_ok, Error, Result, Status};
use gmmot_sys as sys;
use std::any::Any;
use std::os::raw::{c_int, c_void};
use std::panic::{self, AssertUnwindSafe};
use std::ptr::{self, NonNull};
use std::cell::RefCell;
use std::sync::Arc;

macro_rules! option_keys {
    ($($(#[$doc:meta])* $variant:ident = $c:ident,)*) => {
        /// An option key (`gmmot_option`); the value type and bounds are in `gmmot/options.h`
        /// and from `Options::bounds`.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum OptionKey { $($(#[$doc])* $variant,)* }

        impl OptionKey {
            /// Every key, in header order.
            pub const ALL: &'static [OptionKey] = &[$(OptionKey::$variant,)*];
            /// The C value of the key.
            pub fn code(self) -> i32 {
                match self { $(OptionKey::$variant => sys::$c as i32,)* }
            }
            /// The C name, e.g. "GMMOT_OPT_SEED".
            pub fn c_name(self) -> &'static str {
                match self { $(OptionKey::$variant => stringify!($c),)* }
            }
        }
    };
}

option_keys! {
    NumThreads = GMMOT_OPT_NUM_THREADS,
    Seed = GMMOT_OPT_SEED,
    BarycenterTolerance = GMMOT_OPT_BARYCENTER_TOLERANCE,
    BarycenterMaxIterations = GMMOT_OPT_BARYCENTER_MAX_ITERATIONS,
    TransportMethod = GMMOT_OPT_TRANSPORT_METHOD,
    ExactMaxIterations = GMMOT_OPT_EXACT_MAX_ITERATIONS,
    EntropicEpsilon = GMMOT_OPT_ENTROPIC_EPSILON,
    EntropicTolerance = GMMOT_OPT_ENTROPIC_TOLERANCE,
    EntropicMaxIterations = GMMOT_OPT_ENTROPIC_MAX_ITERATIONS,
    EmComponents = GMMOT_OPT_EM_COMPONENTS,
    EmTolerance = GMMOT_OPT_EM_TOLERANCE,
    EmMaxIterations = GMMOT_OPT_EM_MAX_ITERATIONS,
    EmRegularization = GMMOT_OPT_EM_REGULARIZATION,
    EmInitializations = GMMOT_OPT_EM_INITIALIZATIONS,
    EmSplitMerge = GMMOT_OPT_EM_SPLIT_MERGE,
    EmFamily = GMMOT_OPT_EM_FAMILY,
    EmDof = GMMOT_OPT_EM_DOF,
    MmotMaxTuples = GMMOT_OPT_MMOT_MAX_TUPLES,
    MmotMaxIterations = GMMOT_OPT_MMOT_MAX_ITERATIONS,
    FixedPointMethod = GMMOT_OPT_FIXED_POINT_METHOD,
    FixedPointComponents = GMMOT_OPT_FIXED_POINT_COMPONENTS,
    FixedPointTolerance = GMMOT_OPT_FIXED_POINT_TOLERANCE,
    FixedPointMaxIterations = GMMOT_OPT_FIXED_POINT_MAX_ITERATIONS,
    FixedPointMaxSupport = GMMOT_OPT_FIXED_POINT_MAX_SUPPORT,
    RelaxedComponents = GMMOT_OPT_RELAXED_COMPONENTS,
    RelaxedLambda = GMMOT_OPT_RELAXED_LAMBDA,
    RelaxedTolerance = GMMOT_OPT_RELAXED_TOLERANCE,
    RelaxedMaxIterations = GMMOT_OPT_RELAXED_MAX_ITERATIONS,
    RelaxedRegularization = GMMOT_OPT_RELAXED_REGULARIZATION,
    RelaxedInit = GMMOT_OPT_RELAXED_INIT,
    GwMaxIterations = GMMOT_OPT_GW_MAX_ITERATIONS,
    GwTolerance = GMMOT_OPT_GW_TOLERANCE,
    GwStarts = GMMOT_OPT_GW_STARTS,
    GwAnnealing = GMMOT_OPT_GW_ANNEALING,
    GwEpsilon = GMMOT_OPT_GW_EPSILON,
    EwMaxIterations = GMMOT_OPT_EW_MAX_ITERATIONS,
    EwTolerance = GMMOT_OPT_EW_TOLERANCE,
    EwStarts = GMMOT_OPT_EW_STARTS,
    EwAnnealing = GMMOT_OPT_EW_ANNEALING,
    EwEpsilon = GMMOT_OPT_EW_EPSILON,
    EwSignFlips = GMMOT_OPT_EW_SIGN_FLIPS,
    EwInnerIterations = GMMOT_OPT_EW_INNER_ITERATIONS,
    TextureComponents = GMMOT_OPT_TEXTURE_COMPONENTS,
    TexturePatch = GMMOT_OPT_TEXTURE_PATCH,
    TextureFitPatches = GMMOT_OPT_TEXTURE_FIT_PATCHES,
    TextureEmTolerance = GMMOT_OPT_TEXTURE_EM_TOLERANCE,
    TextureEmMaxIterations = GMMOT_OPT_TEXTURE_EM_MAX_ITERATIONS,
    ColourFitPoints = GMMOT_OPT_COLOUR_FIT_POINTS,
    ColourMap = GMMOT_OPT_COLOUR_MAP,
    ColourSpace = GMMOT_OPT_COLOUR_SPACE,
    ColourRegularize = GMMOT_OPT_COLOUR_REGULARIZE,
    ColourRadius = GMMOT_OPT_COLOUR_RADIUS,
    ColourEpsilon = GMMOT_OPT_COLOUR_EPSILON,
    ColourSubsample = GMMOT_OPT_COLOUR_SUBSAMPLE,
    ColourClip = GMMOT_OPT_COLOUR_CLIP,
}

/// Values of `OptionKey::TransportMethod` (set with `set_int`).
pub mod transport_method {
    pub const EXACT: i64 = gmmot_sys::GMMOT_TRANSPORT_EXACT as i64;
    pub const ENTROPIC: i64 = gmmot_sys::GMMOT_TRANSPORT_ENTROPIC as i64;
}
/// Values of `OptionKey::FixedPointMethod`.
pub mod fixed_point_method {
    pub const TRUE: i64 = gmmot_sys::GMMOT_FIXED_POINT_TRUE as i64;
    pub const EUCLIDEAN: i64 = gmmot_sys::GMMOT_FIXED_POINT_EUCLIDEAN as i64;
    pub const BURES: i64 = gmmot_sys::GMMOT_FIXED_POINT_BURES as i64;
}
/// Values of `OptionKey::RelaxedInit`.
pub mod relaxed_init {
    pub const POOLED: i64 = gmmot_sys::GMMOT_RELAXED_INIT_POOLED as i64;
    pub const SEPARATE: i64 = gmmot_sys::GMMOT_RELAXED_INIT_SEPARATE as i64;
    pub const USER: i64 = gmmot_sys::GMMOT_RELAXED_INIT_USER as i64;
}

/// The type of an option's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OptionType {
    Int,
    Double,
}

/// An option's type and inclusive range (`gmmot_options_bounds`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OptionBounds {
    pub value_type: OptionType,
    pub min: f64,
    pub max: f64,
}

/// What a progress report is about (`gmmot_stage`). Unknown future stages are `Other`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Stage {
    Em,
    ExactLp,
    Sinkhorn,
    Barycenter,
    CostMatrix,
    Maps,
    Density,
    Multimarginal,
    FixedPoint,
    Relaxed,
    Gromov,
    Embedding,
    Texture,
    Colour,
    Other(i32),
}

const STAGES: &[(Stage, u32)] = &[
    (Stage::Em, sys::GMMOT_STAGE_EM),
    (Stage::ExactLp, sys::GMMOT_STAGE_EXACT_LP),
    (Stage::Sinkhorn, sys::GMMOT_STAGE_SINKHORN),
    (Stage::Barycenter, sys::GMMOT_STAGE_BARYCENTER),
    (Stage::CostMatrix, sys::GMMOT_STAGE_COST_MATRIX),
    (Stage::Maps, sys::GMMOT_STAGE_MAPS),
    (Stage::Density, sys::GMMOT_STAGE_DENSITY),
    (Stage::Multimarginal, sys::GMMOT_STAGE_MULTIMARGINAL),
    (Stage::FixedPoint, sys::GMMOT_STAGE_FIXED_POINT),
    (Stage::Relaxed, sys::GMMOT_STAGE_RELAXED),
    (Stage::Gromov, sys::GMMOT_STAGE_GROMOV),
    (Stage::Embedding, sys::GMMOT_STAGE_EMBEDDING),
    (Stage::Texture, sys::GMMOT_STAGE_TEXTURE),
    (Stage::Colour, sys::GMMOT_STAGE_COLOUR),
];

impl Stage {
    pub fn from_code(code: i32) -> Stage {
        STAGES.iter().find(|(_, c)| *c as i32 == code).map_or(Stage::Other(code), |(s, _)| *s)
    }
    pub fn code(self) -> i32 {
        match self {
            Stage::Other(c) => c,
            s => STAGES.iter().find(|(t, _)| *t == s).map_or(0, |(_, c)| *c as i32),
        }
    }
}

/// An interrupt flag (`gmmot_interrupt_t`): raise it from any thread to cancel every call
/// whose options carry it (the call returns `Status::Cancelled`). Sticky until `reset`.
/// Share it with `Arc`; `Options::set_interrupt` keeps the `Arc` so the flag outlives its calls.
pub struct Interrupt {
    ptr: NonNull<sys::gmmot_interrupt_t>,
}

// SAFETY: progress.h's thread rule: raise, reset and is_raised may be called from any thread
// at any time (single atomic operations); destroy (in Drop) needs that no call uses the flag,
// which holds because every Options and Em using it owns an Arc to it.
unsafe impl Send for Interrupt {}
unsafe impl Sync for Interrupt {}

impl Interrupt {
    /// A new flag, not raised.
    pub fn new() -> Result<Interrupt> {
        let mut out = ptr::null_mut();
        check_ok(unsafe { sys::gmmot_interrupt_create(&mut out) })?;
        Ok(Interrupt { ptr: NonNull::new(out).expect("gmmot_interrupt_create: NULL handle") })
    }

    /// Raise the flag. Lock-free; leaves the thread's error message alone.
    pub fn raise(&self) {
        let status = unsafe { sys::gmmot_interrupt_raise(self.ptr.as_ptr()) };
        debug_assert_eq!(status, 0);
    }

    /// Lower the flag so that calls using it run again.
    pub fn reset(&self) {
        let status = unsafe { sys::gmmot_interrupt_reset(self.ptr.as_ptr()) };
        debug_assert_eq!(status, 0);
    }

    pub fn is_raised(&self) -> bool {
        let mut raised: c_int = 0;
        let status = unsafe { sys::gmmot_interrupt_is_raised(self.ptr.as_ptr(), &mut raised) };
        debug_assert_eq!(status, 0);
        raised != 0
    }

    pub fn as_ptr(&self) -> *mut sys::gmmot_interrupt_t {
        self.ptr.as_ptr()
    }
}

impl Drop for Interrupt {
    fn drop(&mut self) {
        unsafe { sys::gmmot_interrupt_destroy(self.ptr.as_ptr()) }
    }
}

type ProgressFn = dyn Fn(Stage, u64, u64, f64) -> bool + Send + Sync;

/// The callback, shared by the options objects and EM objects that carry it (the C side keeps
/// only a borrowed pointer to it). No lock: calls sharing the options run it concurrently,
/// each on its own thread (options.h), which `Sync` allows.
pub(crate) struct Progress {
    f: Box<ProgressFn>,
}

thread_local! {
    // A panic of the callback, kept until the call that ran it returns. The callback runs on
    // the thread that made the call (progress.h), so keying by thread gives every call its
    // own slot: concurrent calls sharing one callback never see each other's panics.
    static CALLBACK_PANIC: RefCell<Option<Box<dyn Any + Send>>> = RefCell::new(None);
}

/// Re-raise, on the caller's thread, a panic of the progress callback of the call that just
/// returned on this thread. Run after every call that may report progress, whatever its
/// status, so that no panic outlives its call.
pub(crate) fn resume_callback_panic() {
    if let Some(payload) = CALLBACK_PANIC.with(|slot| slot.borrow_mut().take()) {
        panic::resume_unwind(payload);
    }
}

// The callback must not unwind (progress.h): a panic is caught here, stored, and turned into a
// cancellation; the wrapper that made the call re-raises it once the C call has returned.
unsafe extern "C" fn trampoline(
    user_data: *mut c_void,
    stage: c_int,
    done: u64,
    total: u64,
    value: f64,
) -> c_int {
    // SAFETY: user_data is the Progress given to gmmot_options_set_progress, kept alive by the
    // Arc held by every Options/Em that carries it.
    let progress = &*(user_data as *const Progress);
    let result = panic::catch_unwind(AssertUnwindSafe(|| (progress.f)(Stage::from_code(stage), done, total, value)));
    match result {
        Ok(true) => 0,
        Ok(false) => 1,
        Err(payload) => {
            // The first panic cancelled the call; keep it.
            CALLBACK_PANIC.with(|slot| {
                let mut slot = slot.borrow_mut();
                if slot.is_none() {
                    *slot = Some(payload);
                }
            });
            1
        }
    }
}

/// Options for the calls that take them (`gmmot_options_t`); `None` in their place means all
/// defaults. Setters take `&mut self`, so Rust's borrow rules give them the exclusive access
/// the header asks for, while `&Options` may be passed to calls on several threads at once.
pub struct Options {
    ptr: NonNull<sys::gmmot_options_t>,
    progress: Option<Arc<Progress>>,
    interrupt: Option<Arc<Interrupt>>,
}

// SAFETY: options.h's thread rule: an options object may be read by several threads at once
// (passed to concurrent calls) as long as no thread modifies it; every modifying method takes
// &mut self. The attached callback is Fn + Send + Sync, so concurrent calls may run it at once;
// the interrupt flag is Send + Sync.
unsafe impl Send for Options {}
unsafe impl Sync for Options {}

impl Options {
    /// An options object holding every default.
    pub fn new() -> Result<Options> {
        let mut out = ptr::null_mut();
        check_ok(unsafe { sys::gmmot_options_create(&mut out) })?;
        Ok(Options {
            ptr: NonNull::new(out).expect("gmmot_options_create: NULL handle"),
            progress: None,
            interrupt: None,
        })
    }

    /// A copy with the same values, callback and interrupt flag (`gmmot_options_clone`).
    pub fn try_clone(&self) -> Result<Options> {
        let mut out = ptr::null_mut();
        check_ok(unsafe { sys::gmmot_options_clone(self.ptr.as_ptr(), &mut out) })?;
        Ok(Options {
            ptr: NonNull::new(out).expect("gmmot_options_clone: NULL handle"),
            progress: self.progress.clone(),
            interrupt: self.interrupt.clone(),
        })
    }

    /// Set an int-typed option (bounds and type checked by the library).
    pub fn set_int(&mut self, key: OptionKey, value: i64) -> Result<()> {
        check_ok(unsafe { sys::gmmot_options_set_int(self.ptr.as_ptr(), key.code(), value) })
    }

    /// Set a double-typed option.
    pub fn set_double(&mut self, key: OptionKey, value: f64) -> Result<()> {
        check_ok(unsafe { sys::gmmot_options_set_double(self.ptr.as_ptr(), key.code(), value) })
    }

    /// Builder form of `set_int`.
    pub fn with_int(mut self, key: OptionKey, value: i64) -> Result<Options> {
        self.set_int(key, value)?;
        Ok(self)
    }

    /// Builder form of `set_double`.
    pub fn with_double(mut self, key: OptionKey, value: f64) -> Result<Options> {
        self.set_double(key, value)?;
        Ok(self)
    }

    pub fn get_int(&self, key: OptionKey) -> Result<i64> {
        let mut v = 0i64;
        check_ok(unsafe { sys::gmmot_options_get_int(self.ptr.as_ptr(), key.code(), &mut v) })?;
        Ok(v)
    }

    pub fn get_double(&self, key: OptionKey) -> Result<f64> {
        let mut v = 0f64;
        check_ok(unsafe { sys::gmmot_options_get_double(self.ptr.as_ptr(), key.code(), &mut v) })?;
        Ok(v)
    }

    /// The type and inclusive range of a key (no options object needed).
    pub fn bounds(key: OptionKey) -> Result<OptionBounds> {
        bounds_of_code(key.code())
    }

    /// Attach a progress callback `f(stage, done, total, value)`, called on the calling thread
    /// of every call given these options (and of EM objects created from them); return `true`
    /// to continue, `false` to cancel the call (`Status::Cancelled`). A panic in `f` cancels
    /// the call and is then re-raised on that call's thread. Calls made at once on several
    /// threads with the same options run `f` concurrently, each on its own thread, hence
    /// `Fn + Sync` (keep mutable state in atomics or a `Mutex` of your own). `f` must not call
    /// libgmmot with the handle being worked on.
    pub fn set_progress<F>(&mut self, f: F) -> Result<()>
    where
        F: Fn(Stage, u64, u64, f64) -> bool + Send + Sync + 'static,
    {
        let progress = Arc::new(Progress { f: Box::new(f) });
        let user = Arc::as_ptr(&progress) as *mut c_void;
        check_ok(unsafe { sys::gmmot_options_set_progress(self.ptr.as_ptr(), Some(trampoline), user) })?;
        self.progress = Some(progress);
        Ok(())
    }

    /// Remove the progress callback.
    pub fn clear_progress(&mut self) -> Result<()> {
        check_ok(unsafe { sys::gmmot_options_set_progress(self.ptr.as_ptr(), None, ptr::null_mut()) })?;
        self.progress = None;
        Ok(())
    }

    /// Attach (`Some`) or remove (`None`) an interrupt flag.
    pub fn set_interrupt(&mut self, flag: Option<Arc<Interrupt>>) -> Result<()> {
        let raw = flag.as_ref().map_or(ptr::null_mut(), |f| f.as_ptr());
        check_ok(unsafe { sys::gmmot_options_set_interrupt(self.ptr.as_ptr(), raw) })?;
        self.interrupt = flag;
        Ok(())
    }

    pub fn as_ptr(&self) -> *const sys::gmmot_options_t {
        self.ptr.as_ptr()
    }

    pub(crate) fn shared_state(&self) -> (Option<Arc<Progress>>, Option<Arc<Interrupt>>) {
        (self.progress.clone(), self.interrupt.clone())
    }
}

impl Drop for Options {
    fn drop(&mut self) {
        unsafe { sys::gmmot_options_destroy(self.ptr.as_ptr()) }
    }
}

impl std::fmt::Debug for Options {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Options")
            .field("progress", &self.progress.is_some())
            .field("interrupt", &self.interrupt.is_some())
            .finish()
    }
}

/// The bounds of a raw key code (for keys newer than this crate).
pub fn bounds_of_code(key: i32) -> Result<OptionBounds> {
    let (mut ty, mut min, mut max) = (0 as c_int, 0f64, 0f64);
    check_ok(unsafe { sys::gmmot_options_bounds(key, &mut ty, &mut min, &mut max) })?;
    let value_type = match ty as u32 {
        sys::GMMOT_OPTION_INT => OptionType::Int,
        sys::GMMOT_OPTION_DOUBLE => OptionType::Double,
        other => {
            return Err(Error::new(Status::Internal, format!("gmmot_options_bounds: unknown type {}", other)))
        }
    };
    Ok(OptionBounds { value_type, min, max })
}

/// The raw pointer of optional options (NULL: defaults).
pub(crate) fn raw(opts: Option<&Options>) -> *const sys::gmmot_options_t {
    opts.map_or(ptr::null(), |o| o.as_ptr())
}

/// Make a call that takes `opts`, then re-raise a panic of its progress callback.
pub(crate) fn call<F: FnOnce(*const sys::gmmot_options_t) -> c_int>(opts: Option<&Options>, f: F) -> c_int {
    let status = f(raw(opts));
    resume_callback_panic();
    status
}

impl std::fmt::Debug for Interrupt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Interrupt").field("raised", &self.is_raised()).finish()
    }
}
