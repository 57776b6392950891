// Kernels of assembly/matmul/ are re-exported from here.
