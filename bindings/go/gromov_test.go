// SPDX-License-Identifier: MIT

package gmmot

import (
	"math"
	"testing"
)

// gwObjective is sum (c0_ik - c1_jl)^2 w_ij w_kl by the quadruple sum.
func gwObjective(c0, c1, w []float64, k0, k1 int) float64 {
	s := 0.0
	for i := 0; i < k0; i++ {
		for k := 0; k < k0; k++ {
			for j := 0; j < k1; j++ {
				for l := 0; l < k1; l++ {
					d := c0[i*k0+k] - c1[j*k1+l]
					s += d * d * w[i*k1+j] * w[k*k1+l]
				}
			}
		}
	}
	return s
}

// An isometric copy (x -> 3 - x, components reversed) is at MGW2 = 0 with the components
// paired; the generic solver agrees with MGW2 on the same matrices.
func TestMGW2(t *testing.T) {
	w := []float64{0.2, 0.3, 0.5}
	g0 := newGMM(t, 3, 1, w, []float64{0, 2, 7}, []float64{1, 0.25, 4})
	defer g0.Close()
	g1 := newGMM(t, 3, 1, []float64{0.5, 0.3, 0.2}, []float64{-4, 1, 3}, []float64{4, 0.25, 1})
	defer g1.Close()
	r, err := NewMGW2(g0, g1, nil)
	must(t, err)
	defer r.Close()
	if k0, k1 := r.Shape(); k0 != 3 || k1 != 3 {
		t.Fatalf("shape %d x %d", k0, k1)
	}
	v, root, err := r.Value()
	must(t, err)
	// Zero up to rounding-level masses on degenerate LP entries (each costs up to max D^2 ~ 60).
	if v > 1e-12 || math.Abs(root*root-v) > 1e-15 {
		t.Fatalf("value %g, root %g", v, root)
	}
	plan, err := r.Plan()
	must(t, err)
	for i := 0; i < 3; i++ {
		near(t, "paired mass", plan[3*i+2-i], w[i], 1e-12)
	}
	d0, _, err := r.CostMatrices()
	must(t, err)
	near(t, "D0[0][1]", d0[1], 4+0.25, 1e-12) // (0-2)^2 + (1-0.5)^2
	info, err := r.Info()
	must(t, err)
	// Product, annealed, the best enumerated vertex (3 x 3), then up to 4 random starts while
	// they improve.
	if !info.Certified || info.Gap > 1e-9 || info.Starts < 4 || info.Starts > 7 ||
		info.BestStart >= info.Starts {
		t.Fatalf("info %+v", info)
	}

	g2 := newGMM(t, 2, 2, []float64{0.5, 0.5}, []float64{0, 0, 3, 1},
		[]float64{1, 0, 0, 2, 0.5, 0.1, 0.1, 0.5})
	defer g2.Close()
	o := newOpts(t, map[Option]int64{OptGwStarts: 1, OptGwAnnealing: 0}, nil)
	a, err := NewMGW2(g2, g0, o)
	must(t, err)
	defer a.Close()
	e0, e1, err := a.CostMatrices()
	must(t, err)
	g, err := NewGromov([]float64{0.5, 0.5}, e0, w, e1, o)
	must(t, err)
	defer g.Close()
	va, _, err := a.Value()
	must(t, err)
	vg, _, err := g.Value()
	must(t, err)
	near(t, "generic = mgw2", vg, va, 1e-12*math.Max(1, va))
	gp, err := g.Plan()
	must(t, err)
	near(t, "quadruple sum", vg, gwObjective(e0, e1, gp, 2, 3), 1e-12*math.Max(1, vg))
	// Product, the best enumerated vertex (2 x 3), one random start.
	if gi, _ := g.Info(); gi.Starts != 3 {
		t.Fatalf("starts %d", gi.Starts)
	}
}

func TestGromovBadInput(t *testing.T) {
	c := []float64{0, 1, 1, 0}
	h := []float64{0.5, 0.5}
	_, err := NewGromov(nil, c, h, c, nil)
	wantStatus(t, err, EDimension, "empty")
	_, err = NewGromov(h, c[:3], h, c, nil)
	wantStatus(t, err, EDimension, "c0")
	_, err = NewGromov(h, c, h, []float64{0, 1, 2, 0}, nil)
	wantStatus(t, err, ENotSymmetric, "c1")
	_, err = NewGromov(h, []float64{0, math.NaN(), math.NaN(), 0}, h, c, nil)
	wantStatus(t, err, ENonFinite, "c0")
	var closed *Gromov
	if _, _, err := closed.Value(); err != ErrClosed {
		t.Fatalf("closed: %v", err)
	}
}

// cov0 = diag(4, 1) in R^2, cov1 = 0.25 in R^1: GGW^2 = 4 (5 - 0.25)^2 + 8 ((4 - 0.25)^2 + 1)
// = 210.75, and A = +-(0.25, 0).
func TestGaussianGW(t *testing.T) {
	cov0 := []float64{4, 0, 0, 1}
	v, err := GaussianGW(cov0, []float64{0.25})
	must(t, err)
	near(t, "GGW^2", v, 210.75, 1e-13)
	v, err = GaussianGW([]float64{0.25}, cov0)
	must(t, err)
	near(t, "symmetric", v, 210.75, 1e-13)
	g, a, b, err := GaussianGWMap([]float64{1, 2}, cov0, []float64{-1}, []float64{0.25})
	must(t, err)
	near(t, "GGW^2 with map", g, 210.75, 1e-13)
	near(t, "|A0|", math.Abs(a[0]), 0.25, 1e-13)
	near(t, "A1", a[1], 0, 1e-13)
	near(t, "b", b[0], -1-a[0], 1e-13)
	_, _, _, err = GaussianGWMap([]float64{0}, []float64{0.25}, []float64{0, 0}, cov0)
	wantStatus(t, err, ENoMap)
	_, err = GaussianGW([]float64{1, 2, 3}, cov0)
	wantStatus(t, err, EDimension, "cov0")
	_, err = GaussianGW([]float64{1, 0, 0, -1}, []float64{1})
	wantStatus(t, err, ENotPSD, "cov0")
}
