// SPDX-License-Identifier: MIT

package gmmot

// #include <pthread.h>
// #include <stdint.h>
// #include <gmmot/gmmot.h>
// /* The OS thread a callback and its call run on (progress.h: the calling thread). */
// static uintptr_t gmmot_go_thread(void) { return (uintptr_t)pthread_self(); }
import "C"

import (
	"context"
	"fmt"
	"runtime"
	"runtime/cgo"
	"sync"
	"sync/atomic"
)

// Stage says what a progress report is about (gmmot/progress.h).
type Stage int

// Progress stages; later library versions may add more (ignore the ones you do not know).
const (
	StageEM            Stage = C.GMMOT_STAGE_EM
	StageExactLP       Stage = C.GMMOT_STAGE_EXACT_LP
	StageSinkhorn      Stage = C.GMMOT_STAGE_SINKHORN
	StageBarycenter    Stage = C.GMMOT_STAGE_BARYCENTER
	StageCostMatrix    Stage = C.GMMOT_STAGE_COST_MATRIX
	StageMaps          Stage = C.GMMOT_STAGE_MAPS
	StageDensity       Stage = C.GMMOT_STAGE_DENSITY
	StageMultimarginal Stage = C.GMMOT_STAGE_MULTIMARGINAL
	StageFixedPoint    Stage = C.GMMOT_STAGE_FIXED_POINT
	StageRelaxed       Stage = C.GMMOT_STAGE_RELAXED
	StageGromov        Stage = C.GMMOT_STAGE_GROMOV
	StageEmbedding     Stage = C.GMMOT_STAGE_EMBEDDING
	StageTexture       Stage = C.GMMOT_STAGE_TEXTURE
	StageColour        Stage = C.GMMOT_STAGE_COLOUR
)

// Progress is one progress report: Done and Total count the stage's work, Value is a
// stage-specific figure (NaN when there is none).
type Progress struct {
	Stage       Stage
	Done, Total uint64
	Value       float64
}

// ProgressFunc receives progress reports; it returns true to continue, false to cancel.
type ProgressFunc func(Progress) bool

// progressReg is a callback registered for C: C holds only the cgo.Handle (an integer). It is
// reference counted by the options objects and EM objects that carry it, since an EM object
// keeps calling it after the options it was created from are closed, and by the calls running
// with it (see attach), so that its handle is never deleted under a running call.
type progressReg struct {
	fn   ProgressFunc
	h    cgo.Handle
	mu   sync.Mutex
	refs int
}

func newProgressReg(fn ProgressFunc) *progressReg {
	r := &progressReg{fn: fn, refs: 1}
	r.h = cgo.NewHandle(r)
	return r
}

func (r *progressReg) retain() {
	r.mu.Lock()
	r.refs++
	r.mu.Unlock()
}

func (r *progressReg) release() {
	r.mu.Lock()
	r.refs--
	last := r.refs == 0
	r.mu.Unlock()
	if last {
		r.h.Delete()
	}
}

// outcome is how a callback that did not return normally ended: with a panic (value p) or
// with runtime.Goexit (goexit).
type outcome struct {
	p      interface{}
	goexit bool
}

// Outcomes wait here, keyed by the OS thread of the call whose callback produced them, until
// that call returns on the same (locked) thread and raiseOutcome takes its own: concurrent
// calls sharing one callback never see each other's panics.
var (
	outcomesMu sync.Mutex
	outcomes   = map[uintptr]outcome{}
	outcomesN  int32 // len(outcomes), read without the lock on every call's fast path
)

func osThread() uintptr { return uintptr(C.gmmot_go_thread()) }

func storeOutcome(o outcome) {
	t := osThread()
	outcomesMu.Lock()
	if _, dup := outcomes[t]; !dup { // the first one cancelled the call
		outcomes[t] = o
	}
	atomic.StoreInt32(&outcomesN, int32(len(outcomes)))
	outcomesMu.Unlock()
}

// raiseOutcome raises again, on the calling goroutine, the panic or Goexit of a progress
// callback of the call that just returned on this thread. It runs after every C call (in
// check), whatever the status, so that no outcome outlives its call.
func raiseOutcome() {
	if atomic.LoadInt32(&outcomesN) == 0 {
		return
	}
	t := osThread()
	outcomesMu.Lock()
	o, ok := outcomes[t]
	delete(outcomes, t)
	atomic.StoreInt32(&outcomesN, int32(len(outcomes)))
	outcomesMu.Unlock()
	if !ok {
		return
	}
	if o.goexit {
		runtime.Goexit()
	}
	panic(o.p)
}

// invoke runs fn on a helper goroutine: neither a panic nor runtime.Goexit (t.FailNow) may
// unwind through the C frames of the call, and Goexit cannot be recovered on the goroutine
// that runs it. A non-nil outcome means fn did not return normally. (Before Go 1.21 a
// panic(nil) cannot be told from Goexit; it is treated as a Goexit.)
func invoke(fn ProgressFunc, p Progress) (cont bool, bad *outcome) {
	done := make(chan struct{})
	go func() {
		normal := false
		defer func() {
			if !normal {
				v := recover()
				bad = &outcome{p: v, goexit: v == nil}
			}
			close(done)
		}()
		cont = fn(p)
		normal = true
	}()
	<-done
	return cont, bad
}

//export gmmotGoProgress
func gmmotGoProgress(h C.uintptr_t, stage C.int, done, total C.uint64_t, value C.double) (ret C.int) {
	// Nothing may unwind through the C frames: whatever goes wrong cancels the call and is
	// raised again once it has returned.
	defer func() {
		if p := recover(); p != nil {
			storeOutcome(outcome{p: p})
			ret = 1
		}
	}()
	r, ok := cgo.Handle(h).Value().(*progressReg)
	if !ok {
		panic("gmmot: progress callback: user_data is not a registered callback")
	}
	cont, bad := invoke(r.fn, Progress{Stage(stage), uint64(done), uint64(total), float64(value)})
	if bad != nil {
		storeOutcome(*bad)
		return 1
	}
	if cont {
		return 0
	}
	return 1
}

// Interrupt is an interrupt flag (gmmot/progress.h): raising it from any goroutine cancels
// every call whose options carry it. It is sticky until Reset.
type Interrupt struct{ h handle }

// NewInterrupt creates a flag, not raised.
func NewInterrupt() (*Interrupt, error) {
	var p *C.gmmot_interrupt_t
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := check(C.gmmot_interrupt_create(&p), nil); err != nil {
		return nil, err
	}
	return track(&Interrupt{}, p, func(p *C.gmmot_interrupt_t) { C.gmmot_interrupt_destroy(p) }), nil
}

// Close releases the flag (idempotent; also run by a finalizer). The C flag is destroyed
// once no options object or EM object carries it any more; until then Raise, Reset and
// IsRaised keep working on it.
func (i *Interrupt) Close() error { return closeRef(i) }

func (i *Interrupt) ref() *handle {
	if i == nil {
		return nil
	}
	return &i.h
}

// op works on the flag as long as it exists: after Close, while options or EM objects still
// carry it, Raise must still reach the calls using it.
func (i *Interrupt) op(f func(*C.gmmot_interrupt_t) C.int) error {
	if i == nil {
		return ErrClosed
	}
	p, err := i.h.acquireLive()
	if err != nil {
		return err
	}
	defer i.h.release()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	return check(f((*C.gmmot_interrupt_t)(p)), nil)
}

// Raise raises the flag: calls using it stop with ErrCancelled, and so do the fits of EM
// objects created from options carrying it.
func (i *Interrupt) Raise() error {
	raise := func(p *C.gmmot_interrupt_t) C.int { return C.gmmot_interrupt_raise(p) }
	if err := i.op(raise); err != nil {
		return err
	}
	i.h.forFollowers(raise)
	return nil
}

// Reset lowers the flag (and the private flags of the EM objects following it).
func (i *Interrupt) Reset() error {
	reset := func(p *C.gmmot_interrupt_t) C.int { return C.gmmot_interrupt_reset(p) }
	if err := i.op(reset); err != nil {
		return err
	}
	i.h.forFollowers(reset)
	return nil
}

// An EM object fits with a private flag that follows the flag of the options it was made
// from (its leader), so that FitContext can raise and lower its own flag without touching the
// leader, which other calls may use. The library has no flag-to-flag link: the Go Raise and
// Reset of the leader are applied to its followers.
var (
	followMu  sync.Mutex
	followers = map[*handle]map[*handle]bool{}
)

// following is the registration of a follower; release ends it and drops the reference on
// the leader that the EM object held.
type following struct{ lead, f *handle }

func follow(lead, f *handle) releaser {
	if lead == nil {
		return &following{}
	}
	followMu.Lock()
	if followers[lead] == nil {
		followers[lead] = map[*handle]bool{}
	}
	followers[lead][f] = true
	followMu.Unlock()
	return &following{lead, f}
}

func (fl *following) release() {
	if fl.lead == nil {
		return
	}
	followMu.Lock()
	delete(followers[fl.lead], fl.f)
	if len(followers[fl.lead]) == 0 {
		delete(followers, fl.lead)
	}
	followMu.Unlock()
	fl.lead.release()
}

// forFollowers applies op to the live followers of the flag h.
func (h *handle) forFollowers(op func(*C.gmmot_interrupt_t) C.int) {
	followMu.Lock()
	var fs []*handle
	for f := range followers[h] {
		fs = append(fs, f)
	}
	followMu.Unlock()
	if len(fs) == 0 {
		return
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	for _, f := range fs {
		if p, err := f.acquireLive(); err == nil {
			op((*C.gmmot_interrupt_t)(p))
			f.release()
		}
	}
}

// IsRaised reports whether the flag is raised.
func (i *Interrupt) IsRaised() (bool, error) {
	var v C.int
	err := i.op(func(p *C.gmmot_interrupt_t) C.int { return C.gmmot_interrupt_is_raised(p, &v) })
	return v != 0, err
}

// flagRaised reports whether the interrupt flag behind h (a held reference) is raised; tests
// use it to wait for a context's watcher.
func flagRaised(h *handle) bool {
	h.mu.Lock()
	f := (*C.gmmot_interrupt_t)(h.ptr)
	h.mu.Unlock()
	var v C.int
	return f != nil && C.gmmot_interrupt_is_raised(f, &v) == 0 && v != 0
}

// watch calls raise when ctx is done, until the returned stop function is called; stop waits
// for the watcher to exit, so no raise happens after it returns. It reports whether it raised.
func watch(ctx context.Context, raise func() error) (stop func() bool) {
	quit := make(chan struct{})
	var wg sync.WaitGroup
	raised := false
	wg.Add(1)
	go func() {
		defer wg.Done()
		select {
		case <-ctx.Done():
			raised = raise() == nil
		case <-quit:
		}
	}()
	return func() bool {
		close(quit)
		wg.Wait()
		return raised
	}
}

// WithContext returns a copy of opts (nil: defaults) with a private interrupt flag that is
// raised when ctx is done, so that any call given the copy stops with an error satisfying both
// errors.Is(err, ErrCancelled) and errors.Is(err, ctx.Err()). The copy keeps opts' progress
// callback; opts' own interrupt flag, if any, is replaced in the copy. Call release when the
// calls are over: it stops watching ctx and closes the copy.
func WithContext(ctx context.Context, opts *Options) (*Options, func(), error) {
	c, err := opts.Clone()
	if err != nil {
		return nil, nil, err
	}
	flag, err := NewInterrupt()
	if err != nil {
		c.Close()
		return nil, nil, err
	}
	if err := c.SetInterrupt(flag); err != nil {
		c.Close()
		flag.Close()
		return nil, nil, err
	}
	c.a.ctx = ctx
	stop := watch(ctx, flag.Raise)
	return c, func() {
		stop()
		c.Close()
		flag.Close()
	}, nil
}

func (s Stage) String() string {
	names := map[Stage]string{StageEM: "em", StageExactLP: "exact_lp", StageSinkhorn: "sinkhorn",
		StageBarycenter: "barycenter", StageCostMatrix: "cost_matrix", StageMaps: "maps",
		StageDensity: "density", StageMultimarginal: "multimarginal",
		StageFixedPoint: "fixed_point", StageRelaxed: "relaxed",
		StageGromov: "gromov", StageEmbedding: "embedding", StageTexture: "texture",
		StageColour: "colour"}
	if n, ok := names[s]; ok {
		return n
	}
	return fmt.Sprintf("stage(%d)", int(s))
}
