// SPDX-License-Identifier: MIT

package gmmot

// #include <stdlib.h>
// #include <gmmot/gmmot.h>
import "C"

import (
	"bytes"
	"encoding/binary"
	"io"
	"math/bits"
	"runtime"
	"unsafe"
)

// FormatVersion is the saved-mixture format version written by this library
// (GMMOT_GMM_FORMAT_VERSION, gmmot/gmm_io.h).
const FormatVersion = C.GMMOT_GMM_FORMAT_VERSION

// savedHeaderLen is the fixed header of the format (magic, version, flags, K, d); the
// checksum's 8 bytes follow the data.
const savedHeaderLen = 32

var savedMagic = [8]byte{0x89, 'G', 'M', 'M', 0x0D, 0x0A, 0x1A, 0x0A}

// SavedSize is the number of bytes MarshalBinary gives for this mixture.
func (g *GMM) SavedSize() (int, error) {
	p, err := g.use()
	if err != nil {
		return 0, err
	}
	defer g.done()
	var n C.size_t
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := check(C.gmmot_gmm_saved_size(p, &n), nil); err != nil {
		return 0, err
	}
	return int(n), nil
}

// MarshalBinary saves the mixture in libgmmot's versioned, checksummed binary format
// (encoding.BinaryMarshaler); LoadGMM reads it back bit for bit.
func (g *GMM) MarshalBinary() ([]byte, error) {
	n, err := g.SavedSize()
	if err != nil {
		return nil, err
	}
	p, err := g.use()
	if err != nil {
		return nil, err
	}
	defer g.done()
	buf := make([]byte, n)
	var written C.size_t
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	err = check(C.gmmot_gmm_save(p, (*C.uchar)(unsafe.Pointer(&buf[0])), sz(n), &written), nil)
	if err != nil {
		return nil, err
	}
	return buf[:written], nil
}

// WriteTo writes the saved mixture to w (io.WriterTo); ReadGMM reads it back.
func (g *GMM) WriteTo(w io.Writer) (int64, error) {
	b, err := g.MarshalBinary()
	if err != nil {
		return 0, err
	}
	n, err := w.Write(b)
	return int64(n), err
}

// LoadGMM reads a mixture from exactly the bytes of one saved mixture (trailing bytes are
// ErrFormat, like corrupt data).
func LoadGMM(data []byte) (*GMM, error) {
	var dummy [1]byte
	p := &dummy[0] // C needs a non-NULL pointer; an empty input is then ErrFormat
	if len(data) > 0 {
		p = &data[0]
	}
	return made(nil, wrapGMM, func(out **C.gmmot_gmm_t) C.int {
		return C.gmmot_gmm_load((*C.uchar)(unsafe.Pointer(p)), sz(len(data)), out)
	})
}

// ReadGMM reads one saved mixture from r, consuming exactly its bytes, so that a stream may
// hold several in a row. Memory grows with the bytes actually read, so a corrupt header
// announcing a huge mixture cannot make it allocate more than the stream holds. io.EOF is
// returned when r is at its end before the first byte.
func ReadGMM(r io.Reader) (*GMM, error) {
	var head [savedHeaderLen]byte
	if n, err := io.ReadFull(r, head[:]); err != nil {
		if n == 0 && err == io.EOF {
			return nil, io.EOF
		}
		return nil, argError(EFormat, "gmmot.ReadGMM: truncated header (%d of %d bytes): %v", n,
			savedHeaderLen, err)
	}
	if !bytes.Equal(head[:8], savedMagic[:]) {
		return nil, argError(EFormat, "gmmot.ReadGMM: wrong magic: not a saved libgmmot mixture")
	}
	k := binary.LittleEndian.Uint64(head[16:])
	d := binary.LittleEndian.Uint64(head[24:])
	// total = 32 + 8 (K + K d + K d d) + 8 (checksum), computed without overflow.
	const limit = uint64(1) << 58
	kdHi, kd := bits.Mul64(k, d)
	kddHi, kdd := bits.Mul64(kd, d)
	if k == 0 || d == 0 || kdHi != 0 || kddHi != 0 || k >= limit || kd >= limit || kdd >= limit {
		return nil, argError(EFormat, "gmmot.ReadGMM: header gives K = %d, d = %d", k, d)
	}
	values := k + kd + kdd
	rest := int64(8*values + 8)
	var buf bytes.Buffer
	buf.Write(head[:])
	if n, err := io.CopyN(&buf, r, rest); err != nil {
		return nil, argError(EFormat, "gmmot.ReadGMM: truncated data (%d of %d bytes after the "+
			"header): %v", n, rest, err)
	}
	return LoadGMM(buf.Bytes())
}

// SaveFile saves the mixture to the file at path, atomically replacing any file there.
func (g *GMM) SaveFile(path string) error {
	p, err := g.use()
	if err != nil {
		return err
	}
	defer g.done()
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	return check(C.gmmot_gmm_save_file(p, cpath), nil)
}

// LoadGMMFile reads a mixture from a file written by SaveFile (or holding exactly the bytes of
// MarshalBinary).
func LoadGMMFile(path string) (*GMM, error) {
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	return made(nil, wrapGMM, func(out **C.gmmot_gmm_t) C.int {
		return C.gmmot_gmm_load_file(cpath, out)
	})
}
