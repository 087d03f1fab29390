// SPDX-License-Identifier: MIT

package gmmot

import (
	"sync"
	"testing"
)

// Between single Gaussians T_mean and T_rand are the Monge map: in 1-D, T(x) = (s1/s0)(x - m0) + m1.
func TestMapsSingleGaussian(t *testing.T) {
	g0 := newGMM(t, 1, 1, []float64{1}, []float64{1}, []float64{1})
	g1 := newGMM(t, 1, 1, []float64{1}, []float64{3}, []float64{4})
	p, err := NewMW2(g0, g1, nil)
	must(t, err)
	defer p.Close()
	x := []float64{-2, 0, 1, 5.5}
	want := make([]float64, len(x))
	for i, xi := range x {
		want[i] = 2*(xi-1) + 3
	}
	got, err := p.MapMean(x, nil)
	must(t, err)
	nearAll(t, "T_mean", got, want, 1e-13)
	got, err = p.MapRand(x, nil)
	must(t, err)
	nearAll(t, "T_rand", got, want, 1e-13)
}

// Far from the other component, T_mean follows the pair map of the nearest source component.
func TestMapsTwoComponents(t *testing.T) {
	g0, g1 := handMixtures(t)
	p, err := NewMW2(g0, g1, nil)
	must(t, err)
	defer p.Close()
	x := []float64{0, 0.5, 10, 9}
	got, err := p.MapMean(x, nil)
	must(t, err)
	// component 0 -> (0, 1): 2x + 1; component 1 -> (10, 12): (x - 10) + 12.
	nearAll(t, "T_mean", got, []float64{1, 2, 12, 11}, 1e-9)
	o := newOpts(t, map[Option]int64{OptSeed: 5}, nil)
	r1, err := p.MapRand(x, o)
	must(t, err)
	nearAll(t, "T_rand", r1, []float64{1, 2, 12, 11}, 1e-9)
	_, err = p.MapMean([]float64{1, 2}, nil)
	must(t, err)
	_, err = p.MapMean([]float64{1, 2, 3}, nil)
	must(t, err)
	g2 := newGMM(t, 1, 2, []float64{1}, []float64{0, 0}, diag(1, 1))
	q, err := NewMW2(g2, g2, nil)
	must(t, err)
	defer q.Close()
	_, err = q.MapMean([]float64{1, 2, 3}, nil)
	wantStatus(t, err, EDimension, "x has 3 values")
}

// One plan, many goroutines: the pair maps are computed on first use by whichever goroutines
// ask first (gmmot/mw2.h: "computed once, safely"); every goroutine gets the same result.
func TestMapsSharedPlanConcurrent(t *testing.T) {
	g0, g1 := handMixtures(t)
	p, err := NewMW2(g0, g1, nil)
	must(t, err)
	defer p.Close()
	x := []float64{-1, 0, 0.5, 3, 9, 10, 11}
	const workers = 16
	results := make([][]float64, workers)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			results[w], errs[w] = p.MapMean(x, nil)
		}(w)
	}
	wg.Wait()
	for w := 0; w < workers; w++ {
		must(t, errs[w])
		nearAll(t, "T_mean from a goroutine", results[w], results[0], 0)
	}
}
