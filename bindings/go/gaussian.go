// SPDX-License-Identifier: MIT

package gmmot

// #include <gmmot/gmmot.h>
import "C"

import "runtime"

// gaussPair checks the (m0, s0, m1, s1) arguments of the two-Gaussian functions: d = len(m0).
func gaussPair(fn string, m0, s0, m1, s1 []float64) (int, error) {
	d := len(m0)
	if d == 0 {
		return 0, argError(EDimension, "%s: m0 is empty (d = 0)", fn)
	}
	dd, ok := mulOK(d, d)
	if !ok {
		return 0, argError(ETooLarge, "%s: d*d overflows", fn)
	}
	if err := checkLen(fn, "s0", len(s0), dd, "d*d"); err != nil {
		return 0, err
	}
	if err := checkLen(fn, "m1", len(m1), d, "len(m0)"); err != nil {
		return 0, err
	}
	return d, checkLen(fn, "s1", len(s1), dd, "d*d")
}

// GaussianW2Squared is W2^2 between N(m0, s0) and N(m1, s1) (d = len(m0); s0, s1 d x d).
func GaussianW2Squared(m0, s0, m1, s1 []float64) (float64, error) {
	d, err := gaussPair("gmmot.GaussianW2Squared", m0, s0, m1, s1)
	if err != nil {
		return 0, err
	}
	var out C.double
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	err = check(C.gmmot_gaussian_w2_squared(sz(d), dptr(m0), dptr(s0), dptr(m1), dptr(s1), &out), nil)
	if !IsWarning(err) {
		return 0, err
	}
	return float64(out), err
}

// GaussianMongeMap is the optimal map T(x) = A x + b from N(m0, s0) to N(m1, s1): A (d x d),
// b (d) and the residual ||A S0 A - S1||_F / ||S1||_F.
func GaussianMongeMap(m0, s0, m1, s1 []float64) (a, b []float64, residual float64, err error) {
	d, err := gaussPair("gmmot.GaussianMongeMap", m0, s0, m1, s1)
	if err != nil {
		return nil, nil, 0, err
	}
	a, b = make([]float64, d*d), make([]float64, d)
	var res C.double
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	err = check(C.gmmot_gaussian_monge_map(sz(d), dptr(m0), dptr(s0), dptr(m1), dptr(s1),
		dptr(a), sz(d*d), dptr(b), sz(d), &res), nil)
	if !IsWarning(err) {
		return nil, nil, 0, err
	}
	return a, b, float64(res), err
}

// GaussianGeodesic is the W2 geodesic N(mean, cov) at t in [0, 1] between N(m0, s0) and
// N(m1, s1).
func GaussianGeodesic(m0, s0, m1, s1 []float64, t float64) (mean, cov []float64, err error) {
	d, err := gaussPair("gmmot.GaussianGeodesic", m0, s0, m1, s1)
	if err != nil {
		return nil, nil, err
	}
	mean, cov = make([]float64, d), make([]float64, d*d)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	err = check(C.gmmot_gaussian_geodesic(sz(d), dptr(m0), dptr(s0), dptr(m1), dptr(s1),
		C.double(t), dptr(mean), sz(d), dptr(cov), sz(d*d)), nil)
	if !IsWarning(err) {
		return nil, nil, err
	}
	return mean, cov, err
}

// gaussSet checks J Gaussians given as weights (J), means (J*d), covs (J*d*d).
func gaussSet(fn string, d int, weights, means, covs []float64) (int, error) {
	j := len(weights)
	if d <= 0 {
		return 0, argError(EDimension, "%s: d = %d, want d >= 1", fn, d)
	}
	jd, ok1 := mulOK(j, d)
	jdd, ok2 := mulOK(j, d, d)
	if !ok1 || !ok2 {
		return 0, argError(ETooLarge, "%s: J*d*d overflows", fn)
	}
	if err := checkLen(fn, "means", len(means), jd, "len(weights)*d"); err != nil {
		return 0, err
	}
	return j, checkLen(fn, "covs", len(covs), jdd, "len(weights)*d*d")
}

// GaussianBarycenterResult is the W2 barycenter N(Mean, Cov) of Gaussians and the fixed
// point's iterations and residual.
type GaussianBarycenterResult struct {
	Mean, Cov  []float64
	Iterations uint64
	Residual   float64
}

// GaussianBarycenter is the W2 barycenter of the J = len(weights) Gaussians
// N(means[j], covs[j]) in dimension d (means J x d, covs J x d x d). A *Warning
// (WNotConverged) comes with the best iterate.
func GaussianBarycenter(d int, weights, means, covs []float64, opts *Options) (*GaussianBarycenterResult, error) {
	j, err := gaussSet("gmmot.GaussianBarycenter", d, weights, means, covs)
	if err != nil {
		return nil, err
	}
	r := &GaussianBarycenterResult{Mean: make([]float64, d), Cov: make([]float64, d*d)}
	var it C.uint64_t
	var res C.double
	err = withOptions(opts, func(op *C.gmmot_options_t) C.int {
		return C.gmmot_gaussian_barycenter(sz(j), sz(d), dptr(weights), dptr(means), dptr(covs),
			op, dptr(r.Mean), sz(d), dptr(r.Cov), sz(d*d), &it, &res)
	})
	if !IsWarning(err) {
		return nil, err
	}
	r.Iterations, r.Residual = uint64(it), float64(res)
	return r, err
}

// GaussianMultimarginalCost is sum_j weights[j] W2^2(N(means[j], covs[j]), barycenter).
func GaussianMultimarginalCost(d int, weights, means, covs []float64, opts *Options) (float64, error) {
	j, err := gaussSet("gmmot.GaussianMultimarginalCost", d, weights, means, covs)
	if err != nil {
		return 0, err
	}
	var out C.double
	err = withOptions(opts, func(op *C.gmmot_options_t) C.int {
		return C.gmmot_gaussian_multimarginal_cost(sz(j), sz(d), dptr(weights), dptr(means),
			dptr(covs), op, &out)
	})
	if !IsWarning(err) {
		return 0, err
	}
	return float64(out), err
}

// W2CostMatrix is the K0 x K1 matrix (row-major) of W2^2 between the components of g0 and g1.
func W2CostMatrix(g0, g1 *GMM, opts *Options) ([]float64, error) {
	p0, err := g0.use()
	if err != nil {
		return nil, err
	}
	defer g0.done()
	p1, err := g1.use()
	if err != nil {
		return nil, err
	}
	defer g1.done()
	n := int(C.gmmot_gmm_ncomponents(p0)) * int(C.gmmot_gmm_ncomponents(p1))
	out := make([]float64, n)
	if err := withOptions(opts, func(op *C.gmmot_options_t) C.int {
		return C.gmmot_w2_cost_matrix(p0, p1, op, dptr(out), sz(n))
	}); err != nil {
		return nil, err
	}
	return out, nil
}
