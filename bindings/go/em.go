// SPDX-License-Identifier: MIT

package gmmot

// #include <gmmot/gmmot.h>
import "C"

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
)

// EM fits Gaussian mixtures to points by expectation-maximisation (gmmot/em.h). Its options,
// progress callback and interrupt flag are fixed at creation. The C object needs exclusive
// access while it fits: a Fit made while another runs on the same object returns
// ErrInvalidArgument at once, as the library does for a second concurrent fit, and so do Info
// and Work during a fit (e.g. from its progress callback). Info and Work may run concurrently
// with each other. Different EM objects are independent.
type EM struct {
	h       handle
	fitting int32        // 1 while a Fit runs (a second one is refused, not queued)
	rw      sync.RWMutex // a fit holds it exclusively, Info and Work shared (never waiting)
	a       *attach      // the progress callback and the private flag the C object borrows
	lead    *handle      // the interrupt flag of the options, followed by the private one
}

// NewEM creates an EM object from opts (nil: defaults): OptEMComponents, OptEMTolerance,
// OptEMMaxIterations, OptEMRegularization, OptEMInitializations, OptEMSplitMerge, OptSeed,
// OptNumThreads, the progress callback and the interrupt flag. The object fits with a private
// flag, which FitContext raises when its context is done (and lowers afterwards) and which
// follows the interrupt flag of opts, if any: raising or resetting that flag (Interrupt.Raise,
// Reset) does the same to the private one, and a fit started while it is raised is cancelled.
// So FitContext never leaves the flag of opts raised for its other users.
func NewEM(opts *Options) (*EM, error) {
	var lead *handle // the flag of opts, a reference held
	if opts != nil {
		lead = opts.a.holdFlag()
	}
	dropLead := func() {
		if lead != nil {
			lead.release()
		}
	}
	c, err := opts.Clone()
	if err != nil {
		dropLead()
		return nil, err
	}
	defer c.Close()
	flag, err := NewInterrupt()
	if err != nil {
		dropLead()
		return nil, err
	}
	defer flag.Close() // c, then the EM object, hold it
	if err := c.SetInterrupt(flag); err != nil {
		dropLead()
		return nil, err
	}
	op, at, release, err := c.use()
	if err != nil {
		dropLead()
		return nil, err
	}
	defer release()
	a := at.share()
	var out *C.gmmot_em_t
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := check(C.gmmot_em_create(op, &out), nil); err != nil {
		a.release()
		dropLead()
		return nil, err
	}
	// The follower is unregistered before the private flag's reference (a) is dropped.
	return track(&EM{a: a, lead: lead}, out, func(p *C.gmmot_em_t) { C.gmmot_em_destroy(p) },
		follow(lead, a.intr), a), nil
}

// Close frees the EM object (idempotent; also run by a finalizer); a running fit finishes
// first.
func (e *EM) Close() error { return closeRef(e) }

func (e *EM) ref() *handle {
	if e == nil {
		return nil
	}
	return &e.h
}

// use acquires the object for Fit (fit) or for a read-only call; done(fit) ends the use.
func (e *EM) use(fn string, fit bool) (*C.gmmot_em_t, error) {
	if e == nil {
		return nil, ErrClosed
	}
	p, err := e.h.acquire()
	if err != nil {
		return nil, err
	}
	if fit {
		if !atomic.CompareAndSwapInt32(&e.fitting, 0, 1) {
			e.h.release()
			return nil, argError(EInvalidArgument, "%s: a fit is already running on this EM object", fn)
		}
		e.rw.Lock() // read-only calls are short: wait for them
	} else if !e.rw.TryRLock() {
		e.h.release()
		return nil, argError(EInvalidArgument, "%s: a fit is running on this EM object", fn)
	}
	return (*C.gmmot_em_t)(p), nil
}

func (e *EM) done(fit bool) {
	if fit {
		e.rw.Unlock()
		atomic.StoreInt32(&e.fitting, 0)
	} else {
		e.rw.RUnlock()
	}
	e.h.release()
	runtime.KeepAlive(e)
}

// Fit fits the mixture to the n points of points (n x d, row-major) with per-point weights
// (nil: all 1). A *Warning (WNotConverged) comes with the best mixture seen.
func (e *EM) Fit(d int, points, weights []float64) (*GMM, error) {
	return e.fit(nil, d, points, weights)
}

// FitContext is Fit, cancelled when ctx is done: the error then satisfies
// errors.Is(err, ErrCancelled) and errors.Is(err, ctx.Err()).
func (e *EM) FitContext(ctx context.Context, d int, points, weights []float64) (*GMM, error) {
	return e.fit(ctx, d, points, weights)
}

// raise raises the object's interrupt flag, kept alive by the reference e.a holds.
func (e *EM) raise() error {
	return e.flagOp(func(f *C.gmmot_interrupt_t) C.int { return C.gmmot_interrupt_raise(f) })
}

func (e *EM) flagOp(op func(*C.gmmot_interrupt_t) C.int) error {
	e.a.intr.mu.Lock()
	f := (*C.gmmot_interrupt_t)(e.a.intr.ptr)
	e.a.intr.mu.Unlock()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	return check(op(f), nil)
}

// beginFit prepares a fit (Fit, FitJoint) under ctx: at, for check, reports the context's
// error; a lead flag raised before the fit is passed on; ctx's cancellation raises the private
// flag. The caller defers end, which stops watching ctx and lowers the private flag if the
// watch raised it.
func (e *EM) beginFit(ctx context.Context) (at *attach, end func(), err error) {
	at = &attach{ctx: ctx}
	if err := at.contextDone(); err != nil {
		return nil, nil, err
	}
	if e.lead != nil && flagRaised(e.lead) {
		// Raised before this fit (e.g. while no fit ran, or before a Reset of the private flag).
		if err := e.raise(); err != nil {
			return nil, nil, err
		}
	}
	if ctx == nil {
		return at, func() {}, nil
	}
	stop := watch(ctx, e.raise)
	return at, func() {
		if stop() && (e.lead == nil || !flagRaised(e.lead)) {
			// The private flag is sticky: lower it so that the object fits again.
			_ = e.flagOp(func(f *C.gmmot_interrupt_t) C.int { return C.gmmot_interrupt_reset(f) })
		}
	}, nil
}

func (e *EM) fit(ctx context.Context, d int, points, weights []float64) (*GMM, error) {
	const fn = "gmmot.EM.Fit"
	p, err := e.use(fn, true)
	if err != nil {
		return nil, err
	}
	defer e.done(true)
	n, err := rows(fn, "points", points, d)
	if err != nil {
		return nil, err
	}
	if err := optWeights(fn, "weights", weights, n); err != nil {
		return nil, err
	}
	at, end, err := e.beginFit(ctx)
	if err != nil {
		return nil, err
	}
	defer end()
	var out *C.gmmot_gmm_t
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	err = check(C.gmmot_em_fit(p, sz(n), sz(d), nonNil(points), dptr(weights), &out), at)
	if out == nil {
		return nil, err
	}
	return wrapGMM(out), err
}

// EMInfo summarises the last successful fit.
type EMInfo struct {
	MeanLogLikelihood float64 // of the returned mixture, per unit weight
	Iterations        uint64  // of the EM run that produced it
	Converged         bool
}

// Info describes the last successful fit (ErrInvalidArgument before any).
func (e *EM) Info() (EMInfo, error) {
	p, err := e.use("gmmot.EM.Info", false)
	if err != nil {
		return EMInfo{}, err
	}
	defer e.done(false)
	var ll C.double
	var it C.uint64_t
	var conv C.int
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := check(C.gmmot_em_info(p, &ll, &it, &conv), nil); err != nil {
		return EMInfo{}, err
	}
	return EMInfo{float64(ll), uint64(it), conv != 0}, nil
}

// Work gives the passes over the data and the accepted split-and-merge moves of the last
// successful fit.
func (e *EM) Work() (passes, moves uint64, err error) {
	p, err := e.use("gmmot.EM.Work", false)
	if err != nil {
		return 0, 0, err
	}
	defer e.done(false)
	var ps, mv C.uint64_t
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	err = check(C.gmmot_em_work(p, &ps, &mv), nil)
	return uint64(ps), uint64(mv), err
}
