// SPDX-License-Identifier: MIT

package gmmot

import (
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
)

// A smooth 8-bit gradient with a dark block, and a warm target palette.
func colourImages() (RGBImage, RGBImage) {
	const w, h = 40, 30
	s, t := make([]float64, 3*w*h), make([]float64, 3*w*h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			i := 3 * (y*w + x)
			dark := 1.0
			if x > 25 && y > 15 {
				dark = 0.3
			}
			s[i] = math.Floor((0.1+0.3*float64(y)/h)*dark*255) / 255
			s[i+1] = math.Floor((0.2+0.3*float64(y)/h)*dark*255) / 255
			s[i+2] = math.Floor((0.5+0.4*float64(x)/w)*dark*255) / 255
			t[i] = 0.6 + 0.35*float64((x*7+y*3)%11)/11
			t[i+1] = 0.3 + 0.3*float64((x*5+y)%7)/7
			t[i+2] = 0.1 + 0.2*float64((x+y*3)%5)/5
		}
	}
	return RGBImage{w, h, s}, RGBImage{w, h, t}
}

func meanColour(img RGBImage) [3]float64 {
	var m [3]float64
	for i, v := range img.Pix {
		m[i%3] += v
	}
	for c := range m {
		m[c] /= float64(len(img.Pix) / 3)
	}
	return m
}

func colourDist(a, b [3]float64) float64 {
	return math.Sqrt((a[0]-b[0])*(a[0]-b[0]) + (a[1]-b[1])*(a[1]-b[1]) + (a[2]-b[2])*(a[2]-b[2]))
}

// The guided filter keeps a constant colour change exactly (every window's regression is
// a = 0, b = the change).
func TestColourRegularizeKeepsAConstantChange(t *testing.T) {
	src, _ := colourImages()
	shifted := RGBImage{src.Width, src.Height, make([]float64, len(src.Pix))}
	for i, v := range src.Pix {
		shifted.Pix[i] = v + []float64{0.1, -0.05, 0.02}[i%3]
	}
	opts, err := NewOptions()
	must(t, err)
	defer opts.Close()
	must(t, opts.SetInt(OptColourClip, 0))
	must(t, opts.SetInt(OptColourRadius, 3))
	out, r, err := ColourRegularize(src, shifted, opts)
	must(t, err)
	if r != 3 {
		t.Fatalf("radius %d", r)
	}
	for i := range out.Pix {
		if math.Abs(out.Pix[i]-shifted.Pix[i]) > 1e-6 {
			t.Fatalf("pixel value %d: %g, want %g", i, out.Pix[i], shifted.Pix[i])
		}
	}
}

func TestColourTransfer(t *testing.T) {
	src, tgt := colourImages()
	opts, err := NewOptions()
	must(t, err)
	defer opts.Close()
	must(t, opts.SetInt(OptEMComponents, 3))
	must(t, opts.SetInt(OptColourSpace, ColourYCbCr))
	var steps []uint64
	must(t, opts.SetProgress(func(p Progress) bool {
		if p.Stage == StageColour {
			steps = append(steps, p.Done)
		}
		return true
	}))
	out, info, err := ColourTransfer(src, tgt, opts)
	must(t, err)
	if colourDist(meanColour(out), meanColour(tgt)) >= 0.25*colourDist(meanColour(src), meanColour(tgt)) {
		t.Fatalf("mean colour did not move toward the target's")
	}
	for _, v := range out.Pix {
		if v < 0 || v > 1 {
			t.Fatalf("value %g outside [0, 1]", v)
		}
	}
	if info.Radius != 2 || info.Subsample != 1 || info.TotalSeconds < info.FitSourceSeconds+info.FitTargetSeconds {
		t.Fatalf("info %+v", info)
	}
	if !reflect.DeepEqual(steps, []uint64{0, 1, 2, 3, 4, 5}) {
		t.Fatalf("colour stages %v", steps)
	}
	// The raw map followed by ColourRegularize is the transfer.
	must(t, opts.SetProgress(nil))
	must(t, opts.SetInt(OptColourRegularize, 0))
	must(t, opts.SetInt(OptColourClip, 0))
	raw, _, err := ColourTransfer(src, tgt, opts)
	must(t, err)
	must(t, opts.SetInt(OptColourRegularize, 1))
	must(t, opts.SetInt(OptColourClip, 1))
	again, _, err := ColourRegularize(src, raw, opts)
	must(t, err)
	if !reflect.DeepEqual(again.Pix, out.Pix) {
		t.Fatalf("transfer != raw map + regularisation")
	}
	// EM options reach both fits.
	must(t, opts.SetInt(OptEMMaxIterations, 1))
	must(t, opts.SetFloat(OptEMTolerance, 0))
	_, info, err = ColourTransfer(src, tgt, opts)
	var w *Warning
	if !errors.As(err, &w) || w.Status != WNotConverged || info.EMIterationsSource != 1 || info.EMIterationsTarget != 1 {
		t.Fatalf("want WNotConverged after 1 iteration, got %v, %+v", err, info)
	}
}

func TestColourErrors(t *testing.T) {
	src, tgt := colourImages()
	_, _, err := ColourTransfer(RGBImage{src.Width, src.Height, src.Pix[:9]}, tgt, nil)
	var e *Error
	if !errors.As(err, &e) || e.Status != EDimension || !strings.Contains(e.Message, "source.Pix") {
		t.Fatalf("short source: %v", err)
	}
	bad := RGBImage{src.Width, src.Height, append([]float64(nil), src.Pix...)}
	bad.Pix[3*7+2] = 1.5
	_, _, err = ColourTransfer(bad, tgt, nil)
	if !errors.As(err, &e) || e.Status != EInvalidArgument || !strings.Contains(e.Message, "source[7][2]") {
		t.Fatalf("value outside [0, 1]: %v", err)
	}
	_, _, err = ColourRegularize(src, RGBImage{1, 1, []float64{0, 0, 0}}, nil)
	if !errors.As(err, &e) || e.Status != EDimension {
		t.Fatalf("mapped of another size: %v", err)
	}
}
