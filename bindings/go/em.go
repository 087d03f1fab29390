// SPDX-License-Identifier: MIT

package gmmot

// #include <gmmot/gmmot.h>
import "C"

import (
	"context"
	"runtime"
	"sync"
	"unsafe"
)

// EM fits Gaussian mixtures to points by expectation-maximisation (gmmot/em.h). Its options,
// progress callback and interrupt flag are fixed at creation. The C object needs exclusive
// access, so one EM object runs one call at a time: a call (Fit, Info, Work) made while
// another runs on the same object returns ErrInvalidArgument at once, as the library does for
// a second concurrent fit. Different EM objects are independent.
type EM struct {
	h    handle
	busy sync.Mutex // held by the running call (TryLock: never waits)
	a    *attach    // the progress callback and interrupt flag the C object borrows
	priv bool       // the flag was made for this object (FitContext may reset it)
}

// NewEM creates an EM object from opts (nil: defaults): OptEMComponents, OptEMTolerance,
// OptEMMaxIterations, OptEMRegularization, OptEMInitializations, OptEMSplitMerge, OptSeed,
// OptNumThreads, the progress callback and the interrupt flag. Without an interrupt flag in
// opts the object gets a private one, which FitContext raises when its context is done;
// otherwise FitContext raises the flag of opts (which stays raised, as the flag is sticky).
func NewEM(opts *Options) (*EM, error) {
	src := opts
	priv := opts == nil || opts.a.intr == nil
	if priv {
		c, err := opts.Clone()
		if err != nil {
			return nil, err
		}
		defer c.Close()
		flag, err := NewInterrupt()
		if err != nil {
			return nil, err
		}
		defer flag.Close() // c, then the EM object, hold it
		if err := c.SetInterrupt(flag); err != nil {
			return nil, err
		}
		src = c
	}
	op, at, release, err := src.use()
	if err != nil {
		return nil, err
	}
	defer release()
	a := at.share()
	var out *C.gmmot_em_t
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := check(C.gmmot_em_create(op, &out), nil); err != nil {
		a.release()
		return nil, err
	}
	e := &EM{a: a, priv: priv}
	e.h.init(unsafe.Pointer(out), func(p unsafe.Pointer) { C.gmmot_em_destroy((*C.gmmot_em_t)(p)) }, a)
	runtime.SetFinalizer(e, (*EM).Close)
	return e, nil
}

// Close frees the EM object (idempotent; also run by a finalizer); a running fit finishes
// first.
func (e *EM) Close() error {
	if e != nil {
		e.h.close()
	}
	return nil
}

func (e *EM) use(fn string) (*C.gmmot_em_t, error) {
	if e == nil {
		return nil, ErrClosed
	}
	p, err := e.h.acquire()
	if err != nil {
		return nil, err
	}
	if !e.busy.TryLock() {
		e.h.release()
		return nil, argError(EInvalidArgument, "%s: another call is running on this EM object", fn)
	}
	return (*C.gmmot_em_t)(p), nil
}

func (e *EM) done() {
	e.busy.Unlock()
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

func (e *EM) fit(ctx context.Context, d int, points, weights []float64) (*GMM, error) {
	const fn = "gmmot.EM.Fit"
	p, err := e.use(fn)
	if err != nil {
		return nil, err
	}
	defer e.done()
	n, err := rows(fn, "points", points, d)
	if err != nil {
		return nil, err
	}
	if err := optWeights(fn, "weights", weights, n); err != nil {
		return nil, err
	}
	at := &attach{prog: e.a.prog, ctx: ctx} // for check: re-raised panics, the context's error
	if err := at.contextDone(); err != nil {
		return nil, err
	}
	if ctx != nil {
		stop := watch(ctx, e.raise)
		defer func() {
			if stop() && e.priv {
				// The private flag is sticky: lower it so that the object fits again.
				_ = e.flagOp(func(f *C.gmmot_interrupt_t) C.int { return C.gmmot_interrupt_reset(f) })
			}
		}()
	}
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
	p, err := e.use("gmmot.EM.Info")
	if err != nil {
		return EMInfo{}, err
	}
	defer e.done()
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
	p, err := e.use("gmmot.EM.Work")
	if err != nil {
		return 0, 0, err
	}
	defer e.done()
	var ps, mv C.uint64_t
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	err = check(C.gmmot_em_work(p, &ps, &mv), nil)
	return uint64(ps), uint64(mv), err
}
