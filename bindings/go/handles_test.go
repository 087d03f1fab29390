// SPDX-License-Identifier: MIT

package gmmot

import (
	"errors"
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

func TestCloseIsIdempotent(t *testing.T) {
	g, err := NewGMM(1, 1, []float64{1}, []float64{0}, []float64{1})
	must(t, err)
	before := atomic.LoadInt64(&destroyed)
	for i := 0; i < 3; i++ {
		must(t, g.Close())
	}
	if n := atomic.LoadInt64(&destroyed) - before; n != 1 {
		t.Fatalf("%d C objects freed by three Close calls, want 1", n)
	}
	if _, err := g.Weights(); !errors.Is(err, ErrClosed) || !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("after Close: %v", err)
	}
	if g.K() != 0 || g.Dim() != 0 {
		t.Fatal("a closed mixture has components")
	}
	var nilGMM *GMM
	must(t, nilGMM.Close())
	var zero GMM
	if _, err := zero.Means(); !errors.Is(err, ErrClosed) {
		t.Fatalf("zero GMM: %v", err)
	}
	o, _ := NewOptions()
	o.Close()
	o.Close()
	if err := o.SetInt(OptSeed, 1); !errors.Is(err, ErrClosed) {
		t.Fatalf("closed options: %v", err)
	}
	i, _ := NewInterrupt()
	i.Close()
	i.Close()
	if err := i.Raise(); !errors.Is(err, ErrClosed) {
		t.Fatalf("closed interrupt: %v", err)
	}
}

// Handles dropped without Close are freed by their finalizers.
func TestFinalizersFreeDroppedHandles(t *testing.T) {
	before := atomic.LoadInt64(&destroyed)
	const n = 200
	func() {
		for i := 0; i < n; i++ {
			if _, err := NewGMM(1, 1, []float64{1}, []float64{float64(i)}, []float64{1}); err != nil {
				t.Fatal(err)
			}
			if _, err := NewOptions(); err != nil {
				t.Fatal(err)
			}
		}
	}()
	deadline := time.Now().Add(10 * time.Second)
	for atomic.LoadInt64(&destroyed)-before < 2*n && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if got := atomic.LoadInt64(&destroyed) - before; got < 2*n {
		t.Fatalf("finalizers freed %d of %d dropped handles", got, 2*n)
	}
}

// Close during a running call: the call finishes on a live object, the C object is freed
// when it returns, and later calls see ErrClosed.
func TestCloseDuringCall(t *testing.T) {
	pts := clusters(5, 300, 1, [2]float64{0, 0}, [2]float64{5, 5})
	o := newOpts(t, map[Option]int64{OptEMComponents: 2}, nil)
	var em *EM
	var closedAt int64 = -1
	aliveInCall := false
	must(t, o.SetProgress(func(p Progress) bool {
		if atomic.LoadInt64(&closedAt) < 0 {
			atomic.StoreInt64(&closedAt, atomic.LoadInt64(&destroyed))
			em.Close() // from inside the fit
			o.Close()
			em.h.mu.Lock()
			aliveInCall = em.h.ptr != nil
			em.h.mu.Unlock()
		}
		return true
	}))
	em, err := NewEM(o)
	must(t, err)
	g, err := em.Fit(2, pts, nil)
	if err != nil && !IsWarning(err) {
		t.Fatal(err)
	}
	defer g.Close()
	if atomic.LoadInt64(&closedAt) < 0 {
		t.Fatal("the callback never ran")
	}
	// The C object outlived its Close for the running fit, then was freed when it returned.
	em.h.mu.Lock()
	freed := em.h.ptr == nil
	em.h.mu.Unlock()
	if !aliveInCall || !freed {
		t.Fatalf("EM object alive during the call after Close: %v, freed after the call: %v",
			aliveInCall, freed)
	}
	if now := atomic.LoadInt64(&destroyed); now <= atomic.LoadInt64(&closedAt) {
		t.Fatalf("destroyed count %d, %d when Close was called: nothing freed", now, closedAt)
	}
	if _, err := em.Info(); !errors.Is(err, ErrClosed) {
		t.Fatalf("after Close: %v", err)
	}
	if _, err := g.Means(); err != nil {
		t.Fatalf("the fitted mixture: %v", err)
	}
}

// An interrupt closed while options carry it stays alive for them.
func TestInterruptOutlivesItsClose(t *testing.T) {
	i, err := NewInterrupt()
	must(t, err)
	o := newOpts(t, nil, nil)
	must(t, o.SetInterrupt(i))
	must(t, i.Raise())
	i.Close()
	_, err = SolveTransport([]float64{1}, []float64{1}, []float64{0}, o)
	wantStatus(t, err, ECancelled)
	must(t, o.SetInterrupt(nil))
	tr, err := SolveTransport([]float64{1}, []float64{1}, []float64{0}, o)
	must(t, err)
	tr.Close()
}
