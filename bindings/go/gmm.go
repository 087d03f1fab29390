// SPDX-License-Identifier: MIT

package gmmot

// #include <gmmot/gmmot.h>
import "C"

import (
	"fmt"
	"runtime"
)

// GMM is an immutable Gaussian mixture sum_k w_k N(m_k, S_k) on R^d (gmmot/gmm.h), usable
// from any number of goroutines at once.
//
// A GMM may instead hold a Student-t mixture sum_k w_k t_nu(m_k, S_k) with one nu > 2
// (NewStudentT, or the coupling, geodesic and barycenters of Student-t inputs): Family is then
// FamilyStudentT, Nu the degrees of freedom, Scales the S_k and Covariances nu / (nu - 2) S_k.
// Calls combining mixtures of different families or nu fail with EFamily (ErrFamily).
type GMM struct{ h handle }

// Family is the component family of a mixture (gmmot_family).
type Family int

// The families of gmmot/gmm.h.
const (
	FamilyGaussian Family = C.GMMOT_FAMILY_GAUSSIAN  // Gaussian components (NewGMM)
	FamilyStudentT Family = C.GMMOT_FAMILY_STUDENT_T // Student-t components sharing one nu (NewStudentT)
)

func (f Family) String() string {
	switch f {
	case FamilyGaussian:
		return "gaussian"
	case FamilyStudentT:
		return "student_t"
	}
	return fmt.Sprintf("Family(%d)", int(f))
}

// wrapGMM takes ownership of a new C mixture handle.
func wrapGMM(p *C.gmmot_gmm_t) *GMM {
	return track(&GMM{}, p, func(p *C.gmmot_gmm_t) { C.gmmot_gmm_destroy(p) })
}

func (g *GMM) ref() *handle {
	if g == nil {
		return nil
	}
	return &g.h
}

func (g *GMM) use() (*C.gmmot_gmm_t, error) { return useRef[C.gmmot_gmm_t](g) }
func (g *GMM) done()                        { doneRef(g) }

// NewGMM creates a mixture of k components in dimension d from weights (k), means (k*d,
// row-major) and covariances (k*d*d, each d x d block contiguous); the slices are copied. It
// may return a valid mixture together with a *Warning (WSymmetrized).
func NewGMM(k, d int, weights, means, covs []float64) (*GMM, error) {
	w, m, c, err := mixtureArrays("gmmot.NewGMM", k, d, weights, means, covs, "covs")
	if err != nil {
		return nil, err
	}
	return made(nil, wrapGMM, func(out **C.gmmot_gmm_t) C.int {
		return C.gmmot_gmm_create(sz(k), sz(d), w, m, c, out)
	})
}

// NewStudentT creates a Student-t mixture sum_k w_k t_nu(m_k, S_k) of k components in
// dimension d with nu degrees of freedom, from weights (k), means (k*d) and the scale matrices
// S_k (k*d*d; the covariances are nu / (nu - 2) S_k); the slices are copied. Validated as
// NewGMM, plus EInvalidArgument when nu is not a finite number > 2.
func NewStudentT(k, d int, nu float64, weights, means, scales []float64) (*GMM, error) {
	w, m, s, err := mixtureArrays("gmmot.NewStudentT", k, d, weights, means, scales, "scales")
	if err != nil {
		return nil, err
	}
	return made(nil, wrapGMM, func(out **C.gmmot_gmm_t) C.int {
		return C.gmmot_gmm_create_t(sz(k), sz(d), C.double(nu), w, m, s, out)
	})
}

// mixtureArrays checks the lengths of a mixture's arrays (mats names the k*d*d matrices) and
// returns their C pointers.
func mixtureArrays(fn string, k, d int, weights, means, matrices []float64,
	mats string) (w, m, c *C.double, err error) {
	if k < 0 || d < 0 {
		return nil, nil, nil, argError(EDimension, "%s: k = %d, d = %d must not be negative", fn, k, d)
	}
	kd, ok1 := mulOK(k, d)
	kdd, ok2 := mulOK(k, d, d)
	if !ok1 || !ok2 {
		return nil, nil, nil, argError(ETooLarge, "%s: k*d*d overflows", fn)
	}
	if err := checkLen(fn, "weights", len(weights), k, "k"); err != nil {
		return nil, nil, nil, err
	}
	if err := checkLen(fn, "means", len(means), kd, "k*d"); err != nil {
		return nil, nil, nil, err
	}
	if err := checkLen(fn, mats, len(matrices), kdd, "k*d*d"); err != nil {
		return nil, nil, nil, err
	}
	// C needs non-NULL arrays even when k or d is 0 (it then reports GMMOT_E_DIMENSION); the
	// dummy escapes to the heap, so it outlives this function.
	dummy := make([]float64, 1)
	w, m, c = dptr(weights), dptr(means), dptr(matrices)
	if w == nil {
		w = dptr(dummy)
	}
	if m == nil {
		m = dptr(dummy)
	}
	if c == nil {
		c = dptr(dummy)
	}
	return w, m, c, nil
}

// Close frees the mixture (idempotent; also run by a finalizer). Objects computed from it
// (MW2 plans, barycenters) stay valid.
func (g *GMM) Close() error { return closeRef(g) }

// K is the number of components (0 for a closed mixture).
func (g *GMM) K() int {
	p, err := g.use()
	if err != nil {
		return 0
	}
	defer g.done()
	return int(C.gmmot_gmm_ncomponents(p))
}

// Dim is the dimension d (0 for a closed mixture).
func (g *GMM) Dim() int {
	p, err := g.use()
	if err != nil {
		return 0
	}
	defer g.done()
	return int(C.gmmot_gmm_dim(p))
}

func (g *GMM) copyOut(n func(k, d int) int,
	f func(*C.gmmot_gmm_t, *C.double, C.size_t) C.int) ([]float64, error) {
	p, err := g.use()
	if err != nil {
		return nil, err
	}
	defer g.done()
	out := make([]float64, n(int(C.gmmot_gmm_ncomponents(p)), int(C.gmmot_gmm_dim(p))))
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := check(f(p, dptr(out), sz(len(out))), nil); err != nil {
		return nil, err
	}
	return out, nil
}

// Weights copies the k normalised weights.
func (g *GMM) Weights() ([]float64, error) {
	return g.copyOut(func(k, d int) int { return k },
		func(p *C.gmmot_gmm_t, o *C.double, n C.size_t) C.int { return C.gmmot_gmm_copy_weights(p, o, n) })
}

// Means copies the k x d means, row-major.
func (g *GMM) Means() ([]float64, error) {
	return g.copyOut(func(k, d int) int { return k * d },
		func(p *C.gmmot_gmm_t, o *C.double, n C.size_t) C.int { return C.gmmot_gmm_copy_means(p, o, n) })
}

// Covariances copies the k x d x d covariances (as stored: symmetrised).
func (g *GMM) Covariances() ([]float64, error) {
	return g.copyOut(func(k, d int) int { return k * d * d },
		func(p *C.gmmot_gmm_t, o *C.double, n C.size_t) C.int {
			return C.gmmot_gmm_copy_covariances(p, o, n)
		})
}

// Scales copies the k x d x d scale matrices S_k: those given to NewStudentT (symmetrised), or
// the covariances divided by nu / (nu - 2) for a Student-t mixture computed by the library; the
// covariances of a Gaussian mixture.
func (g *GMM) Scales() ([]float64, error) {
	return g.copyOut(func(k, d int) int { return k * d * d },
		func(p *C.gmmot_gmm_t, o *C.double, n C.size_t) C.int { return C.gmmot_gmm_copy_scales(p, o, n) })
}

// familyNu is gmmot_gmm_get_family.
func (g *GMM) familyNu() (Family, float64, error) {
	p, err := g.use()
	if err != nil {
		return 0, 0, err
	}
	defer g.done()
	var code C.int
	var nu C.double
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := check(C.gmmot_gmm_get_family(p, &code, &nu), nil); err != nil {
		return 0, 0, err
	}
	return Family(code), float64(nu), nil
}

// Family is the component family (ErrClosed after Close).
func (g *GMM) Family() (Family, error) {
	f, _, err := g.familyNu()
	return f, err
}

// Nu is the degrees of freedom of the Student-t components; +Inf for a Gaussian mixture (the
// Student-t limit). ErrClosed after Close.
func (g *GMM) Nu() (float64, error) {
	_, nu, err := g.familyNu()
	return nu, err
}

// LogDensity evaluates log mu(x) at the n points of points (n x d, row-major).
func (g *GMM) LogDensity(points []float64, opts *Options) ([]float64, error) {
	p, err := g.use()
	if err != nil {
		return nil, err
	}
	defer g.done()
	n, err := rows("gmmot.GMM.LogDensity", "points", points, int(C.gmmot_gmm_dim(p)))
	if err != nil {
		return nil, err
	}
	out := make([]float64, n)
	if err := withOptions(opts, func(op *C.gmmot_options_t) C.int {
		return C.gmmot_gmm_log_density(p, sz(n), dptr(points), op, dptr(out), sz(n))
	}); err != nil {
		return nil, err
	}
	return out, nil
}

// Sample draws n points (n x d, row-major) and the component index of each, seeded by
// OptSeed.
func (g *GMM) Sample(n int, opts *Options) (points []float64, labels []int, err error) {
	p, err := g.use()
	if err != nil {
		return nil, nil, err
	}
	defer g.done()
	if n < 0 {
		return nil, nil, argError(EInvalidArgument, "gmmot.GMM.Sample: n = %d is negative", n)
	}
	d := int(C.gmmot_gmm_dim(p))
	// The points and the labels (one size_t each) together.
	nd, err := outLen("gmmot.GMM.Sample", "n*(d+1) for the points and labels", 8, n, d+1)
	if err != nil {
		return nil, nil, err
	}
	nd = n * d
	pts := make([]float64, nd)
	lab := make([]C.size_t, n)
	err = withOptions(opts, func(op *C.gmmot_options_t) C.int {
		return C.gmmot_gmm_sample(p, sz(n), op, dptr(pts), sz(nd), zptr(lab), sz(n))
	})
	if err != nil {
		return nil, nil, err
	}
	return pts, toInts(lab), nil
}
