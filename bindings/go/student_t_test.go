// SPDX-License-Identifier: MIT

package gmmot

import (
	"errors"
	"math"
	"sort"
	"testing"
)

const testNu = 3.0

func newStudentT(t *testing.T, k, d int, nu float64, w, m, s []float64) *GMM {
	t.Helper()
	g, err := NewStudentT(k, d, nu, w, m, s)
	must(t, err)
	t.Cleanup(func() { g.Close() })
	return g
}

func familyOf(t *testing.T, g *GMM) (Family, float64) {
	t.Helper()
	f, err := g.Family()
	must(t, err)
	nu, err := g.Nu()
	must(t, err)
	return f, nu
}

func TestStudentTAccessors(t *testing.T) {
	w, m := []float64{0.25, 0.75}, []float64{0, 0, 3, -1}
	s := append(diag(1, 2), 0.5, 0.1, 0.1, 0.3)
	g := newStudentT(t, 2, 2, testNu, w, m, s)
	if f, nu := familyOf(t, g); f != FamilyStudentT || nu != testNu || f.String() != "student_t" {
		t.Fatalf("family %v, nu %v", f, nu)
	}
	sc, err := g.Scales()
	must(t, err)
	nearAll(t, "scales", sc, s, 0)
	cov, err := g.Covariances()
	must(t, err)
	for i := range s {
		near(t, "covariance = nu/(nu-2) scale", cov[i], testNu/(testNu-2)*s[i], 1e-15)
	}
	gauss := newGMM(t, 2, 2, w, m, s)
	if f, nu := familyOf(t, gauss); f != FamilyGaussian || !math.IsInf(nu, 1) {
		t.Fatalf("Gaussian: family %v, nu %v", f, nu)
	}
	gs, err := gauss.Scales()
	must(t, err)
	nearAll(t, "Gaussian scales = covariances", gs, s, 0)
	g.Close()
	if _, err := g.Family(); !errors.Is(err, ErrClosed) {
		t.Fatalf("Family after Close: %v", err)
	}
	if _, err := g.Scales(); err == nil {
		t.Fatal("Scales after Close")
	}
}

// The 2-D log-density against the closed form (nu = 3, d = 2: Gamma(2.5) / Gamma(1.5) = 1.5).
func TestStudentTLogDensity(t *testing.T) {
	w, m := []float64{0.25, 0.75}, []float64{0, 0, 3, -1}
	s := append(diag(1, 2), 0.5, 0.1, 0.1, 0.3)
	g := newStudentT(t, 2, 2, testNu, w, m, s)
	x := []float64{0, 0, 1, -2, 3, -1, -50, 80, 1e6, -1e6}
	got, err := g.LogDensity(x, nil)
	must(t, err)
	for i := 0; i < len(x)/2; i++ {
		p := 0.0
		for k := 0; k < 2; k++ {
			c := s[4*k : 4*k+4]
			det := c[0]*c[3] - c[1]*c[2]
			u, v := x[2*i]-m[2*k], x[2*i+1]-m[2*k+1]
			delta := (c[3]*u*u - 2*c[1]*u*v + c[0]*v*v) / det
			p += w[k] * 1.5 / (testNu * math.Pi * math.Sqrt(det)) * math.Pow(1+delta/testNu, -(testNu+2)/2)
		}
		near(t, "log density", got[i], math.Log(p), 1e-13)
	}
}

// The 1-D draws against Student's t CDF with 3 degrees of freedom.
func TestStudentTSample(t *testing.T) {
	const m, s, n = -1.0, 4.0, 40000
	g := newStudentT(t, 1, 1, testNu, []float64{1}, []float64{m}, []float64{s})
	pts, _, err := g.Sample(n, newOpts(t, map[Option]int64{OptSeed: 5}, nil))
	must(t, err)
	cdf := func(x float64) float64 {
		r := x / math.Sqrt(3)
		return 0.5 + (r/(1+r*r)+math.Atan(r))/math.Pi
	}
	// 0.01 is > 4 standard deviations at n = 40000; a normal law is 0.05 off at 2.5
	for _, q := range []float64{-4, -2.5, -1, -0.3, 0, 0.5, 1.5, 2.5, 6} {
		cnt := 0
		for _, x := range pts {
			if (x-m)/math.Sqrt(s) <= q {
				cnt++
			}
		}
		near(t, "empirical CDF", float64(cnt)/n, cdf(q), 0.01)
	}
}

func TestStudentTErrors(t *testing.T) {
	w, m, s := []float64{1}, []float64{0, 0}, diag(1, 1)
	for _, nu := range []float64{2, 1, -1, math.Inf(1), math.NaN()} {
		_, err := NewStudentT(1, 2, nu, w, m, s)
		wantStatus(t, err, EInvalidArgument, "nu")
	}
	_, err := NewStudentT(1, 2, 4, w, m, s[:3])
	wantStatus(t, err, EDimension, "gmmot.NewStudentT", "scales")
	_, err = NewStudentT(1, 2, 4, w, m, diag(1, -1))
	wantStatus(t, err, ENotPSD, "scales[0]")
}

func TestStudentTSaveLoad(t *testing.T) {
	g := newStudentT(t, 2, 1, 4.25, []float64{0.5, 0.5}, []float64{-1, 2}, []float64{0.5, 3})
	data, err := g.MarshalBinary()
	must(t, err)
	if len(data) != 48+8*(2+2+2) || data[12] != 1 {
		t.Fatalf("saved size %d, flags byte %d", len(data), data[12])
	}
	h, err := LoadGMM(data)
	must(t, err)
	defer h.Close()
	if f, nu := familyOf(t, h); f != FamilyStudentT || nu != 4.25 {
		t.Fatalf("loaded family %v, nu %v", f, nu)
	}
	x := []float64{-3, 0, 0.5, 40}
	a, err := g.LogDensity(x, nil)
	must(t, err)
	b, err := h.LogDensity(x, nil)
	must(t, err)
	nearAll(t, "log density after load", b, a, 0)
}

// 1-D, one source component against two: the plan is forced and MW2 is the weighted sum of
// the W2 between the components' covariances nu / (nu - 2) s.
func TestStudentTMW2(t *testing.T) {
	f := testNu / (testNu - 2)
	g0 := newStudentT(t, 1, 1, testNu, []float64{1}, []float64{0}, []float64{1})
	w1, m1, s1 := []float64{0.4, 0.6}, []float64{2, -3}, []float64{0.25, 4}
	g1 := newStudentT(t, 2, 1, testNu, w1, m1, s1)
	want := 0.0
	for l := range w1 {
		sd := math.Sqrt(f) - math.Sqrt(f*s1[l])
		want += w1[l] * (m1[l]*m1[l] + sd*sd)
	}
	got, err := MW2Squared(g0, g1, nil)
	must(t, err)
	near(t, "MW2^2", got, want, 1e-12)
	p, err := NewMW2(g0, g1, nil)
	must(t, err)
	defer p.Close()
	gam, err := p.Coupling()
	must(t, err)
	defer gam.Close()
	if fam, nu := familyOf(t, gam); fam != FamilyStudentT || nu != testNu || gam.Dim() != 2 {
		t.Fatalf("coupling: %v %v d = %d", fam, nu, gam.Dim())
	}
	half, err := p.Geodesic(0.5)
	must(t, err)
	defer half.Close()
	if fam, nu := familyOf(t, half); fam != FamilyStudentT || nu != testNu {
		t.Fatalf("geodesic: %v %v", fam, nu)
	}
	sc, err := half.Scales()
	must(t, err)
	wantSc := []float64{}
	for _, s := range s1 { // 1-D geodesics interpolate the standard deviations
		wantSc = append(wantSc, (1+math.Sqrt(s))*(1+math.Sqrt(s))/4)
	}
	sort.Float64s(sc)
	sort.Float64s(wantSc)
	nearAll(t, "geodesic scales", sc, wantSc, 1e-12)
}

func TestFamilyMismatchIsErrFamily(t *testing.T) {
	tt := newStudentT(t, 1, 1, testNu, []float64{1}, []float64{0}, []float64{1})
	t2 := newStudentT(t, 1, 1, testNu+1, []float64{1}, []float64{0}, []float64{1})
	gauss := newGMM(t, 1, 1, []float64{1}, []float64{1}, []float64{2})
	for _, pair := range [][2]*GMM{{gauss, tt}, {tt, gauss}, {tt, t2}} {
		_, err := NewMW2(pair[0], pair[1], nil)
		wantStatus(t, err, EFamily)
		if !errors.Is(err, ErrFamily) || EFamily != -18 || err.(*Error).Message == "" {
			t.Fatalf("%v", err)
		}
		_, err = MW2Squared(pair[0], pair[1], nil)
		wantStatus(t, err, EFamily)
	}
}
