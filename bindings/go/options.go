// SPDX-License-Identifier: MIT

package gmmot

// #include <stdint.h>
// #include <gmmot/gmmot.h>
// extern int gmmotGoProgress(uintptr_t h, int stage, uint64_t done, uint64_t total, double value);
// static int gmmot_go_progress(void *user_data, int stage, uint64_t done, uint64_t total,
//                              double value) {
//   return gmmotGoProgress((uintptr_t)user_data, stage, done, total, value);
// }
// /* The callback's user_data is a runtime/cgo.Handle (an integer), never a Go pointer. */
// static int gmmot_go_set_progress(gmmot_options_t *opts, uintptr_t h) {
//   return gmmot_options_set_progress(opts, h ? gmmot_go_progress : NULL, (void *)h);
// }
import "C"

import (
	"context"
	"runtime"
	"sync"
	"unsafe"
)

// Option is an option key (gmmot/options.h; see there for each one's meaning and bounds).
type Option int

// Option keys.
const (
	OptNumThreads              Option = C.GMMOT_OPT_NUM_THREADS
	OptSeed                    Option = C.GMMOT_OPT_SEED
	OptBarycenterTolerance     Option = C.GMMOT_OPT_BARYCENTER_TOLERANCE
	OptBarycenterMaxIterations Option = C.GMMOT_OPT_BARYCENTER_MAX_ITERATIONS
	OptTransportMethod         Option = C.GMMOT_OPT_TRANSPORT_METHOD
	OptExactMaxIterations      Option = C.GMMOT_OPT_EXACT_MAX_ITERATIONS
	OptEntropicEpsilon         Option = C.GMMOT_OPT_ENTROPIC_EPSILON
	OptEntropicTolerance       Option = C.GMMOT_OPT_ENTROPIC_TOLERANCE
	OptEntropicMaxIterations   Option = C.GMMOT_OPT_ENTROPIC_MAX_ITERATIONS
	OptEMComponents            Option = C.GMMOT_OPT_EM_COMPONENTS
	OptEMTolerance             Option = C.GMMOT_OPT_EM_TOLERANCE
	OptEMMaxIterations         Option = C.GMMOT_OPT_EM_MAX_ITERATIONS
	OptEMRegularization        Option = C.GMMOT_OPT_EM_REGULARIZATION
	OptEMInitializations       Option = C.GMMOT_OPT_EM_INITIALIZATIONS
	OptEMSplitMerge            Option = C.GMMOT_OPT_EM_SPLIT_MERGE
	OptEMFamily                Option = C.GMMOT_OPT_EM_FAMILY
	OptEMDof                   Option = C.GMMOT_OPT_EM_DOF
	OptMMOTMaxTuples           Option = C.GMMOT_OPT_MMOT_MAX_TUPLES
	OptMMOTMaxIterations       Option = C.GMMOT_OPT_MMOT_MAX_ITERATIONS
	OptFixedPointMethod        Option = C.GMMOT_OPT_FIXED_POINT_METHOD
	OptFixedPointComponents    Option = C.GMMOT_OPT_FIXED_POINT_COMPONENTS
	OptFixedPointTolerance     Option = C.GMMOT_OPT_FIXED_POINT_TOLERANCE
	OptFixedPointMaxIterations Option = C.GMMOT_OPT_FIXED_POINT_MAX_ITERATIONS
	OptFixedPointMaxSupport    Option = C.GMMOT_OPT_FIXED_POINT_MAX_SUPPORT
	OptRelaxedComponents       Option = C.GMMOT_OPT_RELAXED_COMPONENTS
	OptRelaxedLambda           Option = C.GMMOT_OPT_RELAXED_LAMBDA
	OptRelaxedTolerance        Option = C.GMMOT_OPT_RELAXED_TOLERANCE
	OptRelaxedMaxIterations    Option = C.GMMOT_OPT_RELAXED_MAX_ITERATIONS
	OptRelaxedRegularization   Option = C.GMMOT_OPT_RELAXED_REGULARIZATION
	OptRelaxedInit             Option = C.GMMOT_OPT_RELAXED_INIT
	OptGwMaxIterations         Option = C.GMMOT_OPT_GW_MAX_ITERATIONS
	OptGwTolerance             Option = C.GMMOT_OPT_GW_TOLERANCE
	OptGwStarts                Option = C.GMMOT_OPT_GW_STARTS
	OptGwAnnealing             Option = C.GMMOT_OPT_GW_ANNEALING
	OptGwEpsilon               Option = C.GMMOT_OPT_GW_EPSILON
	OptEwMaxIterations         Option = C.GMMOT_OPT_EW_MAX_ITERATIONS
	OptEwTolerance             Option = C.GMMOT_OPT_EW_TOLERANCE
	OptEwStarts                Option = C.GMMOT_OPT_EW_STARTS
	OptEwAnnealing             Option = C.GMMOT_OPT_EW_ANNEALING
	OptEwEpsilon               Option = C.GMMOT_OPT_EW_EPSILON
	OptEwSignFlips             Option = C.GMMOT_OPT_EW_SIGN_FLIPS
	OptEwInnerIterations       Option = C.GMMOT_OPT_EW_INNER_ITERATIONS
	OptTextureComponents       Option = C.GMMOT_OPT_TEXTURE_COMPONENTS
	OptTexturePatch            Option = C.GMMOT_OPT_TEXTURE_PATCH
	OptTextureFitPatches       Option = C.GMMOT_OPT_TEXTURE_FIT_PATCHES
	OptTextureEmTolerance      Option = C.GMMOT_OPT_TEXTURE_EM_TOLERANCE
	OptTextureEmMaxIterations  Option = C.GMMOT_OPT_TEXTURE_EM_MAX_ITERATIONS
	OptColourFitPoints         Option = C.GMMOT_OPT_COLOUR_FIT_POINTS
	OptColourMap               Option = C.GMMOT_OPT_COLOUR_MAP
	OptColourSpace             Option = C.GMMOT_OPT_COLOUR_SPACE
	OptColourRegularize        Option = C.GMMOT_OPT_COLOUR_REGULARIZE
	OptColourRadius            Option = C.GMMOT_OPT_COLOUR_RADIUS
	OptColourEpsilon           Option = C.GMMOT_OPT_COLOUR_EPSILON
	OptColourSubsample         Option = C.GMMOT_OPT_COLOUR_SUBSAMPLE
	OptColourClip              Option = C.GMMOT_OPT_COLOUR_CLIP
)

// Values of OptTransportMethod, OptFixedPointMethod and OptRelaxedInit.
const (
	TransportExact      = C.GMMOT_TRANSPORT_EXACT
	TransportEntropic   = C.GMMOT_TRANSPORT_ENTROPIC
	FixedPointTrue      = C.GMMOT_FIXED_POINT_TRUE
	FixedPointEuclidean = C.GMMOT_FIXED_POINT_EUCLIDEAN
	FixedPointBures     = C.GMMOT_FIXED_POINT_BURES
	RelaxedInitPooled   = C.GMMOT_RELAXED_INIT_POOLED
	RelaxedInitSeparate = C.GMMOT_RELAXED_INIT_SEPARATE
	RelaxedInitUser     = C.GMMOT_RELAXED_INIT_USER
)

// OptionType is the type of an option's value.
type OptionType int

// Option value types.
const (
	OptionInt    OptionType = C.GMMOT_OPTION_INT
	OptionDouble OptionType = C.GMMOT_OPTION_DOUBLE
)

// OptionBounds gives the type of key and its inclusive range (gmmot_options_bounds).
func OptionBounds(key Option) (typ OptionType, min, max float64, err error) {
	var t C.int
	var lo, hi C.double
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	err = check(C.gmmot_options_bounds(C.int(key), &t, &lo, &hi), nil)
	if err != nil {
		return 0, 0, 0, err
	}
	return OptionType(t), float64(lo), float64(hi), nil
}

// attach is what a call's options object carries besides its keyed values: the interrupt flag
// and the progress callback (a reference is held on each while attached) and, for options
// made by WithContext, the context. It is kept out of Options so that the destroy function
// does not reference the Options value (a cycle through a finalized object is never freed).
//
// A running call has copied the flag's pointer and the callback's handle from the C object,
// so a flag or callback replaced while calls run is retired, not released, until the last of
// those calls has returned: the C flag and the cgo.Handle outlive every call that may use them.
type attach struct {
	mu      sync.Mutex // guards intr, prog, calls and retired (setters race with calls)
	intr    *handle
	prog    *progressReg
	ctx     context.Context
	calls   int        // calls running with these options
	retired []releaser // replaced while calls ran
}

func (a *attach) release() {
	a.mu.Lock()
	r := a.retired
	if a.intr != nil {
		r = append(r, a.intr)
	}
	if a.prog != nil {
		r = append(r, a.prog)
	}
	a.intr, a.prog, a.retired = nil, nil, nil
	a.mu.Unlock()
	for _, x := range r {
		x.release()
	}
}

// share returns a copy holding its own references.
func (a *attach) share() *attach {
	a.mu.Lock()
	defer a.mu.Unlock()
	b := &attach{ctx: a.ctx}
	if a.intr != nil {
		a.intr.retain()
		b.intr = a.intr
	}
	if a.prog != nil {
		a.prog.retain()
		b.prog = a.prog
	}
	return b
}

// flag is the attached interrupt flag (nil: none).
func (a *attach) flag() *handle {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.intr
}

// holdFlag is the attached interrupt flag with a reference for the caller (nil: none).
func (a *attach) holdFlag() *handle {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.intr != nil {
		a.intr.retain()
	}
	return a.intr
}

func (a *attach) enter() {
	a.mu.Lock()
	a.calls++
	a.mu.Unlock()
}

func (a *attach) leave() {
	a.mu.Lock()
	a.calls--
	var r []releaser
	if a.calls == 0 {
		r, a.retired = a.retired, nil
	}
	a.mu.Unlock()
	for _, x := range r {
		x.release()
	}
}

// drop releases old, a flag or callback just replaced, or retires it while calls run.
func (a *attach) drop(old releaser) {
	if a.calls > 0 {
		a.retired = append(a.retired, old)
		return
	}
	old.release()
}

// contextErr is the error of the context a cancelled call was made under, if any. (A panic of
// the progress callback that cancelled the call was raised again by check.)
func (a *attach) contextErr() error {
	if a == nil {
		return nil
	}
	if a.ctx != nil {
		return a.ctx.Err()
	}
	return nil
}

// contextDone is the cancellation error of a call about to start under a context that is
// already done: no work starts then (the watcher would raise the flag only asynchronously).
func (a *attach) contextDone() error {
	if a == nil || a.ctx == nil || a.ctx.Err() == nil {
		return nil
	}
	return &Error{Status: ECancelled, Name: ECancelled.Name(),
		Message: "the call's context was done before the call: " + a.ctx.Err().Error(),
		cause:   a.ctx.Err()}
}

// Options is a libgmmot options object (gmmot/options.h). Like the C object, it may be
// passed to any number of concurrent calls, but its setters need exclusive access: do not
// change it while a call uses it. A nil *Options means all defaults.
type Options struct {
	h handle
	a *attach
}

func newOptions(p *C.gmmot_options_t, a *attach) *Options {
	return track(&Options{a: a}, p, func(p *C.gmmot_options_t) {
		C.gmmot_options_destroy(p)
		a.release()
	})
}

// NewOptions creates an options object holding every default.
func NewOptions() (*Options, error) {
	var p *C.gmmot_options_t
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := check(C.gmmot_options_create(&p), nil); err != nil {
		return nil, err
	}
	return newOptions(p, &attach{}), nil
}

// use acquires the C pointer for one call; a nil *Options gives NULL (all defaults).
func (o *Options) use() (*C.gmmot_options_t, *attach, func(), error) {
	if o == nil {
		return nil, nil, func() {}, nil
	}
	if err := o.a.contextDone(); err != nil {
		return nil, nil, nil, err
	}
	p, err := o.h.acquire()
	if err != nil {
		return nil, nil, nil, err
	}
	o.a.enter()
	return (*C.gmmot_options_t)(p), o.a, func() { o.a.leave(); o.h.release() }, nil
}

// Close frees the options object (idempotent; also run by a finalizer). Calls already running
// with it finish first.
func (o *Options) Close() error { return closeRef(o) }

func (o *Options) ref() *handle {
	if o == nil {
		return nil
	}
	return &o.h
}

// Clone copies the options, with their progress callback and interrupt flag.
func (o *Options) Clone() (*Options, error) {
	p, a, done, err := o.use()
	if err != nil {
		return nil, err
	}
	defer done()
	if o == nil {
		return NewOptions()
	}
	b := a.share()
	var out *C.gmmot_options_t
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := check(C.gmmot_options_clone(p, &out), nil); err != nil {
		b.release()
		return nil, err
	}
	return newOptions(out, b), nil
}

// SetInt sets an int-typed option (the error gives the bounds of a value out of range).
func (o *Options) SetInt(key Option, value int64) error {
	p, _, done, err := o.use()
	if err != nil {
		return err
	}
	defer done()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	return check(C.gmmot_options_set_int(p, C.int(key), C.int64_t(value)), nil)
}

// SetFloat sets a double-typed option.
func (o *Options) SetFloat(key Option, value float64) error {
	p, _, done, err := o.use()
	if err != nil {
		return err
	}
	defer done()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	return check(C.gmmot_options_set_double(p, C.int(key), C.double(value)), nil)
}

// Int reads an int-typed option.
func (o *Options) Int(key Option) (int64, error) {
	p, _, done, err := o.use()
	if err != nil {
		return 0, err
	}
	defer done()
	var v C.int64_t
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	err = check(C.gmmot_options_get_int(p, C.int(key), &v), nil)
	return int64(v), err
}

// Float reads a double-typed option.
func (o *Options) Float(key Option) (float64, error) {
	p, _, done, err := o.use()
	if err != nil {
		return 0, err
	}
	defer done()
	var v C.double
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	err = check(C.gmmot_options_get_double(p, C.int(key), &v), nil)
	return float64(v), err
}

// SetInterrupt attaches flag (nil removes it) to every call given these options. The options
// keep the flag alive while it is attached, even if its Close is called.
func (o *Options) SetInterrupt(flag *Interrupt) error {
	p, a, done, err := o.use()
	if err != nil {
		return err
	}
	defer done()
	var fp unsafe.Pointer
	if flag != nil {
		if fp, err = flag.h.acquire(); err != nil {
			return err
		}
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	a.mu.Lock()
	defer a.mu.Unlock()
	if err := check(C.gmmot_options_set_interrupt(p, (*C.gmmot_interrupt_t)(fp)), nil); err != nil {
		if flag != nil {
			flag.h.release()
		}
		return err
	}
	if a.intr != nil {
		a.drop(a.intr)
	}
	a.intr = nil
	if flag != nil {
		a.intr = &flag.h
	}
	runtime.KeepAlive(flag)
	return nil
}

// SetProgress attaches fn (nil removes it) as the progress callback of every call given these
// options (gmmot/progress.h). fn runs on a helper goroutine while the call waits for it, never
// concurrently within one call; calls made at once from several goroutines with the same
// options call it from each, so it must then be safe for concurrent use. It returns true to
// continue, false to cancel the call (ErrCancelled). It must not call libgmmot with the handle
// being worked on. A panic in fn cancels the call and is raised again on the goroutine that
// made the call once the C call has returned; so is runtime.Goexit (t.FailNow, t.Fatal): the
// calling goroutine exits, running its deferred calls. A callback replaced while calls run
// stays valid for them.
func (o *Options) SetProgress(fn ProgressFunc) error {
	p, a, done, err := o.use()
	if err != nil {
		return err
	}
	defer done()
	var reg *progressReg
	var h C.uintptr_t
	if fn != nil {
		reg = newProgressReg(fn)
		h = C.uintptr_t(reg.h)
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	a.mu.Lock()
	defer a.mu.Unlock()
	if err := check(C.gmmot_go_set_progress(p, h), nil); err != nil {
		if reg != nil {
			reg.release()
		}
		return err
	}
	if a.prog != nil {
		a.drop(a.prog)
	}
	a.prog = reg
	return nil
}
