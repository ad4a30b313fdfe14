package io.github.sparksoftmax.kernel;

import java.util.Arrays;

/**
 * Selects the positions of the {@code k} largest entries of a row in {@code O(n log k)} time,
 * without sorting the row: one pass keeps the best {@code k} seen so far in a binary min-heap of
 * indices whose root is the weakest of them.
 *
 * <p>Order: a larger value ranks higher; among equal values the lower index ranks higher. A NaN
 * entry ranks below every other entry, and NaN entries among themselves by index, so on a row of
 * NaN (an invalid row's output) the first {@code k} positions are selected.
 */
public final class TopK {

  private TopK() {}

  /**
   * The positions of the {@code min(k, values.length)} highest-ranked entries, in increasing
   * order.
   *
   * @param values the row; read only
   * @param k &gt;= 0
   * @throws IllegalArgumentException if {@code k} is negative
   */
  public static int[] largest(double[] values, int k) {
    if (k < 0) {
      throw new IllegalArgumentException("k must be >= 0 but was " + k);
    }
    int size = Math.min(k, values.length);
    int[] heap = new int[size];
    for (int i = 0; i < size; i++) {
      heap[i] = i;
      siftUp(heap, i, values);
    }
    if (size == 0) {
      return heap;
    }
    // Each later entry has a higher index than any in the heap, so it ranks above the root
    // exactly when its value is larger, or when it is a number and the root's value is NaN.
    double weakest = values[heap[0]];
    for (int i = size; i < values.length; i++) {
      double v = values[i];
      if (v > weakest || (weakest != weakest && v == v)) {
        heap[0] = i;
        siftDown(heap, size, values);
        weakest = values[heap[0]];
      }
    }
    Arrays.sort(heap);
    return heap;
  }

  /** True when entry {@code a} ranks above entry {@code b}. */
  private static boolean ranksAbove(double[] values, int a, int b) {
    double va = values[a];
    double vb = values[b];
    boolean aIsNaN = va != va;
    boolean bIsNaN = vb != vb;
    if (aIsNaN || bIsNaN) {
      return aIsNaN == bIsNaN ? a < b : bIsNaN;
    }
    return va > vb || (va == vb && a < b);
  }

  private static void siftUp(int[] heap, int position, double[] values) {
    int child = position;
    while (child > 0) {
      int parent = (child - 1) >>> 1;
      if (!ranksAbove(values, heap[parent], heap[child])) {
        return;
      }
      swap(heap, parent, child);
      child = parent;
    }
  }

  private static void siftDown(int[] heap, int size, double[] values) {
    int parent = 0;
    while (true) {
      int weakest = parent;
      for (int child = 2 * parent + 1; child <= 2 * parent + 2 && child < size; child++) {
        if (ranksAbove(values, heap[weakest], heap[child])) {
          weakest = child;
        }
      }
      if (weakest == parent) {
        return;
      }
      swap(heap, parent, weakest);
      parent = weakest;
    }
  }

  private static void swap(int[] heap, int a, int b) {
    int held = heap[a];
    heap[a] = heap[b];
    heap[b] = held;
  }
}
