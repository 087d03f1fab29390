// SPDX-License-Identifier: MIT

package gmmot

import (
	"math"
	"testing"
)

func TestGMMAccessors(t *testing.T) {
	w := []float64{0.25, 0.75}
	m := []float64{0, 1, 2, 3}
	c := append(diag(1, 2), 2, 0.5, 0.5, 1)
	g := newGMM(t, 2, 2, w, m, c)
	if g.K() != 2 || g.Dim() != 2 {
		t.Fatalf("K = %d, d = %d", g.K(), g.Dim())
	}
	gw, err := g.Weights()
	must(t, err)
	nearAll(t, "weights", gw, w, 0)
	gm, err := g.Means()
	must(t, err)
	nearAll(t, "means", gm, m, 0)
	gc, err := g.Covariances()
	must(t, err)
	nearAll(t, "covariances", gc, c, 0)
}

// The log-density of a 1-D mixture against its formula.
func TestGMMLogDensity(t *testing.T) {
	w, m, v := []float64{0.3, 0.7}, []float64{-1, 2}, []float64{0.5, 2}
	g := newGMM(t, 2, 1, w, m, v)
	x := []float64{-3, -1, 0, 0.7, 2, 10}
	got, err := g.LogDensity(x, nil)
	must(t, err)
	for i, xi := range x {
		p := 0.0
		for k := range w {
			p += w[k] * math.Exp(-(xi-m[k])*(xi-m[k])/(2*v[k])) / math.Sqrt(2*math.Pi*v[k])
		}
		near(t, "log density", got[i], math.Log(p), 1e-12)
	}
	g2 := newGMM(t, 1, 2, []float64{1}, []float64{0, 0}, diag(1, 1))
	_, err = g2.LogDensity([]float64{1, 2, 3}, nil)
	wantStatus(t, err, EDimension, "points has 3 values", "d = 2")
	_, err = g2.LogDensity([]float64{1, math.Inf(1)}, nil)
	wantStatus(t, err, ENonFinite)
}

// Samples follow the mixture: label frequencies, per-component means and variances; the same
// seed gives the same draw.
func TestGMMSample(t *testing.T) {
	w, m, v := []float64{0.2, 0.8}, []float64{-5, 5}, []float64{1, 4}
	g := newGMM(t, 2, 1, w, m, v)
	o := newOpts(t, map[Option]int64{OptSeed: 42}, nil)
	const n = 20000
	x, lab, err := g.Sample(n, o)
	must(t, err)
	count, sum, sq := [2]float64{}, [2]float64{}, [2]float64{}
	for i, l := range lab {
		count[l]++
		sum[l] += x[i]
		sq[l] += x[i] * x[i]
	}
	for k := 0; k < 2; k++ {
		mean := sum[k] / count[k]
		variance := sq[k]/count[k] - mean*mean
		near(t, "frequency", count[k]/n, w[k], 0.02)
		near(t, "component mean", mean, m[k], 0.1)
		near(t, "component variance", variance, v[k], 0.1)
	}
	x2, _, err := g.Sample(100, o)
	must(t, err)
	nearAll(t, "same seed, first points", x2, x[:100], 0)
}
