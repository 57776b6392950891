// Kernels of assembly/optim/ are re-exported from here.
