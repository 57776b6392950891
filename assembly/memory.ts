// Where the host's arena may start: everything below __heap_base belongs to AssemblyScript's
// static data. The kernels never allocate; the host owns all memory above this address.
export function heapBase(): usize {
  return __heap_base;
}
