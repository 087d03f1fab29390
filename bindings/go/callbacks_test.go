// SPDX-License-Identifier: MIT

package gmmot

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
)

// Replacing the callback while a call runs with it: the running call has copied the old
// callback's handle, which must stay valid until the call returns (it used to be deleted at
// once, and the next report crashed the process).
func TestSetProgressDuringCall(t *testing.T) {
	w, m, c := barycenterInputs()
	o := newOpts(t, nil, nil)
	entered, resume := make(chan struct{}), make(chan struct{})
	var reports int32
	must(t, o.SetProgress(func(Progress) bool {
		if atomic.AddInt32(&reports, 1) == 1 {
			close(entered)
			<-resume
		}
		return true
	}))
	swapped := make(chan error, 1)
	go func() {
		<-entered
		err := o.SetProgress(func(Progress) bool { return true })
		if err == nil {
			err = o.SetInterrupt(nil)
		}
		runtime.GC()
		swapped <- err
		close(resume)
	}()
	r, err := GaussianBarycenter(2, w, m, c, o)
	must(t, err)
	must(t, <-swapped)
	if r.Iterations < 2 || atomic.LoadInt32(&reports) < 2 {
		t.Fatalf("%d iterations, %d reports to the first callback: no report after the swap",
			r.Iterations, reports)
	}
}

// Two calls sharing one callback that panics in both: each call raises its own panic again,
// none is lost or raised on the other goroutine (the panic slot was one per callback, and
// every iteration lost one of the two panics).
func TestCallbackPanicsStayWithTheirCalls(t *testing.T) {
	g := newGMM(t, 2, 1, []float64{0.5, 0.5}, []float64{-1, 1}, []float64{1, 1})
	for it := 0; it < 20; it++ {
		o := newOpts(t, map[Option]int64{OptNumThreads: 1}, nil)
		var both sync.WaitGroup
		both.Add(2)
		var first sync.Map
		must(t, o.SetProgress(func(p Progress) bool {
			// Both calls are inside the callback before either panics; a sample call's
			// Total is its n, which tells the calls apart.
			if _, seen := first.LoadOrStore(p.Total, true); !seen {
				both.Done()
			}
			both.Wait()
			panic(p.Total)
		}))
		var wg sync.WaitGroup
		got := make([]interface{}, 2)
		for i := 0; i < 2; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				defer func() { got[i] = recover() }()
				g.Sample(20000+i, o)
			}(i)
		}
		wg.Wait()
		o.Close()
		for i := 0; i < 2; i++ {
			if v, ok := got[i].(uint64); !ok || v != uint64(20000+i) {
				t.Fatalf("iteration %d: call %d raised %v, want its own panic %d", it, i, got[i], 20000+i)
			}
		}
	}
}

// runtime.Goexit (t.FailNow) in a callback: the call is cancelled, the calling goroutine then
// exits through its deferred calls, and the EM object fits again (a Goexit used to unwind
// through the C frames and leave it "already running").
func TestGoexitInCallback(t *testing.T) {
	pts := clusters(5, 300, 1, [2]float64{0, 0}, [2]float64{5, 5})
	o := newOpts(t, map[Option]int64{OptEMComponents: 2, OptNumThreads: 1}, nil)
	var exitNow int32 = 1
	must(t, o.SetProgress(func(Progress) bool {
		if atomic.CompareAndSwapInt32(&exitNow, 1, 0) {
			runtime.Goexit()
		}
		return true
	}))
	em, err := NewEM(o)
	must(t, err)
	defer em.Close()
	var returned, deferred bool
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() { deferred = true }()
		em.Fit(2, pts, nil)
		returned = true
	}()
	<-done
	if returned || !deferred {
		t.Fatalf("after a Goexit in the callback: Fit returned = %v, deferred calls ran = %v", returned, deferred)
	}
	g, err := em.Fit(2, pts, nil)
	if !IsWarning(err) {
		t.Fatalf("fit after a Goexit in the callback: %v", err)
	}
	g.Close()
}

// A callback panic is raised again even if the call finished despite the cancel request, and
// never left behind for a later call on the same thread.
func TestCallbackPanicNeverOutlivesItsCall(t *testing.T) {
	w, m, c := barycenterInputs()
	o := newOpts(t, nil, nil)
	must(t, o.SetProgress(func(Progress) bool { panic("once") }))
	func() {
		defer func() { recover() }()
		GaussianBarycenter(2, w, m, c, o)
	}()
	if n := atomic.LoadInt32(&outcomesN); n != 0 {
		t.Fatalf("%d callback outcomes left after their calls returned", n)
	}
	_, err := GaussianBarycenter(2, w, m, c, nil)
	must(t, err)
}

// Read-only calls on an EM object run together; only Fit is exclusive.
func TestEMReadOnlyCallsShare(t *testing.T) {
	pts := clusters(5, 100, 1, [2]float64{0, 0}, [2]float64{5, 5})
	em, err := NewEM(newOpts(t, map[Option]int64{OptEMComponents: 2}, nil))
	must(t, err)
	defer em.Close()
	g, err := em.Fit(2, pts, nil)
	if !IsWarning(err) {
		t.Fatal(err)
	}
	g.Close()
	// Another goroutine's Info is in progress.
	_, err = em.use("test", false)
	must(t, err)
	_, errInfo := em.Info()
	_, _, errWork := em.Work()
	em.done(false)
	must(t, errInfo)
	must(t, errWork)
}

// A closed flag still carried by options still raises: Close must not cut the way to cancel
// the calls that use it.
func TestInterruptRaisesAfterClose(t *testing.T) {
	i, err := NewInterrupt()
	must(t, err)
	o := newOpts(t, nil, nil)
	must(t, o.SetInterrupt(i))
	i.Close()
	must(t, i.Raise())
	_, err = SolveTransport([]float64{1}, []float64{1}, []float64{0}, o)
	wantStatus(t, err, ECancelled)
	must(t, i.Reset())
	must(t, o.SetInterrupt(nil))
	if err := i.Raise(); !errors.Is(err, ErrClosed) {
		t.Fatalf("Raise after the last reference is gone: %v, want ErrClosed", err)
	}
}

// Output buffers sized by the caller are checked before they are allocated.
func TestHugeOutputIsTooLarge(t *testing.T) {
	g := newGMM(t, 1, 1, []float64{1}, []float64{0}, []float64{1})
	_, _, err := g.Sample(1<<50, nil)
	wantStatus(t, err, ETooLarge, "gmmot.GMM.Sample")
	_, _, err = g.Sample(int(^uint(0)>>1), nil)
	wantStatus(t, err, ETooLarge, "gmmot.GMM.Sample")
}

// FitContext on an EM object made from options with a user's flag: the context cancels the fit
// through the object's private flag and leaves the user's flag down (it used to raise the
// user's flag, which then stayed raised for every other call using it); the user's flag still
// cancels the object's fits, raised before or during one.
func TestEMFitContextLeavesTheOptionsFlagAlone(t *testing.T) {
	pts := clusters(3, 1000, 1, [2]float64{0, 0}, [2]float64{1, 1}, [2]float64{2, 0})
	user, err := NewInterrupt()
	must(t, err)
	defer user.Close()
	const (
		quiet = iota
		cancelCtx
		raiseUser
	)
	var mode int32
	var cancel func()
	var em *EM
	o := newOpts(t, map[Option]int64{OptEMComponents: 6, OptEMMaxIterations: 50}, nil)
	must(t, o.SetInterrupt(user))
	must(t, o.SetProgress(func(p Progress) bool {
		switch atomic.SwapInt32(&mode, quiet) {
		case cancelCtx:
			cancel()
			waitRaised(t, em.a.intr) // the watcher raises the private flag asynchronously
		case raiseUser:
			must(t, user.Raise())
		}
		return true
	}))
	em, err = NewEM(o)
	must(t, err)
	defer em.Close()

	ctx, cancelFn := context.WithCancel(context.Background())
	cancel = cancelFn
	atomic.StoreInt32(&mode, cancelCtx)
	_, err = em.FitContext(ctx, 2, pts, nil)
	if !errors.Is(err, ErrCancelled) || !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want ErrCancelled wrapping context.Canceled", err)
	}
	if up, _ := user.IsRaised(); up {
		t.Fatal("FitContext left the options' own interrupt flag raised")
	}
	g, err := em.Fit(2, pts[:300], nil)
	if !IsWarning(err) {
		t.Fatalf("fit after the context's cancel: %v", err)
	}
	g.Close()

	must(t, user.Raise()) // before the fit
	_, err = em.Fit(2, pts[:300], nil)
	wantStatus(t, err, ECancelled)
	must(t, user.Reset())
	atomic.StoreInt32(&mode, raiseUser) // during the fit
	_, err = em.Fit(2, pts[:300], nil)
	wantStatus(t, err, ECancelled)
	must(t, user.Reset())
	g, err = em.Fit(2, pts[:300], nil)
	if !IsWarning(err) {
		t.Fatalf("fit after the reset: %v", err)
	}
	g.Close()
}
