// Kernels of assembly/random/ are re-exported from here.
