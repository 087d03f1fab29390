// SPDX-License-Identifier: MIT

package gmmot

import (
	"errors"
	"math"
	"sort"
	"testing"
)

// Two 2-D mixtures with diagonal (commuting) covariances, each a pair of far-apart components
// with equal weights; the optimal tuples pair the near components, so the exact barycenter has
// the two Gaussian barycenters of the pairs, mean sum lambda_j m_j and covariance
// (sum lambda_j S_j^1/2)^2, with weights 1/2, and V = sum over pairs of 1/2 sum_j lambda_j W2^2.
func TestMW2BarycenterExactClosedForm(t *testing.T) {
	lambda := []float64{0.3, 0.7}
	m := [2][2][2]float64{{{0, 0}, {50, 0}}, {{1, 2}, {52, -1}}} // [mixture][component][coord]
	v := [2][2][2]float64{{{1, 4}, {2, 1}}, {{9, 1}, {0.5, 3}}}
	var gmms []*GMM
	for j := 0; j < 2; j++ {
		var means, covs []float64
		for k := 0; k < 2; k++ {
			means = append(means, m[j][k][0], m[j][k][1])
			covs = append(covs, diag(v[j][k][0], v[j][k][1])...)
		}
		gmms = append(gmms, newGMM(t, 2, 2, []float64{0.5, 0.5}, means, covs))
	}
	b, err := MW2BarycenterExact(gmms, lambda, nil)
	must(t, err)
	defer b.Close()
	if b.Count() != 2 || b.Components() != 2 {
		t.Fatalf("count %d, components %d", b.Count(), b.Components())
	}
	type comp struct{ mean, sd [2]float64 }
	var want []comp
	cost := 0.0
	for k := 0; k < 2; k++ {
		var c comp
		for i := 0; i < 2; i++ {
			for j := 0; j < 2; j++ {
				c.mean[i] += lambda[j] * m[j][k][i]
				c.sd[i] += lambda[j] * math.Sqrt(v[j][k][i])
			}
			for j := 0; j < 2; j++ {
				cost += 0.5 * lambda[j] * (math.Pow(m[j][k][i]-c.mean[i], 2) +
					math.Pow(math.Sqrt(v[j][k][i])-c.sd[i], 2))
			}
		}
		want = append(want, c)
	}
	g, err := b.GMM()
	must(t, err)
	defer g.Close()
	gm, _ := g.Means()
	gc, _ := g.Covariances()
	gw, _ := g.Weights()
	idx := []int{0, 1}
	sort.Slice(idx, func(x, y int) bool { return gm[2*idx[x]] < gm[2*idx[y]] })
	for k, i := range idx {
		near(t, "weight", gw[i], 0.5, 1e-12)
		for c := 0; c < 2; c++ {
			near(t, "mean", gm[2*i+c], want[k].mean[c], 1e-10)
			near(t, "variance", gc[4*i+3*c], want[k].sd[c]*want[k].sd[c], 1e-10)
		}
	}
	v0, err := b.Cost()
	must(t, err)
	near(t, "V", v0, cost, 1e-10)
	en, err := b.Energies()
	must(t, err)
	nearAll(t, "energies", en, []float64{v0}, 0)

	// Plans: row sums are the barycenter's weights, column sums mu_j's.
	for j := 0; j < 2; j++ {
		r, c, mass, err := b.Plan(j)
		must(t, err)
		if len(r) != b.PlanNNZ(j) {
			t.Fatalf("plan %d: %d triplets, nnz %d", j, len(r), b.PlanNNZ(j))
		}
		cols := make([]float64, 2)
		for x := range mass {
			cols[c[x]] += mass[x]
		}
		nearAll(t, "plan column sums", cols, []float64{0.5, 0.5}, 1e-14)
	}
	tuples, err := b.Tuples()
	must(t, err)
	for i := 0; i < 2; i++ {
		if tuples[2*i] != tuples[2*i+1] {
			t.Fatalf("tuples %v pair far components", tuples)
		}
	}
	duals, err := b.Duals()
	must(t, err)
	if len(duals) != 4 {
		t.Fatalf("%d duals, want K0 + K1 = 4", len(duals))
	}
	near(t, "dual objective", 0.5*(duals[0]+duals[1]+duals[2]+duals[3]), v0, 1e-9)
	cert, err := b.Certificate()
	must(t, err)
	if cert.PrimalInfeasibility > 1e-12 || cert.DualityGap > 1e-9*v0 {
		t.Fatalf("certificate %+v", cert)
	}
	it, _, rounds, err := b.Info()
	must(t, err)
	if it == 0 || rounds == 0 {
		t.Fatalf("Info: %d pivots, %d pricing rounds (an LP was solved: both > 0)", it, rounds)
	}

	// Fixed support on the exact barycenter's components (and a useless one) gives the same V.
	fs, err := MW2BarycenterFixedSupport(gmms, lambda, append(gm, 25, 25),
		append(gc, diag(1, 1)...), nil)
	must(t, err)
	defer fs.Close()
	v1, err := fs.Cost()
	must(t, err)
	near(t, "fixed-support V", v1, v0, 1e-9)
	if fs.Components() != 3 {
		t.Fatalf("fixed support keeps its %d candidates", fs.Components())
	}

	// The true fixed point: energies never increase and stay above the exact optimum.
	o := newOpts(t, map[Option]int64{OptSeed: 1}, nil)
	fp, err := MW2BarycenterFixedPoint(gmms, lambda, nil, o)
	if !IsWarning(err) {
		t.Fatal(err)
	}
	defer fp.Close()
	e, err := fp.Energies()
	must(t, err)
	for i := range e {
		if e[i] < v0*(1-1e-9) || (i > 0 && e[i] > e[i-1]*(1+1e-12)) {
			t.Fatalf("energies %v (exact V %g)", e, v0)
		}
	}
	_, err = fp.Certificate()
	wantStatus(t, err, EInvalidArgument)
	_, err = fp.Duals()
	wantStatus(t, err, EInvalidArgument)
	fp2, err := MW2BarycenterFixedPoint(gmms, lambda, g, nil) // started at the optimum
	if !IsWarning(err) {
		t.Fatal(err)
	}
	v2, _ := fp2.Cost()
	near(t, "fixed point from the optimum", v2, v0, 1e-9)
	fp2.Close()

	_, err = MW2BarycenterExact(gmms, []float64{1}, nil)
	wantStatus(t, err, EDimension, "lambda")
	_, err = MW2BarycenterExact(gmms, []float64{0.5, 0.6}, nil)
	wantStatus(t, err, EWeights)
	_, err = MW2BarycenterExact([]*GMM{gmms[0], nil}, lambda, nil)
	if !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("nil mixture: %v", err)
	}
}
