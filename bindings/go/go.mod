module libgmmot.org/gmmot

go 1.19
