// SPDX-License-Identifier: MIT

package gmmot

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc64"
	"io"
	"math"
	"os"
	"path/filepath"
	"testing"
)

func sampleMixture(t *testing.T) *GMM {
	// Values with full mantissas, so that a round trip through decimal would show.
	w := []float64{1.0 / 3, 2.0 / 3}
	m := []float64{math.Pi, -math.E, 1e-300, math.Sqrt2, 0.1, 1e300}
	c := append(diag(1.0/7, 2.0/9, 3.0/11), 1, 0.1, 0.2, 0.1, 2, 0.3, 0.2, 0.3, 3)
	return newGMM(t, 2, 3, w, m, c)
}

func sameBits(t *testing.T, a, b *GMM) {
	t.Helper()
	for _, get := range []func(*GMM) ([]float64, error){(*GMM).Weights, (*GMM).Means, (*GMM).Covariances} {
		x, err := get(a)
		must(t, err)
		y, err := get(b)
		must(t, err)
		if len(x) != len(y) {
			t.Fatalf("lengths %d, %d", len(x), len(y))
		}
		for i := range x {
			if math.Float64bits(x[i]) != math.Float64bits(y[i]) {
				t.Fatalf("entry %d: %v != %v", i, x[i], y[i])
			}
		}
	}
}

// The saved bytes follow the documented format (checked here independently: header fields,
// little-endian doubles, CRC-64/XZ, which is Go's crc64 with the ECMA table) and load back bit
// for bit.
func TestSaveLoadRoundTrip(t *testing.T) {
	g := sampleMixture(t)
	b, err := g.MarshalBinary()
	must(t, err)
	k, d := 2, 3
	if n, _ := g.SavedSize(); len(b) != 40+8*(k+k*d+k*d*d) || n != len(b) {
		t.Fatalf("%d bytes, saved size %d", len(b), n)
	}
	if !bytes.Equal(b[:8], []byte{0x89, 'G', 'M', 'M', 0x0D, 0x0A, 0x1A, 0x0A}) ||
		binary.LittleEndian.Uint32(b[8:]) != FormatVersion || binary.LittleEndian.Uint32(b[12:]) != 0 ||
		binary.LittleEndian.Uint64(b[16:]) != uint64(k) || binary.LittleEndian.Uint64(b[24:]) != uint64(d) {
		t.Fatalf("header % x", b[:32])
	}
	w, _ := g.Weights()
	if math.Float64frombits(binary.LittleEndian.Uint64(b[32:])) != w[0] {
		t.Fatal("first weight not stored little-endian at offset 32")
	}
	crc := crc64.Checksum(b[:len(b)-8], crc64.MakeTable(crc64.ECMA))
	if crc != binary.LittleEndian.Uint64(b[len(b)-8:]) {
		t.Fatal("checksum is not CRC-64/XZ of the preceding bytes")
	}
	h, err := LoadGMM(b)
	must(t, err)
	defer h.Close()
	sameBits(t, g, h)
	b2, err := h.MarshalBinary()
	must(t, err)
	if !bytes.Equal(b, b2) {
		t.Fatal("saving the loaded mixture gives other bytes")
	}
}

func TestLoadCorruptData(t *testing.T) {
	b, err := sampleMixture(t).MarshalBinary()
	must(t, err)
	flipped := append([]byte(nil), b...)
	flipped[50] ^= 0x10
	for name, data := range map[string][]byte{"flipped bit": flipped, "truncated": b[:len(b)-1],
		"trailing byte": append(append([]byte(nil), b...), 0), "empty": nil,
		"wrong magic": append([]byte("XGMM"), b[4:]...)} {
		_, err := LoadGMM(data)
		if !errors.Is(err, ErrFormat) || err.(*Error).Message == "" {
			t.Errorf("%s: got %v, want GMMOT_E_FORMAT with a message", name, err)
		}
	}
}

func TestSaveLoadFile(t *testing.T) {
	g := sampleMixture(t)
	path := filepath.Join(t.TempDir(), "mixture.gmm")
	must(t, g.SaveFile(path))
	h, err := LoadGMMFile(path)
	must(t, err)
	defer h.Close()
	sameBits(t, g, h)
	raw, err := os.ReadFile(path)
	must(t, err)
	b, _ := g.MarshalBinary()
	if !bytes.Equal(raw, b) {
		t.Fatal("the file does not hold the MarshalBinary bytes")
	}
	_, err = LoadGMMFile(filepath.Join(t.TempDir(), "missing.gmm"))
	wantStatus(t, err, EIO, "missing.gmm")
	err = g.SaveFile(filepath.Join(t.TempDir(), "no", "such", "dir", "x.gmm"))
	wantStatus(t, err, EIO)
}

// ReadGMM reads one mixture at a time from a stream.
func TestReadGMMStream(t *testing.T) {
	g := sampleMixture(t)
	g2 := newGMM(t, 1, 1, []float64{1}, []float64{3}, []float64{2})
	var buf bytes.Buffer
	for _, x := range []*GMM{g, g2, g} {
		_, err := x.WriteTo(&buf)
		must(t, err)
	}
	for i, want := range []*GMM{g, g2, g} {
		h, err := ReadGMM(&buf)
		if err != nil {
			t.Fatalf("mixture %d: %v", i, err)
		}
		sameBits(t, want, h)
		h.Close()
	}
	if _, err := ReadGMM(&buf); err != io.EOF {
		t.Fatalf("at the end: %v, want io.EOF", err)
	}
	b, _ := g.MarshalBinary()
	_, err := ReadGMM(bytes.NewReader(b[:len(b)-3]))
	wantStatus(t, err, EFormat, "truncated")
	huge := append([]byte(nil), b[:32]...)
	binary.LittleEndian.PutUint64(huge[16:], 1<<40)
	_, err = ReadGMM(bytes.NewReader(huge))
	wantStatus(t, err, EFormat)
}
