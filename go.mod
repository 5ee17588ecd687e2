module lx.dev/lx

go 1.26
