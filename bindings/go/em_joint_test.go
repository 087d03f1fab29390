// SPDX-License-Identifier: MIT

package gmmot

import (
	"math"
	"math/rand"
	"testing"
)

// tData: n points of the 1-D Student-t mixture 0.6 t_nu(-3, 1) + 0.4 t_nu(4, 0.5).
func tData(nu, n int, seed int64) []float64 {
	r := rand.New(rand.NewSource(seed))
	x := make([]float64, n)
	for i := range x {
		chi2 := 0.0
		for k := 0; k < nu; k++ {
			z := r.NormFloat64()
			chi2 += z * z
		}
		u := math.Sqrt(float64(nu) / chi2)
		if i%5 < 3 {
			x[i] = -3 + r.NormFloat64()*u
		} else {
			x[i] = 4 + math.Sqrt(0.5)*r.NormFloat64()*u
		}
	}
	return x
}

func meanLogDensity(t *testing.T, g *GMM, x []float64) float64 {
	lp, err := g.LogDensity(x, nil)
	must(t, err)
	s := 0.0
	for _, v := range lp {
		s += v
	}
	return s / float64(len(x))
}

func TestFitJointSharesNu(t *testing.T) {
	x0, x1 := tData(3, 20000, 1), tData(12, 10000, 2)
	opts := newOpts(t, map[Option]int64{OptEMComponents: 2, OptEMFamily: 1}, nil)
	em, err := NewEM(opts)
	must(t, err)
	defer em.Close()
	// Separate fits estimate different nu: MW2 refuses mixtures of two families.
	s0, err := em.Fit(1, x0, nil)
	must(t, err)
	s1, err := em.Fit(1, x1, nil)
	must(t, err)
	_, err = NewMW2(s0, s1, nil)
	wantStatus(t, err, Status(-18), "nu")
	// The joint fit gives one nu: MW2 accepts them.
	g, err := em.FitJoint(1, [][]float64{x0, x1}, [][]float64{nil, make1(10000)})
	must(t, err)
	if len(g) != 2 {
		t.Fatalf("%d mixtures", len(g))
	}
	p, err := NewMW2(g[0], g[1], nil)
	must(t, err)
	sq, _, err := p.Distance()
	must(t, err)
	if !(sq > 0) {
		t.Fatalf("MW2^2 = %g", sq)
	}
	info, err := em.Info()
	must(t, err)
	near(t, "joint objective", info.MeanLogLikelihood, meanLogDensity(t, g[0], x0)+meanLogDensity(t, g[1], x1), 1e-9)
	// NewMW2FromPoints with the t family: the joint fit, then the plan (bit for bit).
	q, err := NewMW2FromPoints(1, x0, x1, nil, nil, opts)
	must(t, err)
	sq2, _, err := q.Distance()
	must(t, err)
	if sq2 != sq {
		t.Fatalf("from points %v, joint fit %v", sq2, sq)
	}
}

func make1(n int) []float64 {
	w := make([]float64, n)
	for i := range w {
		w[i] = 1
	}
	return w
}

func TestFitJointErrors(t *testing.T) {
	x := tData(5, 200, 3)
	em, err := NewEM(newOpts(t, map[Option]int64{OptEMComponents: 2, OptEMFamily: 1}, nil))
	must(t, err)
	defer em.Close()
	_, err = em.FitJoint(2, [][]float64{x, x[:7]}, nil)
	wantStatus(t, err, EDimension, "datasets[1]")
	_, err = em.FitJoint(1, [][]float64{x}, [][]float64{nil, nil})
	wantStatus(t, err, EInvalidArgument, "weights")
	_, err = em.FitJoint(1, nil, nil)
	wantStatus(t, err, EDimension, "J is 0")
	_, err = NewEM(newOpts(t, map[Option]int64{OptEMFamily: 1}, map[Option]float64{OptEMDof: 2}))
	wantStatus(t, err, EInvalidArgument, "GMMOT_OPT_EM_DOF")
	o, err := NewOptions()
	must(t, err)
	defer o.Close()
	if err := o.SetInt(OptEMFamily, 2); err == nil {
		t.Fatal("family 2 accepted")
	}
}
