package io.github.sparksoftmax.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.io.File;
import java.io.IOException;
import java.text.DecimalFormat;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.labels.CategoryItemLabelGenerator;
import org.jfree.chart.labels.ItemLabelAnchor;
import org.jfree.chart.labels.ItemLabelPosition;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.CategoryDataset;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * Draws the dense-vector tables as one grouped bar chart in a PNG: for each row width, each other
 * contender's median task CPU time over {@code SoftmaxTransformer}'s, the ratio the printed tables
 * show. The axis is logarithmic and the bars start at 1 (ours), so a bar up means more CPU than
 * ours and a bar down less, and the SQL route's tens fit beside the others' fractions.
 */
final class RatioChart {

  /** The contenders drawn, in the legend's order: ours in other forms, then the others. */
  private static final List<Contenders> SHOWN = List.of(Contenders.SQL_FUNCTION,
      Contenders.LOG_SOFTMAX, Contenders.PASS_THROUGH, Contenders.IDENTITY_UDF,
      Contenders.NORMALIZER, Contenders.HAND_UDF, Contenders.SQL);

  /** One colour per drawn contender, in {@link #SHOWN}'s order. */
  private static final Color[] PAINTS = {new Color(0x1F77B4), new Color(0x9ECAE9),
      new Color(0x7F7F7F), new Color(0x8C564B), new Color(0xFF7F0E), new Color(0xD62728),
      new Color(0x9467BD)};

  private RatioChart() {}

  /**
   * Writes the chart of the {@code tables} that hold every drawn contender to {@code file}
   * (creating its folder), with {@code subtitle} under the title. Writes nothing when no table
   * holds them all, as in a run without dense widths.
   *
   * @return whether a chart was written
   * @throws IOException if the file cannot be written
   */
  static boolean write(List<Table> tables, String subtitle, File file) throws IOException {
    DefaultCategoryDataset ratios = new DefaultCategoryDataset();
    for (Table table : tables) {
      if (!SHOWN.stream().allMatch(table::includes)) {
        continue;
      }
      String width = String.format(Locale.ROOT, "k = %,d", table.width);
      for (Contenders contender : SHOWN) {
        ratios.addValue(table.ratio(Measure.TASK_CPU, contender, Contenders.SOFTMAX),
            contender.label, width);
      }
    }
    if (ratios.getColumnCount() == 0) {
      return false;
    }
    ChartUtils.saveChartAsPNG(createFolder(file), chart(ratios, subtitle), 1200, 720);
    return true;
  }

  private static JFreeChart chart(DefaultCategoryDataset ratios, String subtitle) {
    LogAxis ratioAxis = new LogAxis("task CPU time / SoftmaxTransformer's (log scale)");
    BarRenderer renderer = new BarsFromBase();
    CategoryPlot plot = new CategoryPlot(ratios, new CategoryAxis("dense rows of k logits"),
        ratioAxis, renderer);
    JFreeChart chart = new JFreeChart("Task CPU time relative to SoftmaxTransformer"
        + " (1 = ours; above 1 = more CPU than ours)", JFreeChart.DEFAULT_TITLE_FONT, plot, true);
    // The theme sets fonts, paints and the bar painter: applied first, then overridden below.
    ChartFactory.getChartTheme().apply(chart);
    chart.addSubtitle(new TextTitle(subtitle));
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    plot.addRangeMarker(new ValueMarker(1.0, Color.BLACK, new BasicStroke(1.5f)));
    // Powers of 2, so that the ticks read as halves and doubles of ours.
    ratioAxis.setBase(2.0);
    ratioAxis.setTickUnit(new NumberTickUnit(1.0));
    ratioAxis.setNumberFormatOverride(new DecimalFormat("0.##"));
    ratioAxis.setSmallestValue(0.1);
    // Room for the turned labels beyond the longest bars.
    ratioAxis.setUpperMargin(0.12);
    ratioAxis.setLowerMargin(0.12);
    renderer.setBase(1.0);
    renderer.setBarPainter(new StandardBarPainter());
    renderer.setShadowVisible(false);
    renderer.setItemMargin(0.04);
    for (int series = 0; series < PAINTS.length; series++) {
      renderer.setSeriesPaint(series, PAINTS[series]);
    }
    renderer.setDefaultItemLabelGenerator(
        new StandardCategoryItemLabelGenerator("{2}", new DecimalFormat("0.00")));
    renderer.setDefaultItemLabelsVisible(true);
    renderer.setDefaultItemLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    renderer.setDefaultPositiveItemLabelPosition(new ItemLabelPosition(ItemLabelAnchor.OUTSIDE12,
        TextAnchor.CENTER_LEFT, TextAnchor.CENTER_LEFT, -Math.PI / 2));
    renderer.setDefaultNegativeItemLabelPosition(new ItemLabelPosition(ItemLabelAnchor.OUTSIDE6,
        TextAnchor.CENTER_RIGHT, TextAnchor.CENTER_RIGHT, -Math.PI / 2));
    return chart;
  }

  /**
   * Bars drawn from the renderer's base, 1, with the label of a bar below it (less CPU than ours)
   * under the bar: {@link BarRenderer} places a label by the value's sign alone.
   */
  private static final class BarsFromBase extends BarRenderer {
    private static final long serialVersionUID = 1L;

    @Override
    protected void drawItemLabel(Graphics2D g2, CategoryDataset data, int row, int column,
        CategoryPlot plot, CategoryItemLabelGenerator generator, Rectangle2D bar,
        boolean negative) {
      boolean belowBase = data.getValue(row, column).doubleValue() < getBase();
      super.drawItemLabel(g2, data, row, column, plot, generator, bar, belowBase);
    }
  }

  private static File createFolder(File file) throws IOException {
    File parent = file.getAbsoluteFile().getParentFile();
    if (!parent.isDirectory() && !parent.mkdirs()) {
      throw new IOException("cannot create " + parent);
    }
    return file;
  }
}
