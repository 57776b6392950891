// Kernels of assembly/ops/ are re-exported from here.
