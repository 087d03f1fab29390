// SPDX-License-Identifier: MIT

package gmmot

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"
	"testing"
)

func TestStatusNames(t *testing.T) {
	cases := map[Status]string{OK: "GMMOT_OK", EWeights: "GMMOT_E_WEIGHTS",
		WNotConverged: "GMMOT_W_NOT_CONVERGED", EFormat: "GMMOT_E_FORMAT", EIO: "GMMOT_E_IO", EFamily: "GMMOT_E_FAMILY",
		EInternal: "GMMOT_E_INTERNAL"}
	for s, want := range cases {
		if s.Name() != want {
			t.Errorf("Status(%d).Name() = %q, want %q", int(s), s.Name(), want)
		}
	}
	if Status(-1234).String() != "unknown status" {
		t.Errorf("unknown status: %q", Status(-1234).String())
	}
}

func TestBindingChecksNameTheArgument(t *testing.T) {
	_, err := NewGMM(2, 2, []float64{0.5, 0.5}, []float64{0, 0, 1}, diag(1, 1, 1, 1)[:8])
	wantStatus(t, err, EDimension, "gmmot.NewGMM", "means has 3 values", "k*d = 4")
	_, err = GaussianW2Squared([]float64{0, 0}, diag(1, 1), []float64{0, 0}, diag(1))
	wantStatus(t, err, EDimension, "s1 has 1 values")
	_, err = SolveTransport([]float64{1}, []float64{0.5, 0.5}, []float64{1}, nil)
	wantStatus(t, err, EDimension, "cost has 1 values", "len(a)*len(b) = 2")
	if !errors.Is(err, ErrDimension) || errors.Is(err, ErrWeights) {
		t.Fatalf("errors.Is on %v", err)
	}
}

func TestCErrorsCarryStatusAndMessage(t *testing.T) {
	_, err := NewGMM(2, 1, []float64{0.5, -0.5}, []float64{0, 1}, []float64{1, 1})
	wantStatus(t, err, EWeights, "gmmot_gmm_create", "weights[1]")
	if !errors.Is(err, ErrWeights) {
		t.Fatal("errors.Is(err, ErrWeights) is false")
	}
	_, err = NewGMM(1, 2, []float64{1}, []float64{0, 0}, []float64{1, 0, 0, -1})
	wantStatus(t, err, ENotPSD, "covs[0]")
	_, err = NewGMM(1, 1, []float64{1}, []float64{math.NaN()}, []float64{1})
	wantStatus(t, err, ENonFinite, "means")
	_, err = NewGMM(0, 1, nil, nil, nil)
	wantStatus(t, err, EDimension)
}

// A warning comes with a valid result.
func TestWarningComesWithResult(t *testing.T) {
	g, err := NewGMM(1, 2, []float64{1}, []float64{0, 0}, []float64{1, 1e-10, 0, 1})
	if err == nil || !IsWarning(err) || !errors.Is(err, WarnSymmetrized) {
		t.Fatalf("want the warning GMMOT_W_SYMMETRIZED, got %v", err)
	}
	var w *Warning
	if !errors.As(err, &w) || w.Status != WSymmetrized || w.Message == "" {
		t.Fatalf("warning %#v", w)
	}
	defer g.Close()
	c, err := g.Covariances()
	must(t, err)
	if c[1] != c[2] {
		t.Fatalf("covariance not symmetrised: %v", c)
	}
	if IsWarning(errors.New("x")) || !IsWarning(nil) {
		t.Fatal("IsWarning")
	}
}

// Many goroutines, each making its own error (a negative weight at its own index), must each
// read their own call's message: the thread-local message is read on the locked OS thread.
func TestErrorMessagesFromManyGoroutines(t *testing.T) {
	const workers, rounds = 64, 40
	var wg sync.WaitGroup
	failures := make(chan string, workers)
	for g := 0; g < workers; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			k := g + 2
			w := make([]float64, k)
			for i := range w {
				w[i] = 1 / float64(k-1)
			}
			w[g] = -w[g] // every goroutine its own bad index
			w[k-1] = 1 / float64(k-1) * 2
			m := make([]float64, k)
			c := make([]float64, k)
			for i := range c {
				c[i] = 1
			}
			want := fmt.Sprintf("weights[%d]", g)
			for r := 0; r < rounds; r++ {
				_, err := NewGMM(k, 1, w, m, c)
				var e *Error
				if !errors.As(err, &e) || e.Status != EWeights || !contains(e.Message, want) {
					failures <- fmt.Sprintf("goroutine %d: got %v, want GMMOT_E_WEIGHTS naming %s", g, err, want)
					return
				}
				runtime.Gosched() // invite the scheduler to move goroutines between threads
			}
		}(g)
	}
	wg.Wait()
	close(failures)
	for f := range failures {
		t.Error(f)
	}
}
