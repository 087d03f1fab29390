// SPDX-License-Identifier: MIT

package gmmot

import (
	"math"
	"math/rand"
	"testing"
)

// permutations calls f with every permutation of 0..n-1.
func permutations(n int, f func([]int)) {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	var rec func(int)
	rec = func(i int) {
		if i == n {
			f(p)
			return
		}
		for j := i; j < n; j++ {
			p[i], p[j] = p[j], p[i]
			rec(i + 1)
			p[i], p[j] = p[j], p[i]
		}
	}
	rec(0)
}

// With uniform weights the optimum is a permutation (Birkhoff): compare the exact solver with
// a brute-force search over all n! assignments.
func TestTransportExactAgainstPermutations(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	for trial := 0; trial < 5; trial++ {
		const n = 6
		a, b := make([]float64, n), make([]float64, n)
		for i := range a {
			a[i], b[i] = 1.0/n, 1.0/n
		}
		cost := make([]float64, n*n)
		for i := range cost {
			cost[i] = rng.NormFloat64() * 10
		}
		best := math.Inf(1)
		permutations(n, func(p []int) {
			s := 0.0
			for i, j := range p {
				s += cost[i*n+j] / n
			}
			best = math.Min(best, s)
		})
		tr, err := SolveTransport(a, b, cost, nil)
		must(t, err)
		c, err := tr.Cost()
		must(t, err)
		near(t, "optimal cost", c, best, 1e-12)
		if tr.Rows() != n || tr.Cols() != n || tr.NNZ() > 2*n-1 {
			t.Fatalf("shape %d x %d, nnz %d", tr.Rows(), tr.Cols(), tr.NNZ())
		}
		plan, err := tr.Plan()
		must(t, err)
		for i := 0; i < n; i++ {
			row, col := 0.0, 0.0
			for j := 0; j < n; j++ {
				row += plan[i*n+j]
				col += plan[j*n+i]
			}
			near(t, "row sum", row, a[i], 1e-14)
			near(t, "column sum", col, b[i], 1e-14)
		}
		r, cl, m, err := tr.SparsePlan()
		must(t, err)
		if len(r) != tr.NNZ() {
			t.Fatalf("sparse plan has %d entries, nnz %d", len(r), tr.NNZ())
		}
		for x := range r {
			if plan[r[x]*n+cl[x]] != m[x] {
				t.Fatalf("sparse entry %d disagrees with the dense plan", x)
			}
		}
		u, v, err := tr.Duals()
		must(t, err)
		dual := 0.0
		for i := 0; i < n; i++ {
			dual += u[i]*a[i] + v[i]*b[i]
			for j := 0; j < n; j++ {
				if u[i]+v[j] > cost[i*n+j]+1e-12 {
					t.Fatalf("dual infeasible at (%d, %d)", i, j)
				}
			}
		}
		near(t, "dual objective", dual, best, 1e-12)
		_, me, err := tr.Info()
		must(t, err)
		if me > 1e-14 {
			t.Fatalf("marginal error %g", me)
		}
		// The warm start from the optimal duals reaches the same optimum.
		tw, err := SolveTransportWarm(a, b, cost, u, v, nil)
		must(t, err)
		cw, err := tw.Cost()
		must(t, err)
		near(t, "warm cost", cw, best, 1e-12)
		tw.Close()
		tr.Close()
	}
}

// The entropic solver approaches the exact optimum for a small epsilon.
func TestTransportEntropic(t *testing.T) {
	a, b := []float64{0.5, 0.5}, []float64{0.25, 0.75}
	cost := []float64{0, 1, 1, 0}
	o := newOpts(t, map[Option]int64{OptTransportMethod: TransportEntropic},
		map[Option]float64{OptEntropicEpsilon: 1e-3})
	tr, err := SolveTransport(a, b, cost, o)
	must(t, err)
	defer tr.Close()
	c, err := tr.Cost()
	must(t, err)
	near(t, "entropic cost", c, 0.25, 1e-7) // exact: move 0.25 from row 0 to column 1
	_, err = SolveTransport([]float64{0.5, 0.5}, []float64{1, 1}, cost, nil)
	wantStatus(t, err, EWeights)
	_, err = SolveTransport(nil, nil, nil, nil)
	wantStatus(t, err, EDimension)
}
