package io.github.sparksoftmax.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TopKTest {

  @Test
  void agreesWithAFullSortOnRandomRowsWithManyTies() {
    Random random = new Random(3);
    for (int trial = 0; trial < 500; trial++) {
      int n = random.nextInt(40);
      double[] row = new double[n];
      for (int i = 0; i < n; i++) {
        row[i] = random.nextInt(6) - (random.nextInt(10) == 0 ? Double.POSITIVE_INFINITY : 0);
      }
      int k = random.nextInt(n + 3);
      assertArrayEquals(bySorting(row, k), TopK.largest(row, k), Arrays.toString(row) + " k=" + k);
    }
  }

  @Test
  void tiesGoToTheLowerIndex() {
    assertArrayEquals(new int[] {1, 3}, TopK.largest(new double[] {0.1, 0.3, 0.2, 0.3, 0.3}, 2));
    assertArrayEquals(new int[] {0, 1, 2}, TopK.largest(new double[] {0.25, 0.25, 0.25, 0.25}, 3));
  }

  @Test
  void kAtLeastTheSizeSelectsEverythingAndZeroSelectsNothing() {
    double[] row = {3.0, 1.0, 2.0};
    assertArrayEquals(new int[] {0, 1, 2}, TopK.largest(row, 3));
    assertArrayEquals(new int[] {0, 1, 2}, TopK.largest(row, 10));
    assertArrayEquals(new int[] {}, TopK.largest(row, 0));
    assertArrayEquals(new int[] {}, TopK.largest(new double[0], 4));
    assertThrows(IllegalArgumentException.class, () -> TopK.largest(row, -1));
  }

  @Test
  void nanRanksBelowEverythingSoANaNRowKeepsItsFirstPositions() {
    double nan = Double.NaN;
    assertArrayEquals(new int[] {0, 1}, TopK.largest(new double[] {nan, nan, nan, nan}, 2));
    assertArrayEquals(new int[] {1, 3}, TopK.largest(new double[] {nan, -1.0, nan, 5.0}, 2));
  }

  /** The reference: sort all positions by (value descending, index ascending), keep k. */
  private static int[] bySorting(double[] row, int k) {
    return IntStream.range(0, row.length).boxed()
        .sorted(Comparator.<Integer>comparingDouble(i -> -row[i]).thenComparing(i -> i))
        .limit(k).mapToInt(Integer::intValue).sorted().toArray();
  }
}
