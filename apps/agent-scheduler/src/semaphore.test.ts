import { Semaphore } from './semaphore';

describe('Semaphore', () => {
  it('lets `limit` holders in and the rest in arrival order, each as a place is given back', async () => {
    const semaphore = new Semaphore(2);
    const order: number[] = [];
    const first = await semaphore.acquire();
    const second = await semaphore.acquire();
    const later = [3, 4].map((n) =>
      semaphore.acquire().then((release) => (order.push(n), release)),
    );
    await Promise.resolve();
    expect(order).toEqual([]);
    expect(semaphore.queued).toBe(2);
    first();
    first();
    const third = await later[0];
    expect(order).toEqual([3]);
    expect(semaphore.queued).toBe(1);
    second();
    const fourth = await later[1];
    expect(order).toEqual([3, 4]);
    third?.();
    fourth?.();
    // Both places are free again: two more get in at once.
    await Promise.all([semaphore.acquire(), semaphore.acquire()]);
    expect(semaphore.queued).toBe(0);
  });
});
