// SPDX-License-Identifier: MIT

package gmmot

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func stripesImage(w, h int) TextureImage {
	px := make([]float64, 0, w*h*3)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			g := 0.2
			if (x/3+y/2)%2 == 1 {
				g = 0.8
			}
			px = append(px, 0.5+0.4*math.Sin(0.9*float64(x)+0.3*float64(y)), g, 0.1*float64(x%5))
		}
	}
	return TextureImage{Pixels: px, Width: w, Height: h, Channels: 3}
}

// Shapes, stage timings, determinism over thread counts, the ADSN's mean (the exemplar's, over
// 100 seeds, within 5 standard errors) and the progress stage.
func TestTextureSynthesis(t *testing.T) {
	u := stripesImage(16, 12)
	opts, err := NewOptions()
	must(t, err)
	defer opts.Close()
	must(t, opts.SetInt(OptTextureComponents, 4))
	must(t, opts.SetInt(OptNumThreads, 2))
	a, err := SynthesizeTexture(u, 20, 18, opts)
	must(t, err)
	if len(a.Pixels) != 20*18*3 || a.Channels != 3 {
		t.Fatalf("shape %d x %d x %d, %d values", a.Width, a.Height, a.Channels, len(a.Pixels))
	}
	for i, s := range a.Seconds {
		if s < 0 {
			t.Errorf("stage %s: %g s", TextureStages[i], s)
		}
	}
	must(t, opts.SetInt(OptNumThreads, 1))
	b, err := SynthesizeTexture(u, 20, 18, opts)
	must(t, err)
	for i := range a.Pixels {
		if a.Pixels[i] != b.Pixels[i] {
			t.Fatalf("pixel value %d differs between 1 and 2 threads", i)
		}
	}
	mean, sd := 0.0, 0.0
	for i := 0; i < 16*12; i++ {
		mean += u.Pixels[i*3] / 192
	}
	for i := 0; i < 16*12; i++ {
		sd += (u.Pixels[i*3] - mean) * (u.Pixels[i*3] - mean) / 192
	}
	sd = math.Sqrt(sd)
	acc := 0.0
	for s := int64(0); s < 100; s++ {
		must(t, opts.SetInt(OptSeed, s))
		g, err := TextureADSN(u, 4, 4, opts)
		must(t, err)
		for i := 0; i < 16; i++ {
			acc += g.Pixels[i*3] / 1600
		}
	}
	if math.Abs(acc-mean) > 5*sd/10 {
		t.Errorf("ADSN mean %g, exemplar mean %g", acc, mean)
	}
	var stages []uint64
	p, err := NewOptions()
	must(t, err)
	defer p.Close()
	must(t, p.SetInt(OptTextureComponents, 3))
	must(t, p.SetProgress(func(r Progress) bool {
		if r.Stage == StageTexture {
			stages = append(stages, r.Done)
		}
		return true
	}))
	_, err = SynthesizeTexture(u, 10, 10, p)
	must(t, err)
	if len(stages) != len(TextureStages)+1 || stages[len(stages)-1] != uint64(len(TextureStages)) {
		t.Errorf("texture stage reports %v", stages)
	}
}

func TestTextureErrors(t *testing.T) {
	u := stripesImage(16, 12)
	short := TextureImage{Pixels: u.Pixels[:10], Width: 16, Height: 12, Channels: 3}
	if _, err := SynthesizeTexture(short, 8, 8, nil); !errors.Is(err, ErrDimension) ||
		!strings.Contains(err.Error(), "exemplar") {
		t.Errorf("short exemplar: %v", err)
	}
	tiny := TextureImage{Pixels: u.Pixels[:2*12*3], Width: 2, Height: 12, Channels: 3}
	if _, err := SynthesizeTexture(tiny, 8, 8, nil); !errors.Is(err, ErrDimension) ||
		!strings.Contains(err.Error(), "patch") {
		t.Errorf("exemplar smaller than the patch: %v", err)
	}
	if _, err := TextureADSN(u, 0, 8, nil); !errors.Is(err, ErrDimension) {
		t.Errorf("out width 0: %v", err)
	}
	bad := stripesImage(16, 12)
	bad.Pixels[7] = math.NaN()
	if _, err := TextureADSN(bad, 8, 8, nil); !errors.Is(err, ErrNonFinite) ||
		!strings.Contains(err.Error(), "exemplar[7]") {
		t.Errorf("NaN pixel: %v", err)
	}
}
