// SPDX-License-Identifier: MIT
// Products of four small square matrices at once in the interleaved layout of jacobi_lanes.hpp
// (entry (i, j) of lane l at [(i + j n) * kJacobiLanes + l]): each lane's result is the product
// of that lane's matrices, summed in a fixed order (the same whatever the other lanes hold).
#pragma once

namespace gmmot::linalg {

// c = a b (lanes times lanes).
void lanes_mul(int n, const double *a, const double *b, double *c);

// c = s b with one matrix s shared by the lanes: s is plain column-major n x n, lower
// triangular with a zero upper triangle (read only up to a few entries past the diagonal).
void lanes_mul_shared_lower(int n, const double *s, const double *b, double *c);

// c = a^T a, exactly symmetric (the lower triangle computed, the upper one mirrored).
void lanes_gram(int n, const double *a, double *c);

// c = a b^T for a product known to be symmetric (e.g. a = v x with x symmetric, b = v): the
// lower triangle computed, the upper one mirrored, so that c is exactly symmetric.
void lanes_mul_bt_sym(int n, const double *a, const double *b, double *c);

// c = a a for an exactly symmetric a (so a a = a a^T): the same bits as lanes_mul_bt_sym(n, a,
// a, c), with a's columns read along k (contiguous) instead of its rows.
void lanes_sym_square(int n, const double *a, double *c);

// The same products in the two-lane layout of jacobi_lanes2 (rows padded to even m), with the
// same bits per lane (each entry summed over k in order): the shared factor s of
// lanes2_mul_shared_lower is a plain column-major m x m matrix, zero in its padding.
void lanes2_mul(int n, const double *a, const double *b, double *c);
void lanes2_mul_shared_lower(int n, const double *s, const double *b, double *c);
// lanes2_gram: at (scratch, the size of a, padding rows zero) receives a^T.
void lanes2_gram(int n, const double *a, double *at, double *c);
void lanes2_mul_bt_sym(int n, const double *a, const double *b, double *c);
void lanes2_sym_square(int n, const double *a, double *c);

}  // namespace gmmot::linalg
