// SPDX-License-Identifier: MIT

package gmmot

import (
	"errors"
	"math"
	"sort"
	"testing"
)

// Two clouds of two tight, far-apart clusters each; cloud 1 is cloud 0 moved by (1, -1).
func relaxedClouds() (p0, p1 []float64) {
	p0 = clusters(21, 150, 0.5, [2]float64{0, 0}, [2]float64{30, 0})
	p1 = make([]float64, len(p0))
	for i := 0; i < len(p0); i += 2 {
		p1[i], p1[i+1] = p0[i]+1, p0[i+1]-1
	}
	return p0, p1
}

func TestRelaxedFit(t *testing.T) {
	p0, p1 := relaxedClouds()
	o := newOpts(t, map[Option]int64{OptRelaxedComponents: 2, OptSeed: 2}, map[Option]float64{
		OptRelaxedLambda: 100})
	r, err := NewRelaxed(2, p0, p1, nil, nil, o)
	if !IsWarning(err) {
		t.Fatal(err)
	}
	defer r.Close()
	// With a large lambda the marginals are the clusters' fits: means at the cluster means.
	m0, err := r.Marginal0()
	must(t, err)
	defer m0.Close()
	means, _ := m0.Means()
	xs := []float64{means[0], means[2]}
	sort.Float64s(xs)
	near(t, "marginal 0 mean", xs[0], 0, 0.2)
	near(t, "marginal 0 mean", xs[1], 30, 0.2/30)
	m1, err := r.Marginal1()
	must(t, err)
	defer m1.Close()
	means1, _ := m1.Means()
	// Component k of both marginals is the same cluster, moved by (1, -1).
	for k := 0; k < 2; k++ {
		near(t, "shift x", means1[2*k]-means[2*k], 1, 0.05)
		near(t, "shift y", means1[2*k+1]-means[2*k+1], -1, 0.05)
	}
	cp, err := r.Coupling()
	must(t, err)
	if cp.K() != 2 || cp.Dim() != 4 {
		t.Fatalf("coupling K %d d %d", cp.K(), cp.Dim())
	}
	cp.Close()

	e, err := r.Energy()
	must(t, err)
	info, err := r.Info()
	must(t, err)
	near(t, "J", e.Energy, e.Transport-info.LambdaAbs*(e.LL0+e.LL1)+e.Penalty, 1e-9)
	near(t, "lambda_abs", info.LambdaAbs, 100*info.Scale2, 1e-12)
	en, err := r.Energies()
	must(t, err)
	if uint64(len(en)) != info.Iterations+1 {
		t.Fatalf("%d energies for %d iterations", len(en), info.Iterations)
	}
	for i := 1; i < len(en); i++ {
		if en[i] > en[i-1]+1e-9*math.Abs(en[i-1]) {
			t.Fatalf("energy rose at %d: %v", i, en)
		}
	}
	flags, _, err := r.Degenerate()
	must(t, err)
	if len(flags) != 4 {
		t.Fatalf("%d flags, want 2K = 4", len(flags))
	}
	path, err := r.Path()
	must(t, err)
	if len(path) != 1 || path[0].Lambda != 100 {
		t.Fatalf("path %+v", path)
	}

	// The plan's cost is the transport term; a given plan has no duals.
	p, err := r.Plan()
	must(t, err)
	defer p.Close()
	sq, _, err := p.Distance()
	must(t, err)
	near(t, "plan cost", sq, e.Transport, 1e-9)
	_, _, err = p.Duals()
	wantStatus(t, err, EInvalidArgument)
	x := []float64{0, 0, 30, 0}
	y, err := p.MapMean(x, nil)
	must(t, err)
	nearAll(t, "T_mean of the cluster centres", y, []float64{1, -1, 31, -1}, 0.1)

	// Restart from the fit's marginals, and a two-step lambda path.
	r2, err := NewRelaxedFrom(2, p0, p1, nil, nil, m0, m1, o)
	if !IsWarning(err) {
		t.Fatal(err)
	}
	e2, _ := r2.Energy()
	if e2.Energy > e.Energy+1e-9*math.Abs(e.Energy) {
		t.Fatalf("restart from the fit raised J: %g > %g", e2.Energy, e.Energy)
	}
	r2.Close()
	rp, err := NewRelaxedPath(2, p0, p1, nil, nil, []float64{100, 10}, o)
	if !IsWarning(err) {
		t.Fatal(err)
	}
	path, err = rp.Path()
	must(t, err)
	if len(path) != 2 || path[0].Lambda != 100 || path[1].Lambda != 10 {
		t.Fatalf("path %+v", path)
	}
	rp.Close()

	_, err = NewRelaxedPath(2, p0, p1, nil, nil, []float64{10, 100}, o)
	wantStatus(t, err, EInvalidArgument, "lambdas[1]")
	_, err = NewRelaxed(2, p0, p1[:5], nil, nil, o)
	wantStatus(t, err, EDimension, "points1")
	_, err = NewRelaxedFrom(2, p0, p1, nil, nil, m0, nil, o)
	if !errors.Is(err, ErrClosed) {
		t.Fatalf("nil start: %v", err)
	}
}
