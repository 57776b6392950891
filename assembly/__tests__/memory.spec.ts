import { heapBase } from '../memory';

describe('heapBase', () => {
  it('is a 16-byte-aligned address above the static data', () => {
    expect<usize>(heapBase()).toBeGreaterThan(0);
  });
});
