package io.github.sparksoftmax.examples;

import static org.apache.spark.sql.functions.array_max;
import static org.apache.spark.sql.functions.array_position;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.ceil;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.github.sparksoftmax.CalibrationEvaluator;
import io.github.sparksoftmax.SoftmaxCalibrator;
import io.github.sparksoftmax.SoftmaxTransformer;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.ml.functions;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Calibrates an overconfident classifier with {@link SoftmaxCalibrator}, prints log loss and
 * expected calibration error before and after on held-out rows, and draws a reliability diagram.
 *
 * <p>The classifier is simulated so that the truth is known: each row's label is drawn from
 * {@code softmax(z)}, and the classifier reports the logits {@code 2.5 z} plus noise, so its
 * probabilities are too sharp. Usage: {@code CalibrationExample [diagram.png]}; run headless
 * ({@code -Djava.awt.headless=true}) with the master supplied by spark-submit or {@code
 * -Dspark.master}.
 */
public final class CalibrationExample {
  private static final int CLASSES = 10;
  private static final int BINS = 15;
  /** Bins with fewer rows are left off the diagram: their accuracy is mostly noise. */
  private static final int MIN_ROWS_PER_POINT = 50;

  private CalibrationExample() {}

  public static void main(String[] args) throws IOException {
    String diagram = args.length > 0 ? args[0] : "reliability-diagram.png";
    SparkSession spark = SparkSession.builder().appName("CalibrationExample").getOrCreate();

    Dataset<Row> scored = spark.createDataFrame(scores(),
        new StructType().add("id", DataTypes.LongType).add("logits", SQLDataTypes.VectorType())
            .add("label", DataTypes.DoubleType));
    Dataset<Row> calibrationSet = scored.filter(col("id").mod(2).equalTo(0));
    Dataset<Row> testSet = scored.filter(col("id").mod(2).equalTo(1));

    Dataset<Row> before = new SoftmaxTransformer().transform(testSet);
    SoftmaxTransformer calibrated = new SoftmaxCalibrator().fit(calibrationSet);
    Dataset<Row> after = calibrated.transform(testSet);

    CalibrationEvaluator logLoss = new CalibrationEvaluator().setMetricName("logLoss");
    CalibrationEvaluator ece = new CalibrationEvaluator().setMetricName("ece").setNumBins(BINS);
    double logLossBefore = logLoss.evaluate(before);
    double logLossAfter = logLoss.evaluate(after);
    double eceBefore = ece.evaluate(before);
    double eceAfter = ece.evaluate(after);
    System.out.printf("Fitted temperature: %.4f%n", calibrated.getTemperature());
    System.out.printf("Log loss: %.4f before, %.4f after%n", logLossBefore, logLossAfter);
    System.out.printf("ECE (%d bins): %.4f before, %.4f after%n", BINS, eceBefore, eceAfter);

    XYSeriesCollection curves = new XYSeriesCollection();
    XYSeries perfect = new XYSeries("Perfect calibration");
    perfect.add(0.0, 0.0);
    perfect.add(1.0, 1.0);
    curves.addSeries(perfect);
    curves.addSeries(reliability(before,
        String.format("Before (T = 1): ECE %.3f, log loss %.3f", eceBefore, logLossBefore)));
    curves.addSeries(reliability(after, String.format("After (T = %.2f): ECE %.3f, log loss %.3f",
        calibrated.getTemperature(), eceAfter, logLossAfter)));
    writeDiagram(curves, new File(diagram));
    System.out.println("Reliability diagram written to " + diagram);
    spark.stop();
  }

  /**
   * The example's 20,000 rows (id, logits, label) of a classifier whose logits are 2.5 times the
   * true ones: even ids calibrate, odd ids test.
   */
  static List<Row> scores() {
    Random random = new Random(42);
    List<Row> rows = new ArrayList<>();
    for (long id = 0; id < 20_000; id++) {
      double[] z = new double[CLASSES];
      double[] weights = new double[CLASSES];
      double total = 0.0;
      for (int i = 0; i < CLASSES; i++) {
        z[i] = 1.5 * random.nextGaussian();
        weights[i] = Math.exp(z[i]);
        total += weights[i];
      }
      double draw = random.nextDouble() * total;
      int label = 0;
      while (label < CLASSES - 1 && draw >= weights[label]) {
        draw -= weights[label];
        label++;
      }
      double[] logits = new double[CLASSES];
      for (int i = 0; i < CLASSES; i++) {
        logits[i] = 2.5 * z[i] + 0.3 * random.nextGaussian();
      }
      rows.add(RowFactory.create(id, Vectors.dense(logits), (double) label));
    }
    return rows;
  }

  /** Accuracy against mean confidence in each confidence bin ((b-1)/B, b/B] with enough rows. */
  private static XYSeries reliability(Dataset<Row> probabilities, String name) {
    Dataset<Row> binned = probabilities
        .withColumn("p", functions.vector_to_array(col("probability"), "float64"))
        .withColumn("confidence", array_max(col("p")))
        .withColumn("hit", when(array_position(col("p"), col("confidence")).minus(1)
            .equalTo(col("label")), 1.0).otherwise(0.0))
        .withColumn("bin", greatest(ceil(col("confidence").multiply(BINS)).minus(1), lit(0)));
    XYSeries series = new XYSeries(name);
    for (Row bin : binned.groupBy("bin").agg(avg("confidence"), avg("hit"), count("hit"))
        .filter(col("count(hit)").geq(MIN_ROWS_PER_POINT)).orderBy("bin").collectAsList()) {
      series.add(bin.getDouble(1), bin.getDouble(2));
    }
    return series;
  }

  private static void writeDiagram(XYSeriesCollection curves, File file) throws IOException {
    JFreeChart chart = ChartFactory.createXYLineChart("Reliability diagram (held-out rows)",
        "Confidence (top-class probability)", "Accuracy", curves, PlotOrientation.VERTICAL,
        true, false, false);
    chart.addSubtitle(new TextTitle(BINS + " equal-width confidence bins; bins with fewer than "
        + MIN_ROWS_PER_POINT + " rows are not drawn"));
    XYPlot plot = chart.getXYPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    plot.getDomainAxis().setRange(0.0, 1.0);
    plot.getRangeAxis().setRange(0.0, 1.0);
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
    renderer.setSeriesPaint(0, Color.GRAY);
    renderer.setSeriesStroke(0, new BasicStroke(1.5f, BasicStroke.CAP_BUTT,
        BasicStroke.JOIN_MITER, 10f, new float[] {6f, 6f}, 0f));
    renderer.setSeriesShapesVisible(0, false);
    renderer.setSeriesPaint(1, new Color(0xD6, 0x27, 0x28));
    renderer.setSeriesPaint(2, new Color(0x1F, 0x77, 0xB4));
    renderer.setSeriesStroke(1, new BasicStroke(2.5f));
    renderer.setSeriesStroke(2, new BasicStroke(2.5f));
    plot.setRenderer(renderer);
    File parent = file.getAbsoluteFile().getParentFile();
    if (!parent.isDirectory() && !parent.mkdirs()) {
      throw new IOException("cannot create " + parent);
    }
    ChartUtils.saveChartAsPNG(file, chart, 900, 700);
  }
}
