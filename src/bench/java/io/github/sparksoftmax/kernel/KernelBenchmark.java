package io.github.sparksoftmax.kernel;

import io.github.sparksoftmax.stage.InternalSoftmax;
import io.github.sparksoftmax.stage.ResultBuffers;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.execution.vectorized.OnHeapColumnVector;
import org.apache.spark.sql.execution.vectorized.WritableColumnVector;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.apache.spark.unsafe.types.UTF8String;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One dense row of {@code k} logits through the scalar kernel, the SIMD kernel, and a bare
 * {@link Math#exp} loop over the same row (the per-element floor of any softmax that calls
 * {@code Math.exp}). Each of these allocates its output row, so {@code -prof gc} should report
 * about {@code 8 * k + 16} bytes per operation and nothing more. A fourth, {@code stageRow}, is the
 * stage's own per-row call on the row in Spark's binary format (bytes on the heap, as a scan
 * gives it), with the column's reused buffers: {@code -prof gc} should report nothing. A fifth,
 * {@code stageSparseRow}, is the same call on a sparse vector of the same size holding every
 * other logit; it allocates only the copy of its indices. A sixth, {@code stageColumnarRow}, is
 * the call on the dense row read from a columnar batch, as a vectorized scan gives it to
 * generated code: its values are copied out of the batch into a new array on each call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 10, time = 200, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 15, time = 200, timeUnit = TimeUnit.MILLISECONDS)
@Fork(1)
public class KernelBenchmark {

  @Param({"10", "100", "1000", "32768"})
  int k;

  @Param({"false"})
  boolean logSpace;

  @Param({"1.0"})
  double temperature;

  private double[] logits;
  private DenseSoftmax vectorKernel;
  private InternalRow logitsRow;
  private InternalRow sparseRow;
  private InternalRow columnarRow;
  private final ResultBuffers buffers = new ResultBuffers();
  private final UTF8String column = UTF8String.fromString("logits");

  @Setup
  public void setUp() {
    Random random = new Random(42);
    logits = new double[k];
    for (int i = 0; i < k; i++) {
      logits[i] = 3.0 * random.nextGaussian();
    }
    VectorUDT vectors = new VectorUDT();
    logitsRow = UnsafeProjection.create(vectors.sqlType())
        .apply(vectors.serialize(Vectors.dense(logits))).copy();
    int[] indices = IntStream.range(0, k).filter(i -> i % 2 == 0).toArray();
    double[] values = Arrays.stream(indices).mapToDouble(i -> logits[i]).toArray();
    sparseRow = UnsafeProjection.create(vectors.sqlType())
        .apply(vectors.serialize(Vectors.sparse(k, indices, values))).copy();
    columnarRow = columnarDenseRow(vectors.sqlType(), logits);
    vectorKernel = DenseKernels.VECTOR;
    if (vectorKernel == null) {
      throw new IllegalStateException(
          "the SIMD kernel is off: run with --add-modules jdk.incubator.vector");
    }
  }

  /** A dense vector's row in a batch of one, in VectorUDT's struct, on heap. */
  private static InternalRow columnarDenseRow(StructType vectorType, double[] values) {
    OnHeapColumnVector[] columns =
        OnHeapColumnVector.allocateColumns(1, new StructType().add("logits", vectorType));
    WritableColumnVector vector = columns[0];
    vector.getChild(0).putByte(0, (byte) 1);
    vector.getChild(1).putNull(0);
    vector.getChild(2).putNull(0);
    WritableColumnVector valuesArray = vector.getChild(3);
    valuesArray.arrayData().reserve(values.length);
    valuesArray.arrayData().putDoubles(0, values.length, values, 0);
    valuesArray.putArray(0, 0, values.length);
    return new ColumnarBatch(columns, 1).getRow(0).getStruct(0, 4);
  }

  @Benchmark
  public double[] mathExpLoop() {
    double[] out = new double[k];
    for (int i = 0; i < k; i++) {
      out[i] = Math.exp(logits[i]);
    }
    return out;
  }

  @Benchmark
  public double[] scalar() {
    double[] out = new double[k];
    Softmax.scalarSoftmax(logits, temperature, logSpace, out, 0);
    return out;
  }

  @Benchmark
  public double[] simd() {
    double[] out = new double[k];
    if (!vectorKernel.trySoftmax(logits, temperature, logSpace, out, 0)) {
      throw new IllegalStateException("the SIMD kernel declined the row");
    }
    return out;
  }

  @Benchmark
  public InternalRow stageRow() {
    return InternalSoftmax.vector(logitsRow, buffers, temperature, logSpace, true, column);
  }

  @Benchmark
  public InternalRow stageColumnarRow() {
    return InternalSoftmax.vector(columnarRow, buffers, temperature, logSpace, true, column);
  }

  @Benchmark
  public InternalRow stageSparseRow() {
    return InternalSoftmax.vector(sparseRow, buffers, temperature, logSpace, true, column);
  }
}
