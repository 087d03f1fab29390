// SPDX-License-Identifier: MIT

package gmmot

import (
	"math"
	"testing"
)

// W2^2 between 1-D Gaussians is (m0 - m1)^2 + (s0 - s1)^2 (s the standard deviations).
func TestGaussianW2OneDimensional(t *testing.T) {
	for _, c := range [][4]float64{{0, 1, 0, 1}, {1, 2, -3, 0.5}, {10, 0, 2, 3}, {-1e3, 7, 5, 1e-3}} {
		m0, s0, m1, s1 := c[0], c[1], c[2], c[3]
		got, err := GaussianW2Squared([]float64{m0}, []float64{s0 * s0}, []float64{m1}, []float64{s1 * s1})
		must(t, err)
		near(t, "W2^2", got, (m0-m1)*(m0-m1)+(s0-s1)*(s0-s1), 1e-12)
	}
}

// Commuting (here diagonal) covariances: W2^2 = |m0 - m1|^2 + sum_i (sqrt a_i - sqrt b_i)^2,
// the Monge map is diag(sqrt(b_i / a_i)), and the geodesic's standard deviations interpolate
// linearly.
func TestGaussianCommutingCovariances(t *testing.T) {
	m0, m1 := []float64{1, -2, 0.5}, []float64{0, 3, 1.5}
	a, b := []float64{4, 1, 0.25}, []float64{1, 9, 2.25}
	s0, s1 := diag(a...), diag(b...)
	want := 0.0
	for i := range a {
		want += (m0[i]-m1[i])*(m0[i]-m1[i]) + math.Pow(math.Sqrt(a[i])-math.Sqrt(b[i]), 2)
	}
	got, err := GaussianW2Squared(m0, s0, m1, s1)
	must(t, err)
	near(t, "W2^2", got, want, 1e-12)

	A, bv, res, err := GaussianMongeMap(m0, s0, m1, s1)
	must(t, err)
	wantA := make([]float64, 9)
	for i := range a {
		wantA[i*3+i] = math.Sqrt(b[i] / a[i])
	}
	nearAll(t, "A", A, wantA, 1e-12)
	for i := range m0 {
		near(t, "b", bv[i], m1[i]-wantA[i*3+i]*m0[i], 1e-12)
	}
	if res > 1e-12 {
		t.Fatalf("residual %g", res)
	}

	const tt = 0.3
	mean, cov, err := GaussianGeodesic(m0, s0, m1, s1, tt)
	must(t, err)
	for i := range m0 {
		near(t, "geodesic mean", mean[i], (1-tt)*m0[i]+tt*m1[i], 1e-12)
		sd := (1-tt)*math.Sqrt(a[i]) + tt*math.Sqrt(b[i])
		near(t, "geodesic variance", cov[i*3+i], sd*sd, 1e-12)
	}
	_, _, err = GaussianGeodesic(m0, s0, m1, s1, 1.5)
	wantStatus(t, err, EInvalidArgument)
}

// No deterministic map from a Dirac to a non-Dirac target.
func TestGaussianNoMap(t *testing.T) {
	_, _, _, err := GaussianMongeMap([]float64{0}, []float64{0}, []float64{0}, []float64{1})
	wantStatus(t, err, ENoMap)
}

// The barycenter of commuting covariances is (sum_j lambda_j S_j^1/2)^2, its mean
// sum_j lambda_j m_j; the multi-marginal cost is sum_j lambda_j W2^2(N_j, barycenter).
func TestGaussianBarycenterClosedForm(t *testing.T) {
	const d = 2
	w := []float64{0.2, 0.5, 0.3}
	means := []float64{0, 0, 4, 1, -2, 3}
	vars := [][]float64{{1, 4}, {9, 1}, {0.25, 16}}
	var covs []float64
	for _, v := range vars {
		covs = append(covs, diag(v...)...)
	}
	r, err := GaussianBarycenter(d, w, means, covs, nil)
	must(t, err)
	cost := 0.0
	for i := 0; i < d; i++ {
		m, s := 0.0, 0.0
		for j := range w {
			m += w[j] * means[j*d+i]
			s += w[j] * math.Sqrt(vars[j][i])
		}
		near(t, "barycenter mean", r.Mean[i], m, 1e-12)
		near(t, "barycenter variance", r.Cov[i*d+i], s*s, 1e-12)
		for j := range w {
			cost += w[j] * (math.Pow(means[j*d+i]-m, 2) + math.Pow(math.Sqrt(vars[j][i])-s, 2))
		}
	}
	near(t, "off-diagonal", r.Cov[1], 0, 1e-14)
	got, err := GaussianMultimarginalCost(d, w, means, covs, nil)
	must(t, err)
	near(t, "multi-marginal cost", got, cost, 1e-12)

	_, err = GaussianBarycenter(d, []float64{0.5, 0.6}, means[:4], covs[:8], nil)
	wantStatus(t, err, EWeights)
	_, err = GaussianBarycenter(d, w, means[:4], covs, nil)
	wantStatus(t, err, EDimension, "means")
}

// Non-commuting covariances: the fixed point must satisfy S = sum_j lambda_j (S^1/2 S_j S^1/2)^1/2.
// In 2-D, with S^1/2 from the closed form sqrt(M) = (M + sqrt(det M) I) / sqrt(tr M + 2 sqrt(det M)).
func TestGaussianBarycenterFixedPoint(t *testing.T) {
	w := []float64{0.5, 0.5}
	covs := []float64{2, 1, 1, 2, 1, -0.5, -0.5, 3}
	r, err := GaussianBarycenter(2, w, []float64{0, 0, 0, 0}, covs, nil)
	must(t, err)
	sq := func(m []float64) []float64 {
		det := m[0]*m[3] - m[1]*m[2]
		s := math.Sqrt(det)
		n := math.Sqrt(m[0] + m[3] + 2*s)
		return []float64{(m[0] + s) / n, m[1] / n, m[2] / n, (m[3] + s) / n}
	}
	mul := func(a, b []float64) []float64 {
		return []float64{a[0]*b[0] + a[1]*b[2], a[0]*b[1] + a[1]*b[3], a[2]*b[0] + a[3]*b[2],
			a[2]*b[1] + a[3]*b[3]}
	}
	h := sq(r.Cov)
	sum := make([]float64, 4)
	for j := range w {
		x := sq(mul(mul(h, covs[4*j:4*j+4]), h))
		for i := range sum {
			sum[i] += w[j] * x[i]
		}
	}
	nearAll(t, "fixed point", sum, r.Cov, 1e-10)
	if r.Iterations == 0 {
		t.Fatal("non-commuting covariances took 0 iterations")
	}
}

// The cost matrix between mixtures is the matrix of pairwise 1-D W2^2.
func TestW2CostMatrix(t *testing.T) {
	g0 := newGMM(t, 2, 1, []float64{0.5, 0.5}, []float64{0, 10}, []float64{1, 1})
	g1 := newGMM(t, 3, 1, []float64{0.2, 0.3, 0.5}, []float64{1, 12, -4}, []float64{4, 1, 0.25})
	c, err := W2CostMatrix(g0, g1, nil)
	must(t, err)
	m0, s0 := []float64{0, 10}, []float64{1, 1}
	m1, s1 := []float64{1, 12, -4}, []float64{2, 1, 0.5}
	for k := 0; k < 2; k++ {
		for l := 0; l < 3; l++ {
			near(t, "C", c[k*3+l], math.Pow(m0[k]-m1[l], 2)+math.Pow(s0[k]-s1[l], 2), 1e-12)
		}
	}
	g2 := newGMM(t, 1, 2, []float64{1}, []float64{0, 0}, diag(1, 1))
	_, err = W2CostMatrix(g0, g2, nil)
	wantStatus(t, err, EDimension)
}
