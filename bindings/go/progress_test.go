// SPDX-License-Identifier: MIT

package gmmot

import (
	"context"
	"errors"
	"testing"
	"time"
)

// The Gaussian barycenter of non-commuting covariances reports every fixed-point iteration.
func barycenterInputs() (w, means, covs []float64) {
	return []float64{0.5, 0.5}, []float64{0, 0, 1, 1}, []float64{2, 1, 1, 2, 1, -0.5, -0.5, 3}
}

func TestProgressReportsAndCancels(t *testing.T) {
	w, m, c := barycenterInputs()
	var seen []Progress
	o := newOpts(t, nil, nil)
	must(t, o.SetProgress(func(p Progress) bool {
		seen = append(seen, p)
		return true
	}))
	r, err := GaussianBarycenter(2, w, m, c, o)
	must(t, err)
	if len(seen) == 0 || uint64(len(seen)) != r.Iterations {
		t.Fatalf("%d reports for %d iterations", len(seen), r.Iterations)
	}
	for i, p := range seen {
		if p.Stage != StageBarycenter || p.Done != uint64(i+1) {
			t.Fatalf("report %d: %+v", i, p)
		}
	}
	must(t, o.SetProgress(func(Progress) bool { return false }))
	_, err = GaussianBarycenter(2, w, m, c, o)
	wantStatus(t, err, ECancelled)
	if errors.Is(err, context.Canceled) {
		t.Fatal("a callback cancel is not a context cancel")
	}
	// A clone carries the callback.
	o2, err := o.Clone()
	must(t, err)
	defer o2.Close()
	_, err = GaussianBarycenter(2, w, m, c, o2)
	wantStatus(t, err, ECancelled)
	must(t, o.SetProgress(nil))
	_, err = GaussianBarycenter(2, w, m, c, o)
	must(t, err)
}

// A panic in the callback cancels the C call and is raised again in Go.
func TestProgressPanicIsReraised(t *testing.T) {
	w, m, c := barycenterInputs()
	o := newOpts(t, nil, nil)
	must(t, o.SetProgress(func(Progress) bool { panic("boom") }))
	defer func() {
		if p := recover(); p != "boom" {
			t.Fatalf("recovered %v, want boom", p)
		}
	}()
	GaussianBarycenter(2, w, m, c, o)
	t.Fatal("no panic")
}

func TestInterrupt(t *testing.T) {
	i, err := NewInterrupt()
	must(t, err)
	defer i.Close()
	o := newOpts(t, nil, nil)
	must(t, o.SetInterrupt(i))
	g0, g1 := handMixtures(t)
	must(t, i.Raise())
	if up, _ := i.IsRaised(); !up {
		t.Fatal("not raised")
	}
	_, err = MW2Squared(g0, g1, o)
	wantStatus(t, err, ECancelled)
	_, err = W2CostMatrix(g0, g1, o)
	wantStatus(t, err, ECancelled)
	must(t, i.Reset())
	if up, _ := i.IsRaised(); up {
		t.Fatal("still raised")
	}
	v, err := MW2Squared(g0, g1, o)
	must(t, err)
	near(t, "MW2^2", v, 3, 1e-13)
}

func TestWithContext(t *testing.T) {
	g0, g1 := handMixtures(t)
	ctx, cancel := context.WithCancel(context.Background())
	o, release, err := WithContext(ctx, nil)
	must(t, err)
	defer release()
	v, err := MW2Squared(g0, g1, o)
	must(t, err)
	near(t, "MW2^2", v, 3, 1e-13)
	cancel()
	// A call started after the context is done does not start.
	_, err = MW2Squared(g0, g1, o)
	if !errors.Is(err, ErrCancelled) || !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want ErrCancelled wrapping context.Canceled", err)
	}
}

// A context done during a call raises the interrupt flag of the options WithContext made: a
// progress callback cancels the context (and keeps returning true) in the middle of an EM fit
// of NewMW2FromPoints, which then stops with the context's error.
func TestWithContextMidCall(t *testing.T) {
	pts := clusters(9, 1000, 1, [2]float64{0, 0}, [2]float64{1, 1})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	base := newOpts(t, map[Option]int64{OptEMComponents: 6, OptEMMaxIterations: 2000},
		map[Option]float64{OptEMTolerance: 0})
	reports := 0
	var o *Options
	must(t, base.SetProgress(func(p Progress) bool {
		reports++
		if p.Done == 2 {
			cancel()
			waitRaised(t, o.a.intr) // the watcher raises the flag asynchronously
		}
		return true
	}))
	o, release, err := WithContext(ctx, base)
	must(t, err)
	defer release()
	_, err = NewMW2FromPoints(2, pts, pts, nil, nil, o)
	if !errors.Is(err, ErrCancelled) || !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want ErrCancelled wrapping context.Canceled", err)
	}
	if reports > 6 {
		t.Fatalf("%d progress reports: the cancel was late", reports)
	}
}

func waitRaised(t *testing.T, h *handle) {
	for deadline := time.Now().Add(20 * time.Second); !flagRaised(h); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Error("the context's watcher did not raise the flag within 20 s")
			return
		}
	}
}
