// SPDX-License-Identifier: MIT

package gmmot

import (
	"errors"
	"math"
	"testing"
)

// mu0 = N(0,1)/2 + N(10,1)/2, mu1 = N(1,4)/2 + N(12,1)/2. Costs (1-D W2^2):
// (0,1): 1 + 1 = 2, (0,12): 144, (10,1): 81 + 1 = 82, (10,12): 4. The optimal plan is the
// diagonal, MW2^2 = (2 + 4) / 2 = 3.
func handMixtures(t *testing.T) (*GMM, *GMM) {
	g0 := newGMM(t, 2, 1, []float64{0.5, 0.5}, []float64{0, 10}, []float64{1, 1})
	g1 := newGMM(t, 2, 1, []float64{0.5, 0.5}, []float64{1, 12}, []float64{4, 1})
	return g0, g1
}

func TestMW2HandComputed(t *testing.T) {
	g0, g1 := handMixtures(t)
	sq, err := MW2Squared(g0, g1, nil)
	must(t, err)
	near(t, "MW2^2", sq, 3, 1e-13)
	p, err := NewMW2(g0, g1, nil)
	must(t, err)
	defer p.Close()
	s, d, err := p.Distance()
	must(t, err)
	near(t, "MW2^2", s, 3, 1e-13)
	near(t, "MW2", d, math.Sqrt(3), 1e-13)
	if p.Rows() != 2 || p.Cols() != 2 || p.Dim() != 1 || p.NNZ() != 2 {
		t.Fatalf("rows %d cols %d dim %d nnz %d", p.Rows(), p.Cols(), p.Dim(), p.NNZ())
	}
	c, err := p.CostMatrix()
	must(t, err)
	nearAll(t, "cost matrix", c, []float64{2, 144, 82, 4}, 1e-13)
	plan, err := p.Plan()
	must(t, err)
	nearAll(t, "plan", plan, []float64{0.5, 0, 0, 0.5}, 1e-15)
	r, cl, m, err := p.SparsePlan()
	must(t, err)
	if len(r) != 2 || r[0] != 0 || cl[0] != 0 || r[1] != 1 || cl[1] != 1 {
		t.Fatalf("sparse plan %v %v %v", r, cl, m)
	}
	u, v, err := p.Duals()
	must(t, err)
	for k := 0; k < 2; k++ {
		for l := 0; l < 2; l++ {
			if u[k]+v[l] > c[k*2+l]+1e-12 {
				t.Fatalf("duals infeasible at (%d, %d)", k, l)
			}
		}
	}
	_, me, err := p.Info()
	must(t, err)
	if me > 1e-14 {
		t.Fatalf("marginal error %g", me)
	}

	// Geodesic at t = 1/2: means (0.5, 11), standard deviations (1.5, 1).
	g, err := p.Geodesic(0.5)
	must(t, err)
	defer g.Close()
	gm, _ := g.Means()
	gc, _ := g.Covariances()
	nearAll(t, "geodesic means", gm, []float64{0.5, 11}, 1e-13)
	nearAll(t, "geodesic variances", gc, []float64{2.25, 1}, 1e-13)
	half, err := MW2Squared(g0, g, nil)
	must(t, err)
	near(t, "constant speed", half, 3.0/4, 1e-12)
	_, err = p.Geodesic(-0.1)
	wantStatus(t, err, EInvalidArgument)

	// Coupling: components on R^2 with marginal covariances S0, S1 and cross term S0 A = s0 s1.
	cp, err := p.Coupling()
	must(t, err)
	defer cp.Close()
	if cp.K() != 2 || cp.Dim() != 2 {
		t.Fatalf("coupling K %d d %d", cp.K(), cp.Dim())
	}
	cc, _ := cp.Covariances()
	nearAll(t, "coupling covariance", cc[:4], []float64{1, 2, 2, 4}, 1e-13)

	// Pair maps: T(x) = (s1/s0) (x - m0) + m1.
	a, b, err := p.PairMaps()
	must(t, err)
	nearAll(t, "A", a, []float64{2, 1}, 1e-13)
	nearAll(t, "b", b, []float64{1, 2}, 1e-13)
}

func TestMW2FromPoints(t *testing.T) {
	// Two tight clusters per cloud: EM with K = 2 finds them, and MW2 is the hand-computable
	// distance between the fitted mixtures.
	var p0, p1 []float64
	for i := 0; i < 200; i++ {
		x := float64(i%20)/20 - 0.475 // uniform grid on [-0.475, 0.475], mean 0
		p0 = append(p0, x, x+10)
		p1 = append(p1, x+1, x+12)
	}
	o := newOpts(t, map[Option]int64{OptEMComponents: 2, OptSeed: 3}, nil)
	p, err := NewMW2FromPoints(1, p0, p1, nil, nil, o)
	must(t, err)
	defer p.Close()
	s, _, err := p.Distance()
	must(t, err)
	near(t, "MW2^2 of translated clouds", s, 0.5*1+0.5*4, 1e-6)
	_, err = NewMW2FromPoints(2, p0[:3], p1, nil, nil, nil)
	wantStatus(t, err, EDimension, "points0", "multiple of d = 2")
	_, err = NewMW2FromPoints(1, p0, p1, []float64{1}, nil, nil)
	wantStatus(t, err, EDimension, "weights0")
}

func TestMW2ClosedInputs(t *testing.T) {
	g0, g1 := handMixtures(t)
	g1.Close()
	_, err := NewMW2(g0, g1, nil)
	if !errors.Is(err, ErrClosed) {
		t.Fatalf("got %v, want ErrClosed", err)
	}
}
