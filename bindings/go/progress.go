// SPDX-License-Identifier: MIT

package gmmot

// #include <stdint.h>
// #include <gmmot/gmmot.h>
import "C"

import (
	"context"
	"fmt"
	"runtime"
	"runtime/cgo"
	"sync"
	"unsafe"
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
// keeps calling it after the options it was created from are closed.
type progressReg struct {
	fn       ProgressFunc
	h        cgo.Handle
	mu       sync.Mutex
	refs     int
	panicked interface{}
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

func (r *progressReg) takePanic() interface{} {
	if r == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	p := r.panicked
	r.panicked = nil
	return p
}

//export gmmotGoProgress
func gmmotGoProgress(h C.uintptr_t, stage C.int, done, total C.uint64_t, value C.double) (ret C.int) {
	r := cgo.Handle(h).Value().(*progressReg)
	// A panic must not unwind through the C frames: cancel the call and re-raise it later.
	defer func() {
		if p := recover(); p != nil {
			r.mu.Lock()
			r.panicked = p
			r.mu.Unlock()
			ret = 1
		}
	}()
	if r.fn(Progress{Stage(stage), uint64(done), uint64(total), float64(value)}) {
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
	i := &Interrupt{}
	i.h.init(unsafe.Pointer(p), func(p unsafe.Pointer) {
		C.gmmot_interrupt_destroy((*C.gmmot_interrupt_t)(p))
	})
	runtime.SetFinalizer(i, (*Interrupt).Close)
	return i, nil
}

// Close releases the flag (idempotent; also run by a finalizer). The C flag is destroyed
// once no options object or EM object carries it any more.
func (i *Interrupt) Close() error {
	if i != nil {
		i.h.close()
	}
	return nil
}

func (i *Interrupt) op(f func(*C.gmmot_interrupt_t) C.int) error {
	p, err := i.h.acquire()
	if err != nil {
		return err
	}
	defer i.h.release()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	return check(f((*C.gmmot_interrupt_t)(p)), nil)
}

// Raise raises the flag: calls using it stop with ErrCancelled.
func (i *Interrupt) Raise() error {
	return i.op(func(p *C.gmmot_interrupt_t) C.int { return C.gmmot_interrupt_raise(p) })
}

// Reset lowers the flag.
func (i *Interrupt) Reset() error {
	return i.op(func(p *C.gmmot_interrupt_t) C.int { return C.gmmot_interrupt_reset(p) })
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
		StageGromov: "gromov"}
	if n, ok := names[s]; ok {
		return n
	}
	return fmt.Sprintf("stage(%d)", int(s))
}
