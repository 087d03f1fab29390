// SPDX-License-Identifier: MIT
module libgmmot.org/gmmot

go 1.19
