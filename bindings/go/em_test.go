// SPDX-License-Identifier: MIT

package gmmot

import (
	"context"
	"errors"
	"math/rand"
	"sort"
	"testing"
)

// clusters draws n points around each centre (2-D, standard deviation sd).
func clusters(seed int64, n int, sd float64, centres ...[2]float64) []float64 {
	rng := rand.New(rand.NewSource(seed))
	var pts []float64
	for _, c := range centres {
		for i := 0; i < n; i++ {
			pts = append(pts, c[0]+sd*rng.NormFloat64(), c[1]+sd*rng.NormFloat64())
		}
	}
	return pts
}

// EM on three well separated clusters recovers their means, equal weights and covariances.
func TestEMRecoversClusters(t *testing.T) {
	centres := [][2]float64{{0, 0}, {20, 0}, {0, 20}}
	pts := clusters(1, 500, 1, centres...)
	o := newOpts(t, map[Option]int64{OptEMComponents: 3, OptSeed: 11}, nil)
	em, err := NewEM(o)
	must(t, err)
	defer em.Close()
	_, err = em.Info()
	wantStatus(t, err, EInvalidArgument) // no fit yet
	g, err := em.Fit(2, pts, nil)
	must(t, err)
	defer g.Close()
	m, _ := g.Means()
	w, _ := g.Weights()
	c, _ := g.Covariances()
	order := []int{0, 1, 2}
	key := func(k int) float64 { return m[2*k] + 2*m[2*k+1] }
	sort.Slice(order, func(i, j int) bool { return key(order[i]) < key(order[j]) })
	for i, k := range order {
		// Sample means of 500 points with sd 1 are within 4.5/sqrt(500) = 0.2 of the centres.
		near(t, "mean x", m[2*k], centres[i][0], 0.2)
		near(t, "mean y", m[2*k+1], centres[i][1], 0.2)
		near(t, "weight", w[k], 1.0/3, 1e-3)
		near(t, "variance", c[4*k], 1, 0.2)
		near(t, "covariance", c[4*k+1], 0, 0.2)
	}
	info, err := em.Info()
	must(t, err)
	if !info.Converged || info.Iterations == 0 {
		t.Fatalf("info %+v", info)
	}
	// The reported log-likelihood is the mean log-density of the points under the fit.
	ld, err := g.LogDensity(pts, nil)
	must(t, err)
	mean := 0.0
	for _, v := range ld {
		mean += v / float64(len(ld))
	}
	near(t, "mean log-likelihood", info.MeanLogLikelihood, mean, 1e-9)
	passes, _, err := em.Work()
	must(t, err)
	if passes < info.Iterations {
		t.Fatalf("passes %d < iterations %d", passes, info.Iterations)
	}
	_, err = em.Fit(2, pts[:3], nil)
	wantStatus(t, err, EDimension, "points")
	_, err = em.Fit(2, pts, []float64{1, 2})
	wantStatus(t, err, EDimension, "weights")
}

func TestEMNotConvergedWarning(t *testing.T) {
	pts := clusters(2, 200, 1, [2]float64{0, 0}, [2]float64{3, 0})
	o := newOpts(t, map[Option]int64{OptEMComponents: 4, OptEMMaxIterations: 1},
		map[Option]float64{OptEMTolerance: 0})
	em, err := NewEM(o)
	must(t, err)
	defer em.Close()
	g, err := em.Fit(2, pts, nil)
	if !errors.Is(err, WarnNotConverged) || g == nil {
		t.Fatalf("got %v, %v; want a mixture and GMMOT_W_NOT_CONVERGED", g, err)
	}
	g.Close()
}

// A context cancelled while the fit runs stops it (the cancel comes from the progress
// callback, so the fit is certainly running; the callback itself keeps returning true, so
// only the context's watcher can stop the fit). The EM object's private flag is lowered
// afterwards, so the object fits again.
func TestEMFitContextCancel(t *testing.T) {
	pts := clusters(3, 1000, 1, [2]float64{0, 0}, [2]float64{1, 1}, [2]float64{2, 0})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	armed, reports := true, 0
	var em *EM
	o := newOpts(t, map[Option]int64{OptEMComponents: 6, OptEMMaxIterations: 2000},
		map[Option]float64{OptEMTolerance: 0})
	must(t, o.SetProgress(func(p Progress) bool {
		if p.Stage != StageEM {
			t.Errorf("stage %v during EM", p.Stage)
		}
		reports++
		if armed && p.Done == 1 {
			cancel()
			waitRaised(t, em.a.intr) // the watcher raises the flag asynchronously
		}
		return true
	}))
	em, err := NewEM(o)
	must(t, err)
	defer em.Close()
	_, err = em.FitContext(ctx, 2, pts, nil)
	if !errors.Is(err, ErrCancelled) || !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want ErrCancelled wrapping context.Canceled", err)
	}
	if reports > 5 {
		t.Fatalf("%d progress reports after the cancel at the first", reports)
	}
	// An already cancelled context: same error.
	_, err = em.FitContext(ctx, 2, pts, nil)
	if !errors.Is(err, ErrCancelled) || !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want ErrCancelled wrapping context.Canceled", err)
	}
	// The flag was lowered: a fit without context runs (to the cap: a warning).
	armed = false
	o2 := newOpts(t, map[Option]int64{OptEMComponents: 2, OptEMMaxIterations: 3}, nil)
	em2, err := NewEM(o2)
	must(t, err)
	defer em2.Close()
	g, err := em2.FitContext(context.Background(), 2, pts, nil)
	if !IsWarning(err) {
		t.Fatal(err)
	}
	g.Close()
	g, err = em.Fit(2, pts[:200], nil)
	if !IsWarning(err) {
		t.Fatalf("fit after a cancelled one: %v", err)
	}
	g.Close()
}

// A call on an EM object while another runs on it is refused, not raced: here from the fit's
// own progress callback (another goroutine would get the same error).
func TestEMBusy(t *testing.T) {
	pts := clusters(6, 100, 1, [2]float64{0, 0}, [2]float64{9, 9})
	var em *EM
	var inner error
	o := newOpts(t, map[Option]int64{OptEMComponents: 2}, nil)
	must(t, o.SetProgress(func(Progress) bool {
		if inner == nil {
			_, inner = em.Info()
		}
		return true
	}))
	em, err := NewEM(o)
	must(t, err)
	defer em.Close()
	g, err := em.Fit(2, pts, nil)
	must(t, err)
	g.Close()
	wantStatus(t, inner, EInvalidArgument, "a fit is running")
	_, err = em.Info()
	must(t, err)
}
