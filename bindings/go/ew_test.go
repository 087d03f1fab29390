// SPDX-License-Identifier: MIT

package gmmot

import (
	"errors"
	"math"
	"math/rand"
	"testing"
)

// EW2 and MEW2 across dimensions: an isometric copy at zero with the isometry and the
// correspondence recovered, EW2 in 2-D against a brute-force grid of rotations and reflections
// times all permutation plans, MEW2 <= MW2 for m = n, the maps equal to the MW2 T_mean after
// the embedding, progress, and bad input.

func rot2(theta float64, reflect bool) [4]float64 {
	c, s := math.Cos(theta), math.Sin(theta)
	if reflect {
		return [4]float64{c, s, s, -c}
	}
	return [4]float64{c, -s, s, c}
}

func centre2(x []float64) []float64 {
	n := len(x) / 2
	var mx, my float64
	for i := 0; i < n; i++ {
		mx += x[2*i] / float64(n)
		my += x[2*i+1] / float64(n)
	}
	out := make([]float64, len(x))
	for i := 0; i < n; i++ {
		out[2*i], out[2*i+1] = x[2*i]-mx, x[2*i+1]-my
	}
	return out
}

func TestEW2IsometricCopy(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	n := 6
	x := make([]float64, 2*n)
	for i := 0; i < n; i++ {
		x[2*i], x[2*i+1] = 2.5*rng.NormFloat64(), rng.NormFloat64()
	}
	r := rot2(1.1, true)
	perm := []int{2, 5, 0, 4, 1, 3}
	y := make([]float64, 2*n)
	for j, i := range perm { // y_j = R x_perm[j] + (4, -1)
		y[2*j] = r[0]*x[2*i] + r[1]*x[2*i+1] + 4
		y[2*j+1] = r[2]*x[2*i] + r[3]*x[2*i+1] - 1
	}
	e, err := NewEW2(x, 2, nil, y, 2, nil, nil)
	must(t, err)
	defer e.Close()
	if k0, k1 := e.Shape(); k0 != n || k1 != n {
		t.Fatalf("shape %d x %d", k0, k1)
	}
	if m, d := e.Dims(); m != 2 || d != 2 {
		t.Fatalf("dims %d, %d", m, d)
	}
	v, root, err := e.Value()
	must(t, err)
	if math.Abs(v) > 1e-10 || math.Abs(root*root-v) > 1e-12 {
		t.Fatalf("EW2^2 = %g, root %g", v, root)
	}
	p, err := e.Isometry()
	must(t, err)
	nearAll(t, "P = R^T", p, []float64{r[0], r[2], r[1], r[3]}, 1e-7)
	rows, cols, mass, err := e.SparsePlan()
	must(t, err)
	if len(mass) != n || e.NNZ() != n {
		t.Fatalf("nnz %d", len(mass))
	}
	for i := range mass {
		if rows[i] != perm[cols[i]] {
			t.Fatalf("triplet %d: (%d, %d)", i, rows[i], cols[i])
		}
		near(t, "mass", mass[i], 1/float64(n), 1e-12)
	}
	plan, err := e.Plan()
	must(t, err)
	near(t, "plan", plan[perm[0]*n], 1/float64(n), 1e-12)
	m0, m1, err := e.Means()
	must(t, err)
	near(t, "mean0 + shift = mean1 after R", r[0]*m0[0]+r[1]*m0[1]+4, m1[0], 1e-10)
	info, err := e.Info()
	must(t, err)
	if !info.Converged || info.GradientNorm > 1e-6 || info.BestStart >= info.Starts || info.Iterations == 0 {
		t.Fatalf("info %+v", info)
	}
}

func TestEW2AgainstABruteForceGrid(t *testing.T) {
	for seed := int64(1); seed <= 3; seed++ {
		rng := rand.New(rand.NewSource(seed))
		n := 5
		x, y := make([]float64, 2*n), make([]float64, 2*n)
		for i := 0; i < n; i++ {
			x[2*i], x[2*i+1] = 2*rng.NormFloat64(), rng.NormFloat64()
			y[2*i], y[2*i+1] = 1.5*rng.NormFloat64()+3, rng.NormFloat64()
		}
		xc, yc := centre2(x), centre2(y)
		// uniform weights and n = n: an optimal plan is a permutation (Birkhoff)
		best, steps := math.Inf(1), 1440
		ry := make([]float64, 2*n)
		for a := 0; a < steps; a++ {
			for _, reflect := range []bool{false, true} {
				r := rot2(2*math.Pi*float64(a)/float64(steps), reflect)
				for l := 0; l < n; l++ {
					ry[2*l] = r[0]*yc[2*l] + r[1]*yc[2*l+1]
					ry[2*l+1] = r[2]*yc[2*l] + r[3]*yc[2*l+1]
				}
				permutations(n, func(p []int) {
					c := 0.0
					for k := 0; k < n; k++ {
						dx, dy := xc[2*k]-ry[2*p[k]], xc[2*k+1]-ry[2*p[k]+1]
						c += dx*dx + dy*dy
					}
					best = math.Min(best, c/float64(n))
				})
			}
		}
		e, err := NewEW2(x, 2, nil, y, 2, nil, nil)
		must(t, err)
		v, _, err := e.Value()
		must(t, err)
		e.Close()
		radius2 := 0.0
		for i := 0; i < n; i++ {
			radius2 = math.Max(radius2, math.Max(xc[2*i]*xc[2*i]+xc[2*i+1]*xc[2*i+1], yc[2*i]*yc[2*i]+yc[2*i+1]*yc[2*i+1]))
		}
		slack := math.Pow(2*math.Pi/float64(steps), 2) * 4 * radius2
		if v < best-slack-1e-12 || v > best+1e-9 {
			t.Fatalf("seed %d: EW2^2 %.12g, grid %.12g", seed, v, best)
		}
	}
}

func TestMEW2BelowMW2AndZeroForACopy(t *testing.T) {
	g0 := newGMM(t, 3, 2, []float64{0.3, 0.3, 0.4}, []float64{0, 0, 3, 1, -2, 2},
		append(append(diag(1, 0.5), diag(0.3, 2)...), []float64{1, 0.4, 0.4, 1}...))
	g1 := newGMM(t, 2, 2, []float64{0.6, 0.4}, []float64{1, 1, -1, 4}, append(diag(2, 0.2), diag(1, 1)...))
	e, err := NewMEW2(g0, g1, nil)
	must(t, err)
	defer e.Close()
	v, _, err := e.Value()
	must(t, err)
	mw, err := MW2Squared(g0, g1, nil)
	must(t, err)
	if v > mw+1e-9 {
		t.Fatalf("MEW2^2 %g > MW2^2 %g", v, mw)
	}
	// 1-D: the copy x -> 3 - x (a reflection) is at 0 with P = -1
	a := newGMM(t, 3, 1, []float64{0.2, 0.3, 0.5}, []float64{0, 2, 7}, []float64{1, 0.25, 4})
	b := newGMM(t, 3, 1, []float64{0.5, 0.3, 0.2}, []float64{-4, 1, 3}, []float64{4, 0.25, 1})
	c, err := NewMEW2(a, b, nil)
	must(t, err)
	defer c.Close()
	v, _, err = c.Value()
	must(t, err)
	p, err := c.Isometry()
	must(t, err)
	if math.Abs(v) > 1e-10 || math.Abs(p[0]+1) > 1e-12 {
		t.Fatalf("copy: MEW2^2 %g, P %v", v, p)
	}
}

func TestMEW2MapsAfterTheEmbedding(t *testing.T) {
	g0 := newGMM(t, 2, 2, []float64{0.45, 0.55}, []float64{0, 0, 4, 1},
		append(diag(1, 0.5), []float64{1, 0.3, 0.3, 0.8}...))
	g1 := newGMM(t, 3, 1, []float64{0.2, 0.5, 0.3}, []float64{-3, 0, 2}, []float64{0.5, 1, 2})
	e, err := NewMEW2(g0, g1, nil)
	must(t, err)
	defer e.Close()
	p, err := e.Isometry()
	must(t, err)
	m0, m1, err := e.Means()
	must(t, err)
	// mu - mean0 and nu' = P#(nu - mean1) in R^2 (degenerate, on the range of P)
	src := newGMM(t, 2, 2, []float64{0.45, 0.55}, []float64{-m0[0], -m0[1], 4 - m0[0], 1 - m0[1]},
		append(diag(1, 0.5), []float64{1, 0.3, 0.3, 0.8}...))
	var tm, tc []float64
	for l, b := range []float64{-3, 0, 2} {
		s := []float64{0.5, 1, 2}[l]
		tm = append(tm, p[0]*(b-m1[0]), p[1]*(b-m1[0]))
		tc = append(tc, p[0]*p[0]*s, p[0]*p[1]*s, p[1]*p[0]*s, p[1]*p[1]*s)
	}
	tgt := newGMM(t, 3, 2, []float64{0.2, 0.5, 0.3}, tm, tc)
	mw, err := NewMW2(src, tgt, nil)
	must(t, err)
	defer mw.Close()
	wPlan, err := mw.Plan()
	must(t, err)
	ePlan, err := e.Plan()
	must(t, err)
	nearAll(t, "plan", ePlan, wPlan, 1e-9)
	x := []float64{0.5, -1, 3, 2, -2, 0.7, 1, 1}
	got, err := e.MapMean(x, nil)
	must(t, err)
	xc := make([]float64, len(x))
	for i := 0; i < 4; i++ {
		xc[2*i], xc[2*i+1] = x[2*i]-m0[0], x[2*i+1]-m0[1]
	}
	tp, err := mw.MapMean(xc, nil)
	must(t, err)
	want := make([]float64, 4)
	for i := range want {
		want[i] = m1[0] + p[0]*tp[2*i] + p[1]*tp[2*i+1]
	}
	nearAll(t, "T_mean", got, want, 1e-9)
	opts := newOpts(t, map[Option]int64{OptSeed: 5}, nil)
	r1, err := e.MapRand(x, opts)
	must(t, err)
	r2, err := e.MapRand(x, opts)
	must(t, err)
	if len(r1) != 4 {
		t.Fatalf("T_rand gives %d values", len(r1))
	}
	nearAll(t, "T_rand with one seed", r1, r2, 0)
}

func TestEWOptionsProgressAndErrors(t *testing.T) {
	rng := rand.New(rand.NewSource(13))
	x, y := make([]float64, 30), make([]float64, 20)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	for i := range y {
		y[i] = rng.NormFloat64()
	}
	opts := newOpts(t, map[Option]int64{OptEwAnnealing: 0, OptEwSignFlips: 0, OptEwStarts: 2,
		OptEwInnerIterations: 5}, nil)
	seen := false
	must(t, opts.SetProgress(func(p Progress) bool {
		seen = seen || p.Stage == StageEmbedding
		return true
	}))
	e, err := NewEW2(x, 3, nil, y, 2, nil, opts)
	must(t, err)
	info, err := e.Info()
	must(t, err)
	if info.Starts != 3 || !seen {
		t.Fatalf("starts %d, embedding stage seen %v", info.Starts, seen)
	}
	_, err = e.MapMean(x, nil)
	wantStatus(t, err, EInvalidArgument)
	e.Close()
	if _, _, err := e.Value(); !errors.Is(err, ErrClosed) {
		t.Fatalf("closed: %v", err)
	}
	capped := newOpts(t, map[Option]int64{OptEwMaxIterations: 1}, map[Option]float64{OptEwTolerance: 0, OptEwEpsilon: 0.2})
	c, err := NewEW2(x, 3, nil, y, 2, nil, capped)
	var w *Warning
	if !errors.As(err, &w) || w.Status != WNotConverged || c == nil {
		t.Fatalf("capped: %v", err)
	}
	c.Close()

	_, err = NewEW2(x[:29], 3, nil, y, 2, nil, nil)
	wantStatus(t, err, EDimension, "points0")
	_, err = NewEW2(x, 3, nil, nil, 2, nil, nil)
	wantStatus(t, err, EDimension, "points1")
	_, err = NewEW2(x, 3, []float64{1}, y, 2, nil, nil)
	wantStatus(t, err, EDimension, "weights0")
	neg := make([]float64, 10)
	neg[3] = -1
	_, err = NewEW2(x, 3, neg, y, 2, nil, nil)
	wantStatus(t, err, EWeights, "weights0")
	a := newGMM(t, 1, 1, []float64{1}, []float64{0}, []float64{1})
	b := newGMM(t, 2, 2, []float64{0.5, 0.5}, []float64{0, 0, 1, 1}, append(diag(1, 1), diag(2, 1)...))
	up, err := NewMEW2(a, b, nil)
	must(t, err)
	defer up.Close()
	_, err = up.MapMean([]float64{0.5}, nil)
	wantStatus(t, err, ENoMap)
	down, err := NewMEW2(b, a, nil)
	must(t, err)
	defer down.Close()
	_, err = down.MapRand([]float64{0.5}, nil)
	wantStatus(t, err, EDimension, "x")
	_, err = down.MapMean([]float64{math.NaN(), 0}, nil)
	wantStatus(t, err, ENonFinite)
}
